namespace Budget.Domain.Tests;

/// <summary>
/// A rule's message is written only when the rule is broken: on the paths that check every row of an import, formatting
/// it every time cost more than the check (and, for a date, NodaTime's pattern set-up in every command-line process).
/// </summary>
public sealed class PreconditionsTests
{
    [Fact]
    public void A_kept_rule_formats_nothing()
    {
        var value = new CountsFormatting();

        Preconditions.Require(true, $"never written: {value} and {value:N2}");

        value.Formatted.Should().Be(0);
    }

    [Fact]
    public void A_broken_rule_throws_its_message_formatted_as_an_interpolated_string_would_be()
    {
        var value = new CountsFormatting();
        var cutoff = new NodaTime.LocalDate(2015, 3, 31);

        var thrown = FluentActions.Invoking(() => Preconditions.Require(false, $"Round 1's cut-off {cutoff:yyyy-MM-dd} is not in {2014}; {value}"))
            .Should().Throw<BudgetRuleException>().Which;

        thrown.Message.Should().Be("Round 1's cut-off 2015-03-31 is not in 2014; formatted 1");
        value.Formatted.Should().Be(1);
    }

    [Fact]
    public void The_rules_of_the_model_still_say_what_is_wrong()
    {
        FluentActions.Invoking(() => Appropriations.RoundCalendar.Default(2014).WithCutoff(Appropriations.RoundNumber.Of(2), new NodaTime.LocalDate(2015, 6, 30)))
            .Should().Throw<BudgetRuleException>().WithMessage("Round 2's cut-off 2015-06-30 is not in 2014.");
        FluentActions.Invoking(() => Appropriations.RoundNumber.Of(4))
            .Should().Throw<BudgetRuleException>().WithMessage("An estimate round is 1, 2 or 3, not 4.");
    }

    private sealed class CountsFormatting : IFormattable
    {
        public int Formatted { get; private set; }

        public string ToString(string? format, IFormatProvider? formatProvider) => $"formatted {++Formatted}";

        public override string ToString() => ToString(null, null);
    }
}

using Budget.Domain.Money;

namespace Budget.Domain.Tests;

public class MoneyTests
{
    [Fact]
    public void An_amount_refuses_fractions_of_an_ore()
    {
        Amount.Of(1234.50m).Ore.Should().Be(123_450);
        var act = () => Amount.Of(0.005m);
        act.Should().Throw<BudgetRuleException>().WithMessage("*fractions of an øre*");
    }

    [Fact]
    public void Rounding_to_ore_is_half_away_from_zero()
    {
        Amount.RoundToOre(0.005m).Should().Be(Amount.FromOre(1));
        Amount.RoundToOre(-0.005m).Should().Be(Amount.FromOre(-1));
        Amount.RoundToOre(0.0049m).Should().Be(Amount.Zero);
    }

    [Theory]
    [InlineData("287892000", 28_789_200_000L)]
    [InlineData("-5025000.5", -502_500_050L)]
    [InlineData("0.07", 7L)]
    [InlineData(" 12.30 ", 1_230L)]
    [InlineData("100000000000", 10_000_000_000_000L)]
    [InlineData("-100000000000.00", -10_000_000_000_000L)]
    [InlineData("000000000000000000000100000000000", 10_000_000_000_000L)]
    public void Interchange_text_parses_to_exact_ore(string text, long ore)
    {
        AmountText.Invariant.TryParse(text, out var amount, out var error).Should().BeTrue(error);
        amount.Ore.Should().Be(ore);
    }

    [Theory]
    [InlineData("1.005", "more than 2 decimals")]
    [InlineData("1,5", "not a number")]
    [InlineData("1e5", "not a number")]
    [InlineData("", "required")]
    [InlineData("12.", "ends in a decimal separator")]
    [InlineData("--3", "not a number")]
    [InlineData("12345678901234", "larger than 100.000.000.000 kr.")]
    [InlineData("100000000000.01", "larger than 100.000.000.000 kr.")]
    [InlineData("-100000000000.01", "larger than 100.000.000.000 kr.")]
    [InlineData("99999999999999999999999999", "larger than 100.000.000.000 kr.")]
    public void Interchange_text_refuses_what_is_not_an_amount(string text, string reason)
    {
        AmountText.Invariant.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain(reason);
    }

    [Theory]
    [InlineData("-1.234.567,89", -123_456_789L)]
    [InlineData("287.892", 28_789_200L)]
    [InlineData("43168000", 4_316_800_000L)]
    [InlineData("0,5", 50L)]
    public void Danish_text_reads_comma_decimals_and_dot_thousands(string text, long ore)
    {
        AmountText.Danish.TryParse(text, out var amount, out var error).Should().BeTrue(error);
        amount.Ore.Should().Be(ore);
    }

    [Fact]
    public void Danish_text_refuses_misplaced_thousands_separators()
    {
        AmountText.Danish.TryParse("1.23,00", out _, out var error).Should().BeFalse();
        error.Should().Contain("thousands");
    }

    [Theory]
    [InlineData(1_499_99, 1)]
    [InlineData(1_500_00, 2)]
    [InlineData(-1_500_00, -2)]
    [InlineData(2_500_00, 3)]
    [InlineData(-499_99, 0)]
    public void Thousands_round_half_away_from_zero_by_default(long ore, long thousands) =>
        ThousandsRounding.Round(Amount.FromOre(ore)).Should().Be(thousands);

    [Theory]
    [InlineData(1_500_00, 2)]
    [InlineData(2_500_00, 2)]
    [InlineData(-2_500_00, -2)]
    [InlineData(2_500_01, 3)]
    public void Thousands_can_round_half_to_even(long ore, long thousands) =>
        ThousandsRounding.Round(Amount.FromOre(ore), RoundingRule.HalfToEven).Should().Be(thousands);

    [Fact]
    public void Independent_rounding_can_leave_rows_not_adding_up_and_largest_remainder_fixes_it()
    {
        // Three rows of 400 kr.: each prints 0 but the total 1.200 kr. prints 1.
        Amount[] rows = [Amount.Of(400m), Amount.Of(400m), Amount.Of(400m)];

        var independent = ThousandsRounding.Independently(rows);
        var keeping = ThousandsRounding.KeepingTotal(rows);

        independent.Rows.Should().Equal(0, 0, 0);
        independent.Total.Should().Be(1);
        keeping.Rows.Should().Equal(1, 0, 0);
        keeping.Total.Should().Be(1);
    }

    [Fact]
    public void Largest_remainder_gives_the_missing_thousand_to_the_largest_remainder_also_for_negative_rows()
    {
        // −1.400 (floor −2, remainder 600), −1.300 (floor −2, remainder 700), 900 (floor 0, remainder 900): total −1.800 → −2.
        Amount[] rows = [Amount.Of(-1_400m), Amount.Of(-1_300m), Amount.Of(900m)];

        var keeping = ThousandsRounding.KeepingTotal(rows);

        keeping.Total.Should().Be(-2);
        keeping.Rows.Should().Equal(-2, -1, 1);
    }
}

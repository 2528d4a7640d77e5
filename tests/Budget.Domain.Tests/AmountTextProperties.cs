using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;

namespace Budget.Domain.Tests;

/// <summary>
/// The import's hot path reads the common amount forms without allocating and leaves every other form to the full
/// reader (issue 20): whatever the path, an amount written in any accepted form reads back as exactly its øre, and one
/// past the largest accepted amount is refused, in both flavours.
/// </summary>
public sealed class AmountTextProperties
{
    private static readonly Gen<long> Ores = Gen.Choose(0, int.MaxValue).SelectMany(high => Gen.Choose(0, 99_999).Select(low => ((long)high * 100_000 + low) % (AmountCeilings.MaxInputOre + 1)));

    [Fact]
    public void Any_form_of_an_amount_reads_back_as_its_ore()
    {
        var forms = from ore in Ores
                    from negative in Gen.Elements(false, true)
                    from zeros in Gen.Choose(0, 3)
                    from decimals in Gen.Choose(0, 2)
                    from danish in Gen.Elements(false, true)
                    select (ore: decimals == 0 ? ore - ore % 100 : decimals == 1 ? ore - ore % 10 : ore, negative, zeros, decimals, danish);
        Prop.ForAll(forms.ToArbitrary(), f =>
        {
            var whole = new string('0', f.zeros) + (f.ore / 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var fraction = (f.ore % 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture)[..f.decimals];
            var text = (f.negative ? "-" : "") + whole + (f.decimals > 0 ? (f.danish ? "," : ".") + fraction : "");
            var parsed = (f.danish ? AmountText.Danish : AmountText.Invariant).TryParse(text, out var amount, out _);
            return parsed && amount.Ore == (f.negative ? -f.ore : f.ore);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("100000000000.01")]
    [InlineData("-100000000000.01")]
    [InlineData("999999999999999")]
    [InlineData("1234567890123456789")]
    public void Past_the_largest_amount_is_refused_with_a_reason(string text)
    {
        AmountText.Invariant.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("100000000000.00", 10_000_000_000_000L)]
    [InlineData("0000000000000000001.5", 150L)]
    [InlineData(" 12.30 ", 1_230L)]
    public void Forms_left_to_the_full_reader_still_read(string text, long ore)
    {
        AmountText.Invariant.TryParse(text, out var amount, out var error).Should().BeTrue(error);
        amount.Ore.Should().Be(ore);
    }
}

using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using NodaTime.Text;

namespace Budget.Data.Tests;

/// <summary>
/// The store writes and reads dates and instants by hand in their common shapes (a NodaTime pattern's first use costs a
/// cold process ~35 ms): whatever the value, the text is the pattern's, it reads back as the value, and text the hand
/// reader does not take is read — or refused — by the pattern as before.
/// </summary>
public sealed class TextProperties
{
    private static readonly Gen<LocalDate> Dates =
        Gen.Choose(1, 9999).SelectMany(year => Gen.Choose(1, 12).SelectMany(month => Gen.Choose(1, CalendarSystem.Iso.GetDaysInMonth(year, month))
            .Select(day => new LocalDate(year, month, day))));

    /// <summary>Nanoseconds with every number of trailing zeros, whole seconds included.</summary>
    private static readonly Gen<int> Nanoseconds =
        Gen.Choose(0, 999_999_999).SelectMany(n => Gen.Choose(0, 9).Select(zeros => n / Pow10(zeros) * Pow10(zeros)));

    private static readonly Gen<Instant> Instants =
        from date in Dates
        from second in Gen.Choose(0, 86_399)
        from nanoseconds in Nanoseconds
        select date.AtMidnight().InUtc().ToInstant().Plus(Duration.FromSeconds(second)).PlusNanoseconds(nanoseconds);

    [Fact]
    public void A_date_is_written_as_the_iso_pattern_writes_it_and_reads_back()
    {
        Prop.ForAll(Dates.ToArbitrary(), date =>
        {
            var text = date.Iso();
            return text == LocalDatePattern.Iso.Format(date) && Text.ToLocalDate(text) == date;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void An_instant_is_written_as_the_extended_iso_pattern_writes_it_and_reads_back()
    {
        Prop.ForAll(Instants.ToArbitrary(), instant =>
        {
            var text = instant.Iso();
            return text == InstantPattern.ExtendedIso.Format(instant) && Text.ToInstant(text) == instant;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void An_instant_with_a_comma_or_trailing_zeros_reads_as_the_pattern_reads_it()
    {
        Prop.ForAll(Instants.ToArbitrary(), Gen.Choose(0, 9).ToArbitrary(), Gen.Elements('.', ',').ToArbitrary(), (instant, wanted, separator) =>
        {
            var text = instant.Iso();
            var point = text.IndexOf('.', StringComparison.Ordinal);
            var seconds = point < 0 ? text[..^1] : text[..point];
            var decimals = (point < 0 ? "" : text[(point + 1)..^1]).PadRight(wanted, '0');
            var variant = decimals.Length == 0 ? seconds + "Z" : seconds + separator + decimals + "Z";
            var expected = InstantPattern.ExtendedIso.Parse(variant);
            return expected.Success && expected.Value == instant && Text.ToInstant(variant) == instant;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Text_that_is_not_a_plain_date_goes_to_the_pattern_which_reads_or_refuses_it_as_before()
    {
        // Each character of a date replaced by one of a few others: digits (a real or an impossible day), separators, letters.
        var texts = from date in Dates
                    from at in Gen.Choose(0, 9)
                    from c in Gen.Elements('0', '1', '2', '3', '9', '-', '/', 'x', ' ')
                    select string.Concat(date.Iso().AsSpan(0, at), c.ToString(), date.Iso().AsSpan(at + 1));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var expected = LocalDatePattern.Iso.Parse(text);
            return expected.Success
                ? Text.ToLocalDate(text) == expected.Value
                : Throws<UnparsableValueException>(() => Text.ToLocalDate(text));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("2014-02-29")]
    [InlineData("2014-13-01")]
    [InlineData("0000-01-01")]
    [InlineData("2014-1-01")]
    [InlineData("")]
    public void An_impossible_or_misshapen_date_is_refused_by_the_pattern(string text)
    {
        LocalDatePattern.Iso.Parse(text).Success.Should().Be(text == "0000-01-01");
        if (text == "0000-01-01")
        {
            Text.ToLocalDate(text).Should().Be(new LocalDate(0, 1, 1)); // year 0 is ISO's 1 BC: the pattern's, not the hand reader's
        }
        else
        {
            FluentActions.Invoking(() => Text.ToLocalDate(text)).Should().Throw<UnparsableValueException>();
        }
    }

    [Theory]
    [InlineData("2014-03-31T24:00:00Z")]
    [InlineData("2014-03-31T12:00:00.Z")]
    [InlineData("2014-03-31T12:00:00.1234567890Z")]
    [InlineData("2014-03-31T12:00:00+01:00")]
    [InlineData("2014-03-31 12:00:00Z")]
    public void Instants_the_hand_reader_leaves_are_read_or_refused_by_the_pattern(string text)
    {
        var expected = InstantPattern.ExtendedIso.Parse(text);
        if (expected.Success)
        {
            Text.ToInstant(text).Should().Be(expected.Value);
        }
        else
        {
            FluentActions.Invoking(() => Text.ToInstant(text)).Should().Throw<UnparsableValueException>();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-44)]
    [InlineData(-9998)]
    public void Dates_and_instants_before_year_one_are_written_and_read_by_the_patterns(int year)
    {
        var date = new LocalDate(year, 3, 31);
        date.Iso().Should().Be(LocalDatePattern.Iso.Format(date));
        Text.ToLocalDate(date.Iso()).Should().Be(date);

        var instant = date.At(new LocalTime(12, 30, 15)).InUtc().ToInstant().PlusNanoseconds(120_000);
        instant.Iso().Should().Be(InstantPattern.ExtendedIso.Format(instant));
        Text.ToInstant(instant.Iso()).Should().Be(instant);
    }

    private static int Pow10(int zeros)
    {
        var power = 1;
        for (var i = 0; i < zeros; i++)
        {
            power *= 10;
        }

        return power;
    }

    private static bool Throws<T>(Action action)
        where T : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (T)
        {
            return true;
        }
    }
}

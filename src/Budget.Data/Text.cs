using NodaTime;
using NodaTime.Text;

namespace Budget.Data;

/// <summary>
/// How dates and instants are written in the database: ISO text that sorts chronologically — exactly what NodaTime's
/// <see cref="LocalDatePattern.Iso"/> and <see cref="InstantPattern.ExtendedIso"/> write and read. The common shapes
/// (years 1–9999; an instant in UTC with up to nine decimals) are written and read here by hand: the first use of a
/// NodaTime pattern builds its culture's format data, ~35 ms of every command-line process's start (docs/performance.md,
/// 3 December 2026). Anything else goes to the patterns, which also give their own error for text that is not a date.
/// </summary>
internal static class Text
{
    public static string Iso(this LocalDate date) =>
        date.Year is >= 1 and <= 9999
            ? string.Create(10, date, static (chars, d) => WriteDate(chars, d.Year, d.Month, d.Day))
            : LocalDatePattern.Iso.Format(date);

    public static LocalDate ToLocalDate(string text) =>
        TryReadDate(text, out var date) ? date : LocalDatePattern.Iso.Parse(text).Value;

    public static string Iso(this Instant instant)
    {
        var utc = instant.InUtc();
        if (utc.Year is < 1 or > 9999)
        {
            return InstantPattern.ExtendedIso.Format(instant);
        }

        // Decimals as the pattern's FFFFFFFFF: up to nine, trailing zeros dropped, none (and no point) for a whole second.
        var nanoseconds = utc.NanosecondOfSecond;
        var decimals = 0;
        for (var rest = nanoseconds; rest != 0; rest = rest % 100_000_000 * 10)
        {
            decimals++;
        }

        return string.Create(20 + (decimals == 0 ? 0 : 1 + decimals), (utc.LocalDateTime, nanoseconds, decimals), static (chars, s) =>
        {
            var (time, nanoseconds, decimals) = s;
            WriteDate(chars, time.Year, time.Month, time.Day);
            chars[10] = 'T';
            Two(chars[11..], time.Hour);
            chars[13] = ':';
            Two(chars[14..], time.Minute);
            chars[16] = ':';
            Two(chars[17..], time.Second);
            if (decimals > 0)
            {
                chars[19] = '.';
                var digits = nanoseconds;
                for (var i = 8; i >= 0; i--, digits /= 10)
                {
                    if (i < decimals)
                    {
                        chars[20 + i] = (char)('0' + (digits % 10));
                    }
                }
            }

            chars[^1] = 'Z';
        });
    }

    public static Instant ToInstant(string text) =>
        TryReadInstant(text, out var instant) ? instant : InstantPattern.ExtendedIso.Parse(text).Value;

    /// <summary>yyyy-MM-dd of a real day, year 1–9999; false for anything else (left to the pattern).</summary>
    private static bool TryReadDate(ReadOnlySpan<char> text, out LocalDate date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            return false;
        }

        date = new LocalDate(year, month, day);
        return true;
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss, then . or , and 1–9 decimals or none, then Z; false for anything else (left to the pattern).</summary>
    private static bool TryReadInstant(ReadOnlySpan<char> text, out Instant instant)
    {
        instant = default;
        if (text.Length < 20 || text[^1] != 'Z' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryReadDate(text[..10], out var date)
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long nanoseconds = 0;
        if (text.Length > 20)
        {
            var decimals = text[20..^1];
            if (text[19] is not ('.' or ',') || decimals.Length is < 1 or > 9 || !TryDigits(decimals, out var fraction))
            {
                return false;
            }

            nanoseconds = fraction;
            for (var i = decimals.Length; i < 9; i++)
            {
                nanoseconds *= 10;
            }
        }

        instant = date.At(new LocalTime(hour, minute, second)).InUtc().ToInstant().PlusNanoseconds(nanoseconds);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static void WriteDate(Span<char> chars, int year, int month, int day)
    {
        Two(chars, year / 100);
        Two(chars[2..], year % 100);
        chars[4] = '-';
        Two(chars[5..], month);
        chars[7] = '-';
        Two(chars[8..], day);
    }

    private static void Two(Span<char> chars, int value)
    {
        chars[0] = (char)('0' + (value / 10));
        chars[1] = (char)('0' + (value % 10));
    }
}

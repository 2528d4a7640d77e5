using NodaTime;
using NodaTime.Text;

namespace Budget.Data;

/// <summary>How dates and instants are written in the database: ISO text that sorts chronologically.</summary>
internal static class Text
{
    public static string Iso(this LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static LocalDate ToLocalDate(string text) => LocalDatePattern.Iso.Parse(text).Value;

    public static string Iso(this Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    public static Instant ToInstant(string text) => InstantPattern.ExtendedIso.Parse(text).Value;
}

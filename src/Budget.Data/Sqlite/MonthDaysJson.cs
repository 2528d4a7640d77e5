using System.Buffers.Text;
using System.Text.Json;
using Budget.Domain.Money;

namespace Budget.Data.Sqlite;

/// <summary>
/// A month's days as SQLite's month rows keep them (decision 0032): JSON text <c>[[day, øre, postings], …]</c> of the
/// days with postings in day order (<c>[]</c> for none), which <c>json_each</c> reads back, and the sum of their |øre|
/// (saturating as <see cref="AmountCeilings.AddMagnitude"/> does), which the year ceiling reads.
/// </summary>
internal static class MonthDaysJson
{
    private static readonly byte[] NoDays = "[]"u8.ToArray();

    /// <param name="ore">Each day's sum, index 0 = the 1st.</param>
    /// <param name="count">Each day's number of postings; a day with none is left out.</param>
    public static (byte[] Json, long Magnitude) Write(ReadOnlySpan<long> ore, ReadOnlySpan<long> count)
    {
        // At most 31 days of "[31,-9223372036854775808,9223372036854775807]," (47 bytes) and the brackets.
        Span<byte> buffer = stackalloc byte[2 + (31 * 47)];
        var length = 0;
        var magnitude = 0L;
        buffer[length++] = (byte)'[';
        for (var d = 0; d < ore.Length; d++)
        {
            if (count[d] <= 0)
            {
                continue;
            }

            if (length > 1)
            {
                buffer[length++] = (byte)',';
            }

            buffer[length++] = (byte)'[';
            length += Number(d + 1, buffer[length..]);
            buffer[length++] = (byte)',';
            length += Number(ore[d], buffer[length..]);
            buffer[length++] = (byte)',';
            length += Number(count[d], buffer[length..]);
            buffer[length++] = (byte)']';
            magnitude = AmountCeilings.AddMagnitude(magnitude, ore[d]);
        }

        if (length == 1)
        {
            return (NoDays, 0);
        }

        buffer[length++] = (byte)']';
        return (buffer[..length].ToArray(), magnitude);
    }

    private static int Number(long value, Span<byte> into) =>
        Utf8Formatter.TryFormat(value, into, out var written) ? written : throw new InvalidOperationException("a day's number did not fit");

    /// <summary>The sum of the days through <paramref name="throughDay"/> (1–31) of a month's JSON.</summary>
    /// <exception cref="InvalidDataException">The text is not a list of [day, øre, postings].</exception>
    public static long SumThrough(ReadOnlySpan<byte> json, int throughDay)
    {
        try
        {
            return Sum(json, throughDay);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(NotDays, e);
        }
    }

    private const string NotDays = "posting_month.days is not a list of [day, øre, postings] (decision 0032)";

    private static long Sum(ReadOnlySpan<byte> json, int throughDay)
    {
        var reader = new Utf8JsonReader(json);
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartArray);
        var sum = 0L;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType == JsonTokenType.StartArray);
            var day = Integer(ref reader);
            var ore = Integer(ref reader);
            Integer(ref reader);
            Expect(Next(ref reader) == JsonTokenType.EndArray);
            if (day <= throughDay)
            {
                sum = checked(sum + ore);
            }
        }

        Expect(!reader.Read()); // nothing after the list
        return sum;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        Expect(reader.Read());
        return reader.TokenType;
    }

    private static long Integer(ref Utf8JsonReader reader)
    {
        Expect(Next(ref reader) == JsonTokenType.Number);
        Expect(reader.TryGetInt64(out var value));
        return value;
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new InvalidDataException(NotDays);
        }
    }
}

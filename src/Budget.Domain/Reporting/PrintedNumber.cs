using System.Globalization;

namespace Budget.Domain.Reporting;

/// <summary>
/// A figure as printed in a table: its value and the number of decimals printed, which tells the unit it was rounded
/// to (<c>6.745</c>: whole units; <c>-1,5</c>: tenths).
/// </summary>
public readonly record struct PrintedNumber(decimal Value, int Decimals)
{
    /// <summary>At most this many digits before the decimals and this many decimals are read.</summary>
    public const int MaxIntegerDigits = 15;

    public const int MaxDecimals = 6;

    /// <summary>The unit of the last printed digit: 1 for whole numbers, 0,1 for one decimal, …</summary>
    public decimal Unit => Decimals == 0 ? 1m : 1m / Pow10(Decimals);

    /// <summary>
    /// Reads a printed figure. Danish (<paramref name="danish"/>): <c>.</c> between thousands (groups of three),
    /// <c>,</c> before decimals (<c>6.745</c>, <c>-1,5</c>, <c>79.082.600,00</c>); plain: <c>.</c> before decimals and no
    /// thousands separator (<c>6745</c>, <c>-1.5</c>). Either may start with <c>-</c>, the minus sign <c>−</c> or
    /// <c>+</c>. A lone dash (<c>-</c>, <c>−</c>, <c>–</c>) is a printed zero. Surrounding spaces are ignored.
    /// </summary>
    public static bool TryParse(string? text, bool danish, out PrintedNumber number, out string? error)
    {
        number = default;
        error = null;
        var value = (text ?? "").Trim();
        if (value is "-" or "\u2212" or "\u2013")
        {
            number = new PrintedNumber(0m, 0);
            return true;
        }

        var negative = value.Length > 0 && value[0] is '-' or '\u2212';
        var digits = value.Length > 0 && value[0] is '-' or '\u2212' or '+' ? value[1..] : value;
        var decimalSeparator = danish ? ',' : '.';
        var separatorAt = digits.IndexOf(decimalSeparator, StringComparison.Ordinal);
        var integerPart = separatorAt < 0 ? digits : digits[..separatorAt];
        var fractionPart = separatorAt < 0 ? "" : digits[(separatorAt + 1)..];
        if (danish && integerPart.Contains('.', StringComparison.Ordinal))
        {
            var groups = integerPart.Split('.');
            if (groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3))
            {
                error = $"'{Echo.Cut(value)}' has misplaced thousands separators";
                return false;
            }

            integerPart = string.Concat(groups);
        }

        if (integerPart.Length == 0 || (separatorAt >= 0 && fractionPart.Length == 0) || !integerPart.All(char.IsAsciiDigit) || !fractionPart.All(char.IsAsciiDigit))
        {
            error = $"'{Echo.Cut(value)}' is not a number (expected e.g. {(danish ? "-1.234,5" : "-1234.5")})";
            return false;
        }

        if (integerPart.TrimStart('0').Length > MaxIntegerDigits || fractionPart.Length > MaxDecimals)
        {
            error = $"'{Echo.Cut(value)}' has more than {MaxIntegerDigits} digits or more than {MaxDecimals} decimals";
            return false;
        }

        var parsed = decimal.Parse(integerPart + (fractionPart.Length == 0 ? "" : "." + fractionPart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        number = new PrintedNumber(negative ? -parsed : parsed, fractionPart.Length);
        return true;
    }

    /// <summary>The figure as a table of this flavour prints it, with its decimals.</summary>
    public static string Format(decimal value, int decimals, bool danish) =>
        danish ? Money.DanishNumbers.Format(value, decimals) : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }
}

using System.Globalization;

namespace Budget.Domain.Money;

/// <summary>
/// The textual forms of an amount that data files use. <see cref="Invariant"/> is the interchange format
/// ('.' decimals, optional leading '-', no thousands separator, at most two decimals);
/// <see cref="Danish"/> is what Danish finance systems export (',' decimals, '.' thousands).
/// </summary>
public sealed class AmountText
{
    private readonly char decimalSeparator;
    private readonly char? thousandsSeparator;

    private AmountText(char decimalSeparator, char? thousandsSeparator)
    {
        this.decimalSeparator = decimalSeparator;
        this.thousandsSeparator = thousandsSeparator;
    }

    /// <summary>Digits before the decimals that are read at all; the amount's size is then checked against <see cref="AmountCeilings.MaxInputKroner"/>.</summary>
    private const int MaxIntegerDigits = 15;

    public static AmountText Invariant { get; } = new('.', null);

    public static AmountText Danish { get; } = new(',', '.');

    /// <summary>Parses an amount, or says why it is not one.</summary>
    public bool TryParse(string? text, out Amount amount, out string? error)
    {
        error = null;
        if (TryParsePlain(text, out amount))
        {
            return true;
        }

        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            error = "an amount is required";
            return false;
        }

        var negative = value[0] == '-';
        var digits = negative ? value[1..] : value;
        var integerPart = digits;
        var fractionPart = "";
        var separatorAt = digits.IndexOf(decimalSeparator, StringComparison.Ordinal);
        if (separatorAt >= 0)
        {
            integerPart = digits[..separatorAt];
            fractionPart = digits[(separatorAt + 1)..];
            if (fractionPart.Length == 0)
            {
                error = $"'{Echo.Cut(value)}' ends in a decimal separator";
                return false;
            }
        }

        if (thousandsSeparator is { } thousands && integerPart.Contains(thousands, StringComparison.Ordinal))
        {
            var groups = integerPart.Split(thousands);
            if (groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3))
            {
                error = $"'{Echo.Cut(value)}' has misplaced thousands separators";
                return false;
            }

            integerPart = string.Concat(groups);
        }

        if (integerPart.Length == 0 || !integerPart.All(char.IsAsciiDigit) || !fractionPart.All(char.IsAsciiDigit))
        {
            error = $"'{Echo.Cut(value)}' is not a number (expected e.g. {Example})";
            return false;
        }

        if (fractionPart.Length > 2)
        {
            error = $"'{Echo.Cut(value)}' has more than 2 decimals";
            return false;
        }

        var significant = integerPart.TrimStart('0');
        var ore = significant.Length > MaxIntegerDigits
            ? long.MaxValue
            : (significant.Length == 0 ? 0 : long.Parse(significant, CultureInfo.InvariantCulture)) * 100
              + (fractionPart.Length == 0 ? 0 : long.Parse(fractionPart.PadRight(2, '0'), CultureInfo.InvariantCulture));
        if (ore > AmountCeilings.MaxInputOre)
        {
            error = $"'{Echo.Cut(value)}' is larger than {AmountCeilings.MaxInputText} (the largest amount accepted)";
            return false;
        }

        amount = Amount.FromOre(negative ? -ore : ore);
        return true;
    }

    private bool TryParsePlain(string? text, out Amount amount)
    {
        amount = Amount.Zero;
        return text is not null && TryParsePlain(text.AsSpan(), out amount);
    }

    /// <summary>
    /// The common form read without allocating (the hot path of a large import): an optional '-', 1 to 15 digits, and
    /// optionally the decimal separator and 1 or 2 digits, within <see cref="AmountCeilings.MaxInputOre"/>. Anything
    /// else — spaces, thousands separators, errors — is left to <see cref="TryParse"/>, which says what is wrong.
    /// </summary>
    public bool TryParsePlain(ReadOnlySpan<char> text, out Amount amount)
    {
        amount = Amount.Zero;
        var span = text;
        var negative = span.Length > 0 && span[0] == '-';
        if (negative)
        {
            span = span[1..];
        }

        long whole = 0;
        var i = 0;
        for (; i < span.Length && char.IsAsciiDigit(span[i]); i++)
        {
            if (i == MaxIntegerDigits)
            {
                return false;
            }

            whole = (whole * 10) + (span[i] - '0');
        }

        if (i is 0 or > MaxIntegerDigits)
        {
            return false;
        }

        long fraction = 0;
        if (i < span.Length)
        {
            var decimals = span.Length - i - 1;
            if (span[i] != decimalSeparator || decimals is < 1 or > 2 || !char.IsAsciiDigit(span[i + 1]) || (decimals == 2 && !char.IsAsciiDigit(span[i + 2])))
            {
                return false;
            }

            fraction = (span[i + 1] - '0') * 10 + (decimals == 2 ? span[i + 2] - '0' : 0);
        }

        var ore = (whole * 100) + fraction;
        if (ore > AmountCeilings.MaxInputOre)
        {
            return false;
        }

        amount = Amount.FromOre(negative ? -ore : ore);
        return true;
    }

    private string Example => thousandsSeparator is null ? "-1234.50" : "-1.234,50";
}

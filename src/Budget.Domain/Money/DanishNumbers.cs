using System.Globalization;

namespace Budget.Domain.Money;

/// <summary>
/// Numbers as Danish readers write them: <c>.</c> between thousands, <c>,</c> before decimals, a hyphen-minus for
/// negatives (<c>287.892</c>, <c>-5.025</c>, <c>79.082.600,00</c>). Independent of the machine's culture settings.
/// </summary>
public static class DanishNumbers
{
    public static string Format(decimal value, int decimals)
    {
        var text = Math.Abs(value).ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var danish = text.Replace(",", "\u0001", StringComparison.Ordinal).Replace(".", ",", StringComparison.Ordinal).Replace("\u0001", ".", StringComparison.Ordinal);
        return value < 0 && danish.Any(c => c is >= '1' and <= '9') ? "-" + danish : danish;
    }

    public static string Format(long value) => Format(value, 0);
}

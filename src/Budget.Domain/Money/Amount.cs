using System.Globalization;

namespace Budget.Domain.Money;

/// <summary>
/// An amount of Danish kroner with øre precision (beløb), stored as a whole number of øre.
/// Net convention: expenditure positive, income negative.
/// </summary>
public readonly record struct Amount : IComparable<Amount>
{
    private Amount(long ore) => Ore = ore;

    /// <summary>The amount in øre (1 kr. = 100 øre): the unit of storage.</summary>
    public long Ore { get; }

    public static Amount Zero { get; } = new(0);

    /// <summary>The amount in kroner, exact.</summary>
    public decimal Kroner => Ore / 100m;

    public static Amount FromOre(long ore) => new(ore);

    /// <summary>An amount of kroner; refuses fractions of an øre rather than rounding them silently.</summary>
    public static Amount Of(decimal kroner)
    {
        var ore = kroner * 100m;
        Preconditions.Require(ore == decimal.Truncate(ore), $"{kroner.ToString(CultureInfo.InvariantCulture)} kr. has fractions of an øre.");
        Preconditions.Require(ore is >= long.MinValue and <= long.MaxValue, "The amount is out of range.");
        return new Amount((long)ore);
    }

    /// <summary>Rounds kroner to whole øre half away from zero (the rule for amounts derived by percentages).</summary>
    public static Amount RoundToOre(decimal kroner) => Of(decimal.Round(kroner, 2, MidpointRounding.AwayFromZero));

    public static Amount operator +(Amount left, Amount right) => new(checked(left.Ore + right.Ore));

    public static Amount operator -(Amount left, Amount right) => new(checked(left.Ore - right.Ore));

    public static Amount operator -(Amount value) => new(checked(-value.Ore));

    public static bool operator <(Amount left, Amount right) => left.Ore < right.Ore;

    public static bool operator >(Amount left, Amount right) => left.Ore > right.Ore;

    public static bool operator <=(Amount left, Amount right) => left.Ore <= right.Ore;

    public static bool operator >=(Amount left, Amount right) => left.Ore >= right.Ore;

    public static Amount Add(Amount left, Amount right) => left + right;

    public static Amount Subtract(Amount left, Amount right) => left - right;

    public static Amount Negate(Amount value) => -value;

    public int CompareTo(Amount other) => Ore.CompareTo(other.Ore);

    public bool IsZero => Ore == 0;

    /// <summary>Kroner with a '.' decimal separator and exactly two decimals, e.g. "-5025000.00".</summary>
    public override string ToString() => Kroner.ToString("0.00", CultureInfo.InvariantCulture);
}

public static class AmountEnumerable
{
    public static Amount Sum(this IEnumerable<Amount> amounts)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        var ore = 0L;
        foreach (var amount in amounts)
        {
            ore = checked(ore + amount.Ore);
        }

        return Amount.FromOre(ore);
    }

    public static Amount Sum<T>(this IEnumerable<T> items, Func<T, Amount> selector) =>
        items.Select(selector).Sum();
}

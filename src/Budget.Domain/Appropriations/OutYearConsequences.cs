using Budget.Domain.Money;

namespace Budget.Domain.Appropriations;

/// <summary>
/// Consequences of an estimate for the next budget year (BF) and the three out-years after it (overslagsår, BO1–BO3).
/// </summary>
public readonly record struct OutYearConsequences(Amount Year1, Amount Year2, Amount Year3, Amount Year4)
{
    public const int Count = 4;

    public static OutYearConsequences None => default;

    public static OutYearConsequences From(IReadOnlyList<Amount> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        Preconditions.Require(years.Count == Count, $"Out-year consequences are exactly {Count} amounts, not {years.Count}.");
        return new OutYearConsequences(years[0], years[1], years[2], years[3]);
    }

    public IReadOnlyList<Amount> ToList() => [Year1, Year2, Year3, Year4];

    public static OutYearConsequences operator +(OutYearConsequences left, OutYearConsequences right) => new(
        left.Year1 + right.Year1, left.Year2 + right.Year2, left.Year3 + right.Year3, left.Year4 + right.Year4);

    public static OutYearConsequences Add(OutYearConsequences left, OutYearConsequences right) => left + right;

    public static OutYearConsequences operator -(OutYearConsequences left, OutYearConsequences right) => new(
        left.Year1 - right.Year1, left.Year2 - right.Year2, left.Year3 - right.Year3, left.Year4 - right.Year4);

    public static OutYearConsequences Subtract(OutYearConsequences left, OutYearConsequences right) => left - right;
}

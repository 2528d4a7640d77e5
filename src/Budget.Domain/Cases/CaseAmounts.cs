using Budget.Domain.Money;

namespace Budget.Domain.Cases;

/// <summary>
/// A case's amounts for the budget year and the three years after it (budgetår og overslagsår), in that order: the
/// years a case (bevillingssag) is decided for.
/// </summary>
public readonly record struct CaseAmounts(Amount BudgetYear, Amount OutYear1, Amount OutYear2, Amount OutYear3)
{
    public const int Count = 4;

    public static CaseAmounts Zero => default;

    public Amount this[int index] => index switch
    {
        0 => BudgetYear,
        1 => OutYear1,
        2 => OutYear2,
        3 => OutYear3,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A case covers four years (0–3)."),
    };

    public static CaseAmounts From(IReadOnlyList<Amount> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        Preconditions.Require(years.Count == Count, $"A case has exactly {Count} yearly amounts, not {years.Count}.");
        return new CaseAmounts(years[0], years[1], years[2], years[3]);
    }

    /// <summary>The four amounts made by <paramref name="year"/> from each index 0–3.</summary>
    public static CaseAmounts Of(Func<int, Amount> year)
    {
        ArgumentNullException.ThrowIfNull(year);
        return new CaseAmounts(year(0), year(1), year(2), year(3));
    }

    public IReadOnlyList<Amount> ToList() => [BudgetYear, OutYear1, OutYear2, OutYear3];

    public bool IsZero => BudgetYear.IsZero && OutYear1.IsZero && OutYear2.IsZero && OutYear3.IsZero;

    public static CaseAmounts operator +(CaseAmounts left, CaseAmounts right) => Of(i => left[i] + right[i]);

    public static CaseAmounts operator -(CaseAmounts value) => Of(i => -value[i]);

    public static CaseAmounts Add(CaseAmounts left, CaseAmounts right) => left + right;

    public static CaseAmounts Negate(CaseAmounts value) => -value;
}

public static class CaseAmountsEnumerable
{
    public static CaseAmounts Sum(this IEnumerable<CaseAmounts> amounts)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        return amounts.Aggregate(CaseAmounts.Zero, (sum, a) => sum + a);
    }
}

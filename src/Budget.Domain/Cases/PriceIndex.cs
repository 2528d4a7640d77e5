using Budget.Domain.Money;

namespace Budget.Domain.Cases;

/// <summary>
/// Which index moves an amount between price levels (domain.md §9): service expenditure by KL's price and wage index
/// (P/L), transfers by the rate adjustment (satsregulering).
/// </summary>
public enum PriceIndexKind
{
    Service,
    Transfer,
}

/// <summary>One year's index of one kind, with its source (reference data, <c>data/reference/price-index.csv</c>).</summary>
public sealed record PriceIndexEntry(int Year, PriceIndexKind Kind, decimal Index, string Source);

/// <summary>
/// The price and wage levels (pris- og lønniveau): moving an amount from the level of year L to the level of year Y
/// multiplies it by index(Y) / index(L) of its kind, rounded to the øre half away from zero (<see cref="Convert"/>).
/// Amounts of different levels are never added: a report either converts them all to one level or keeps them apart.
/// </summary>
public sealed class PriceIndex
{
    private readonly Dictionary<(int Year, PriceIndexKind Kind), PriceIndexEntry> entries;

    public PriceIndex(IReadOnlyList<PriceIndexEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        this.entries = entries.ToDictionary(e => (e.Year, e.Kind));
    }

    public IReadOnlyList<PriceIndexEntry> Entries { get; }

    public static string KindCode(PriceIndexKind kind) => kind == PriceIndexKind.Service ? "service" : "transfer";

    public PriceIndexEntry? Find(int year, PriceIndexKind kind) => entries.GetValueOrDefault((year, kind));

    /// <summary>Why amounts of <paramref name="kinds"/> cannot move from <paramref name="from"/> to <paramref name="to"/>; null when they can.</summary>
    public string? Problem(int from, int to, IEnumerable<PriceIndexKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (from == to)
        {
            return null;
        }

        var missing = kinds.Distinct().SelectMany(k => new[] { from, to }.Where(y => Find(y, k) is null).Select(y => $"{KindCode(k)} {y}")).ToArray();
        return missing.Length == 0 ? null : $"the price index has no value for {string.Join(", ", missing)} (data/reference/price-index.csv)";
    }

    /// <summary>An amount at the level of <paramref name="from"/> expressed at the level of <paramref name="to"/>.</summary>
    public Amount Convert(Amount amount, int from, int to, PriceIndexKind kind)
    {
        if (from == to || amount.IsZero)
        {
            return amount;
        }

        var source = Find(from, kind) ?? throw new BudgetRuleException($"The price index has no {KindCode(kind)} value for {from}.");
        var target = Find(to, kind) ?? throw new BudgetRuleException($"The price index has no {KindCode(kind)} value for {to}.");
        return Amount.RoundToOre(amount.Kroner * target.Index / source.Index);
    }

    public CaseAmounts Convert(CaseAmounts amounts, int from, int to, PriceIndexKind kind) =>
        CaseAmounts.Of(i => Convert(amounts[i], from, to, kind));
}

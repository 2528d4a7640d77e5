namespace Budget.Domain.Cases;

/// <summary>
/// A savings catalogue's (sparekatalog) effect per year split by class (domain.md §9): service expenditure, transfers,
/// income and one-off, and the net (their sum). Rows whose class is unknown (no classification given and the account
/// outside the service classification) are kept apart in <see cref="Unclassified"/> and counted in the net.
/// </summary>
public sealed record CatalogueTotals(CaseAmounts Service, CaseAmounts Transfer, CaseAmounts Income, CaseAmounts OneOff, CaseAmounts Unclassified)
{
    public CaseAmounts Net => Service + Transfer + Income + OneOff + Unclassified;

    public static CatalogueTotals Of(IEnumerable<(CaseAmounts Amounts, CaseClass? Class)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sums = new Dictionary<CaseClass, CaseAmounts>();
        var unclassified = CaseAmounts.Zero;
        foreach (var (amounts, cls) in rows)
        {
            if (cls is { } known)
            {
                sums[known] = sums.GetValueOrDefault(known) + amounts;
            }
            else
            {
                unclassified += amounts;
            }
        }

        return new CatalogueTotals(sums.GetValueOrDefault(CaseClass.Service), sums.GetValueOrDefault(CaseClass.Transfer), sums.GetValueOrDefault(CaseClass.Income), sums.GetValueOrDefault(CaseClass.OneOff), unclassified);
    }
}

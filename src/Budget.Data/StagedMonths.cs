namespace Budget.Data;

/// <summary>
/// The month totals per account of the postings staged in one transaction, gathered while they are staged, so that
/// the cumulative month table (posting_month) is brought up to date with one row per account and month instead of a
/// second aggregation over every staged posting.
/// </summary>
internal sealed class StagedMonths
{
    // Per account, the sums of January (index 0) through December (index 11).
    private readonly Dictionary<string, long[]> byAccount = new(StringComparer.Ordinal);

    // Per account, its earliest staged month: from there on it needs month rows, even where its postings sum to zero.
    private readonly Dictionary<string, int> firstMonth = new(StringComparer.Ordinal);

    public void Add(string account, int month, long ore)
    {
        if (!byAccount.TryGetValue(account, out var months))
        {
            byAccount[account] = months = new long[12];
            firstMonth[account] = month;
        }
        else if (month < firstMonth[account])
        {
            firstMonth[account] = month;
        }

        months[month - 1] = checked(months[month - 1] + ore);
    }

    public bool IsEmpty => byAccount.Count == 0;

    /// <summary>
    /// What to add to each (month, account) cumulative total: the running sum of the staged months, from each
    /// account's first staged month through December, in (month, account) order, the table's key order.
    /// </summary>
    public IEnumerable<(int Month, string Account, long CumulativeOre)> CumulativeDeltas()
    {
        var running = byAccount.ToDictionary(
            a => a.Key,
            a =>
            {
                var sums = new long[12];
                var total = 0L;
                for (var m = 0; m < 12; m++)
                {
                    sums[m] = total = checked(total + a.Value[m]);
                }

                return sums;
            },
            StringComparer.Ordinal);
        var accounts = byAccount.Keys.Order(StringComparer.Ordinal).ToArray();
        for (var month = 1; month <= 12; month++)
        {
            foreach (var account in accounts)
            {
                if (month >= firstMonth[account])
                {
                    yield return (month, account, running[account][month - 1]);
                }
            }
        }
    }

    public void Clear()
    {
        byAccount.Clear();
        firstMonth.Clear();
    }
}

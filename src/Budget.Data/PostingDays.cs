using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Data;

/// <summary>
/// Postings summed per (account, day) in memory while they are read, so that the database is handed one sorted write
/// of month rows (cumulative totals with the month's per-day sums) instead of every posting (decisions 0019, 0029, 0032). Memory is bounded by
/// accounts × days (about 5,9 KB per account with postings: a sum and a count for each day of the year), never by the
/// number of postings; an import past <see cref="FlushAtAccounts"/> accounts writes what it has and starts again.
/// </summary>
internal sealed class PostingDays
{
    /// <summary>Accounts held before an import writes its sums so far (about 94 MB): bounds memory for any file.</summary>
    public const int FlushAtAccounts = 16_000;

    /// <summary>
    /// Accounts' days are allocated 64 at a time (374 KB, the large object heap) rather than one 5,9 KB array each:
    /// thousands of small arrays that all survive made the collector grow its young generation's budget while an
    /// import began, and with it the process's peak memory (issue 20's 200 MB at 10M postings through the API).
    /// </summary>
    private const int AccountsPerSlab = 64;

    private readonly Dictionary<string, AccountDays> byAccount = new(StringComparer.Ordinal);
    private AccountDays? last;
    private long[]? slab;
    private int slabUsed;

    public PostingDays(int year)
    {
        Year = year;
        DaysInYear = CalendarSystem.Iso.GetDaysInYear(year);
    }

    public int Year { get; }

    public int DaysInYear { get; }

    public int AccountCount => byAccount.Count;

    public bool IsEmpty => byAccount.Count == 0;

    public void Add(Posting posting)
    {
        Add(posting.Account.Value, posting.PostedOn, posting.Amount.Ore);
    }

    public void Add(string account, LocalDate postedOn, long ore)
    {
        if (postedOn.Year != Year)
        {
            throw new ArgumentOutOfRangeException(nameof(postedOn), $"{postedOn:yyyy-MM-dd} is not in the budget year {Year}");
        }

        // Postings of one account often come together (a ledger sorted by account): skip the lookup then.
        var days = last is { } previous && string.Equals(previous.Account, account, StringComparison.Ordinal) ? previous : Lookup(account);
        var at = days.At(postedOn.DayOfYear - 1);
        var sums = days.Slab;
        sums[at] = checked(sums[at] + ore);
        sums[at + 1]++;
        last = days;
    }

    private AccountDays Lookup(string account)
    {
        if (!byAccount.TryGetValue(account, out var days))
        {
            var width = 2 * DaysInYear;
            if (slab is null || slabUsed + width > slab.Length)
            {
                slab = new long[AccountsPerSlab * width];
                slabUsed = 0;
            }

            byAccount[account] = days = new AccountDays(account, slab, slabUsed);
            slabUsed += width;
        }

        return days;
    }

    /// <summary>The accounts that have postings here, in ordinal order (the order of posting_month's key within a month).</summary>
    public IReadOnlyList<string> Accounts()
    {
        var accounts = byAccount.Keys.ToArray();
        Array.Sort(accounts, StringComparer.Ordinal);
        return accounts;
    }

    /// <summary>
    /// An account's days of one month (1–12) as the month rows hold them (decisions 0029, 0032): into
    /// <paramref name="ore"/> and <paramref name="count"/>, index 0 = the 1st, each day's sum and number of postings,
    /// 0 where nothing was posted (or the account has nothing here). Both spans are as long as the month.
    /// </summary>
    public void MonthDays(string account, int month, Span<long> ore, Span<long> count)
    {
        var first = new LocalDate(Year, month, 1).DayOfYear - 1;
        var length = CalendarSystem.Iso.GetDaysInMonth(Year, month);
        if (ore.Length != length || count.Length != length)
        {
            throw new ArgumentException($"month {month} of {Year} has {length} days");
        }

        if (!byAccount.TryGetValue(account, out var days))
        {
            ore.Clear();
            count.Clear();
            return;
        }

        for (var d = 0; d < length; d++)
        {
            var at = days.At(first + d);
            ore[d] = days.Slab[at];
            count[d] = days.Slab[at + 1];
        }
    }

    /// <summary>
    /// What to add to each (month, account) cumulative total: the running sum of the months, from each account's
    /// first month with a posting through December (posting_month holds a row from there on, even where the postings
    /// sum to zero), in (month, account) order, the table's key order.
    /// </summary>
    public IEnumerable<(int Month, string Account, long CumulativeOre)> CumulativeMonths()
    {
        var accounts = Accounts();
        var running = new long[accounts.Count][];
        var firstMonth = new int[accounts.Count];
        for (var a = 0; a < accounts.Count; a++)
        {
            var account = byAccount[accounts[a]];
            var days = account.Slab;
            var sums = running[a] = new long[12];
            firstMonth[a] = 13;
            var total = 0L;
            var day = 0;
            for (var m = 1; m <= 12; m++)
            {
                var daysInMonth = CalendarSystem.Iso.GetDaysInMonth(Year, m);
                for (var end = day + daysInMonth; day < end; day++)
                {
                    total = checked(total + days[account.At(day)]);
                    if (days[account.At(day) + 1] > 0)
                    {
                        firstMonth[a] = Math.Min(firstMonth[a], m);
                    }
                }

                sums[m - 1] = total;
            }
        }

        for (var month = 1; month <= 12; month++)
        {
            for (var a = 0; a < accounts.Count; a++)
            {
                if (month >= firstMonth[a])
                {
                    yield return (month, accounts[a], running[a][month - 1]);
                }
            }
        }
    }

    public void Clear()
    {
        byAccount.Clear();
        last = null;
        slab = null;
    }

    /// <summary>
    /// An account's days in a slab shared with other accounts: per day, its sum in øre and then its number of postings
    /// side by side (one cache line for both), from <see cref="Offset"/>.
    /// </summary>
    private sealed class AccountDays(string account, long[] slab, int offset)
    {
        public string Account { get; } = account;

        public long[] Slab { get; } = slab;

        public int Offset { get; } = offset;

        /// <summary>Where a day's sum is in <see cref="Slab"/> (day 0 = 1 January); its count follows it.</summary>
        public int At(int day) => Offset + (2 * day);
    }
}

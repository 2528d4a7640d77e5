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
    /// <summary>Accounts held before an import writes its sums so far (about 94 MB; with at most 48 MB of month rows made ahead, decision 0035): bounds memory for any file.</summary>
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
        made = null;
        var days = Days(account, postedOn);
        var at = days.At(postedOn.DayOfYear - 1);
        var sums = days.Slab;
        sums[at] = checked(sums[at] + ore);
        sums[at + 1]++;
    }

    /// <summary>Postings per batch whose days are found before any is added (<see cref="AddRange"/>).</summary>
    private const int FoundAhead = 1024;

    private readonly long[]?[] aheadSlab = new long[FoundAhead][];
    private readonly int[] aheadAt = new int[FoundAhead];

    /// <summary>
    /// Adds a batch in two passes: first every posting's day is found (dictionary and calendar), then the sums are
    /// added in a tight loop. A ledger's postings reach the accounts' days in no order, so nearly every addition
    /// misses the cache (several MB of days); in the tight loop the processor waits for many of them at once instead
    /// of one after another (about a third of a 200k-posting import's reading, issue 20).
    /// </summary>
    public void AddRange(IReadOnlyList<Posting> postings)
    {
        ArgumentNullException.ThrowIfNull(postings);
        made = null;
        for (var first = 0; first < postings.Count; first += FoundAhead)
        {
            var count = Math.Min(FoundAhead, postings.Count - first);
            for (var i = 0; i < count; i++)
            {
                var posting = postings[first + i];
                var days = Days(posting.Account.Value, posting.PostedOn);
                aheadSlab[i] = days.Slab;
                aheadAt[i] = days.At(posting.PostedOn.DayOfYear - 1);
            }

            for (var i = 0; i < count; i++)
            {
                var sums = aheadSlab[i]!;
                var at = aheadAt[i];
                sums[at] = checked(sums[at] + postings[first + i].Amount.Ore);
                sums[at + 1]++;
            }
        }

        Array.Clear(aheadSlab); // the slabs belong to the sums, not to the last batch
    }

    private AccountDays Days(string account, LocalDate postedOn)
    {
        if (postedOn.Year != Year)
        {
            throw new ArgumentOutOfRangeException(nameof(postedOn), $"{postedOn:yyyy-MM-dd} is not in the budget year {Year}");
        }

        // Postings of one account often come together (a ledger sorted by account): skip the lookup then. The rows of
        // an import share one string per account, so comparing references is enough here (the lookup compares text).
        var days = last is { } previous && ReferenceEquals(previous.Account, account) ? previous : Lookup(account);
        last = days;
        return days;
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
    /// Every month row the sums make, account by account in ordinal order and each account's months in order: the
    /// account's index in <see cref="Accounts"/>, the month, what to add to its cumulative total (as
    /// <see cref="CumulativeMonths"/>) and its days (as <see cref="MonthDays"/>). Each account's days are read once,
    /// in memory order: month by month over all accounts read every account's days twelve times, far apart (a
    /// third of the month rows' write, issue 20).
    /// </summary>
    /// <param name="accounts">This sums' <see cref="Accounts"/>, as the caller has them.</param>
    public void ForEachAccountMonth(IReadOnlyList<string> accounts, AccountMonthAction action)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(action);
        Span<long> ore = stackalloc long[31];
        Span<long> count = stackalloc long[31];
        for (var a = 0; a < accounts.Count; a++)
        {
            var account = byAccount[accounts[a]];
            var slab = account.Slab;
            var total = 0L;
            var day = 0;
            var started = false;
            for (var month = 1; month <= 12; month++)
            {
                var length = CalendarSystem.Iso.GetDaysInMonth(Year, month);
                var any = false;
                for (var d = 0; d < length; d++, day++)
                {
                    var at = account.At(day);
                    ore[d] = slab[at];
                    count[d] = slab[at + 1];
                    total = checked(total + ore[d]);
                    any |= count[d] > 0;
                }

                started |= any;
                if (started)
                {
                    action(a, month, total, ore[..length], count[..length]);
                }
            }
        }
    }

    /// <summary>One month row of <see cref="ForEachAccountMonth"/>.</summary>
    public delegate void AccountMonthAction(int account, int month, long cumulativeOre, ReadOnlySpan<long> ore, ReadOnlySpan<long> count);

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

    /// <summary>What a dialect made of these sums ahead of their write, when it still holds (no posting added since).</summary>
    private object? made;

    /// <summary>
    /// Keeps what a dialect made of the sums ahead of writing them, off the connection (SQLite: the month rows, made on
    /// the thread that read the postings while the connection writes the other files, decision 0035). Adding a
    /// posting or clearing drops it.
    /// </summary>
    public void Keep<T>(T madeAhead) where T : class => made = madeAhead;

    /// <summary>What <see cref="Keep{T}"/> kept, when it is of this type and no posting was added since; otherwise null.</summary>
    public T? Kept<T>() where T : class => made as T;

    public void Clear()
    {
        made = null;
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

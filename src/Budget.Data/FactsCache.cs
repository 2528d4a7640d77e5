using Budget.Domain;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using NodaTime;

namespace Budget.Data;

/// <summary>The change log's rules (table fact_change, decision 0020).</summary>
internal static class FactChanges
{
    /// <summary>A write touching more accounts than this logs "every account of the year" instead (one row).</summary>
    public const int MaxAccountsPerWrite = 256;

    /// <summary>Versions kept; a report kept from before them reads everything afresh.</summary>
    public const int Kept = 10_000;

    /// <summary>Changed accounts a report recomputes one by one; past this it reads everything afresh (cheaper).</summary>
    public const int MaxRecomputed = 1_000;

    /// <summary>Set to <c>off</c> to read afresh every time: the benchmarks use it to measure the full read.</summary>
    public const string DisableVariable = "BUDGET_FACTS_CACHE";

    /// <summary>The name this switch had when only SQLite kept facts; still honoured.</summary>
    public const string LegacyDisableVariable = "BUDGET_SQLITE_FACTS_CACHE";

    public static bool Disabled =>
        Environment.GetEnvironmentVariable(DisableVariable) == "off" || Environment.GetEnvironmentVariable(LegacyDisableVariable) == "off";
}

/// <summary>
/// The per-account facts of recent reports (year, round, as-of), each with the fact_change version it was read at,
/// so that the next report of the same key reads only the accounts changed since (decision 0020): nothing when
/// nothing changed, a handful of rows after an estimate is saved, everything after an import. Where the provider
/// has a change signal (SQLite's data_version; PostgreSQL's notifications, decision 0022), a report whose signal is
/// unchanged asks the database nothing at all.
/// Thread-safe; a key is refreshed by one report at a time while the others wait for its result.
/// </summary>
internal sealed class FactsCache(IChangeSignal? signal) : IDisposable
{
    private const int Capacity = 32;

    private readonly Lock gate = new();
    private readonly Dictionary<(int Year, int Round, LocalDate AsOf), Entry> entries = [];
    private readonly SemaphoreSlim[] refreshing = Enumerable.Range(0, 16).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Facts as of a version, with each account's position.</summary>
    internal sealed class Entry(long version, long? signal, ChunkedList<AccountFacts> facts, long? settled, long refresh, Dictionary<string, int>? positions = null)
    {
        /// <summary>The number of the refresh that read these facts (<see cref="BeginRefresh"/>), taken before its snapshot.</summary>
        public long Refresh { get; } = refresh;

        public long Version { get; } = version;

        /// <summary>The change signal observed before the facts were read (null without a signal): while it stands still, nothing was committed since.</summary>
        public long? Signal { get; } = signal;

        /// <summary>
        /// The change signal observed right after the facts' snapshot (null without a signal): commits between
        /// <see cref="Signal"/> and the snapshot are in the facts, so only a move past this one without a new
        /// version means a commit that logged nothing.
        /// </summary>
        public long? Settled { get; } = settled;

        /// <summary>The facts, in chunks shared with the entry they were derived from (decision 0026).</summary>
        public ChunkedList<AccountFacts> Facts { get; } = facts;

        /// <summary>Each account's position; shared with the entry these facts were derived from (same accounts, same places).</summary>
        public Dictionary<string, int> Positions { get; } = positions ?? Index(facts);

        private static Dictionary<string, int> Index(ChunkedList<AccountFacts> facts)
        {
            var positions = new Dictionary<string, int>(facts.Count, StringComparer.Ordinal);
            for (var i = 0; i < facts.Count; i++)
            {
                positions[facts[i].Account.Id.Value] = i;
            }

            return positions;
        }
    }

    private long refreshes;

    /// <summary>Each existing year's calendar with the signal taken before it was read (bounded by the years stored).</summary>
    private readonly Dictionary<int, (long Signal, RoundCalendar Calendar)> calendars = [];

    /// <summary>The number of refreshes begun so far: a report notes it on arrival.</summary>
    public long Refreshes => Interlocked.Read(ref refreshes);

    /// <summary>Numbers a refresh before its snapshot is taken: its facts hold everything committed before a report that arrived earlier.</summary>
    public long BeginRefresh() => Interlocked.Increment(ref refreshes);

    /// <summary>The change signal now (null without one). Read before anything else, so facts are never newer than it says.</summary>
    public long? Signal() => signal?.Read();

    /// <summary>The calendars' change signal now (null without one); read before a calendar is.</summary>
    public long? CalendarSignal() => signal?.ReadCalendar();

    public Entry? Find(int year, int round, LocalDate asOf)
    {
        lock (gate)
        {
            return entries.GetValueOrDefault((year, round, asOf));
        }
    }

    /// <summary>The facts of a key whose signal has not moved since they were read: no commit anywhere since.</summary>
    public bool TryGetUnchanged(int year, int round, LocalDate asOf, long? now, out IReadOnlyList<AccountFacts> facts)
    {
        var entry = Find(year, round, asOf);
        if (now is { } current && entry?.Signal == current)
        {
            facts = entry.Facts;
            return true;
        }

        facts = [];
        return false;
    }

    /// <summary>A year's calendar kept since a calendar signal that has not moved: no commit since that may have changed it.</summary>
    public bool TryGetCalendar(int year, long? now, out RoundCalendar? calendar)
    {
        lock (gate)
        {
            if (now is { } current && calendars.TryGetValue(year, out var kept) && kept.Signal == current)
            {
                calendar = kept.Calendar;
                return true;
            }
        }

        calendar = null;
        return false;
    }

    /// <summary>Keeps a year's calendar read after <paramref name="signal"/> was taken; a year not stored is not kept.</summary>
    public void PutCalendar(int year, long? signal, RoundCalendar? calendar)
    {
        if (signal is { } taken && calendar is not null)
        {
            lock (gate)
            {
                calendars[year] = (taken, calendar);
            }
        }
    }

    /// <summary>The keys (round, as-of) of a year's kept facts.</summary>
    public IReadOnlyList<(int Round, LocalDate AsOf)> KeysOf(int year)
    {
        lock (gate)
        {
            return [.. entries.Keys.Where(k => k.Year == year).Select(k => (k.Round, k.AsOf))];
        }
    }

    /// <summary>Keys with a background refresh scheduled and not yet started (at most one waits per key).</summary>
    private readonly HashSet<(int Year, int Round, LocalDate AsOf)> scheduled = [];

    /// <summary>
    /// True when no refresh of the key is under way and no background refresh of it waits to start; it is then the
    /// caller's to run. Under way means reports are refreshing the key themselves (under load): a background refresh
    /// would only make them refresh once more after it.
    /// </summary>
    public bool TryScheduleRefresh(int year, int round, LocalDate asOf)
    {
        if (Stripe(year, round, asOf).CurrentCount == 0)
        {
            return false;
        }

        lock (gate)
        {
            return scheduled.Add((year, round, asOf));
        }
    }

    /// <summary>A scheduled refresh starts: a write committed from now on schedules another.</summary>
    public void RefreshStarting(int year, int round, LocalDate asOf)
    {
        lock (gate)
        {
            scheduled.Remove((year, round, asOf));
        }
    }

    public void Put(int year, int round, LocalDate asOf, Entry entry)
    {
        lock (gate)
        {
            if (!entries.ContainsKey((year, round, asOf)) && entries.Count >= Capacity)
            {
                // The oldest version goes first: the entry least likely to be asked for again unchanged.
                entries.Remove(entries.MinBy(e => e.Value.Version).Key);
            }

            entries[(year, round, asOf)] = entry;
        }
    }

    /// <summary>Held while a key is refreshed, so concurrent reports of it wait for one refresh instead of each doing it.</summary>
    public async Task<IDisposable> Refreshing(int year, int round, LocalDate asOf, CancellationToken cancellationToken)
    {
        var semaphore = Stripe(year, round, asOf);
        await semaphore.WaitAsync(cancellationToken);
        return new Release(semaphore);
    }

    public void Dispose()
    {
        signal?.Dispose();
        foreach (var semaphore in refreshing)
        {
            semaphore.Dispose();
        }

        lock (gate)
        {
            entries.Clear();
            calendars.Clear();
        }
    }

    private SemaphoreSlim Stripe(int year, int round, LocalDate asOf) =>
        refreshing[unchecked((uint)HashCode.Combine(year, round, asOf)) % (uint)refreshing.Length];

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}

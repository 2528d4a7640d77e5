using Budget.Domain.FollowUp;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Data.Sqlite;

/// <summary>
/// Keeps the per-account facts of recent reports while the database is unchanged, so that reading the same follow-up
/// again (the committee secretary paging between groupings, the web page refreshing) does not read 5.000 accounts'
/// rows again. "Unchanged" is SQLite's own <c>PRAGMA data_version</c> on a connection of its own that never writes:
/// its value changes whenever any other connection — of this process or any other, the CLI included — commits.
/// No table, trigger or write path has to remember to invalidate anything (decision 0007).
/// </summary>
internal sealed class SqliteFactsCache : IFactsCache
{
    private const int Capacity = 32;

    /// <summary>Set to <c>off</c> to read afresh every time: the benchmarks use it to measure the computed path.</summary>
    public const string DisableVariable = "BUDGET_SQLITE_FACTS_CACHE";

    private readonly string connectionString;
    private readonly Lock gate = new();
    private readonly Dictionary<(int Year, int Round, LocalDate AsOf), (long Version, IReadOnlyList<AccountFacts> Facts)> entries = [];
    private SqliteConnection? watcher;

    public SqliteFactsCache(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        // An in-memory database is private to its connection: a watcher would open a database of its own and never
        // see a change, so such a store reads afresh every time.
        Enabled = builder.Mode != SqliteOpenMode.Memory && builder.DataSource != ":memory:" && builder.DataSource.Length > 0
            && Environment.GetEnvironmentVariable(DisableVariable) != "off";
        builder.Pooling = false; // a pooled connection might also write, and its own commits do not change its data_version
        this.connectionString = builder.ToString();
    }

    public bool Enabled { get; }

    /// <summary>The database's change counter as seen by the watcher; equal values mean no commit in between.</summary>
    public long Version()
    {
        lock (gate)
        {
            if (watcher is null)
            {
                watcher = new SqliteConnection(connectionString);
                watcher.Open();
            }

            using var command = watcher.CreateCommand();
            command.CommandText = "PRAGMA data_version";
            return (long)command.ExecuteScalar()!;
        }
    }

    public bool TryGet(int year, int round, LocalDate asOf, long version, out IReadOnlyList<AccountFacts> facts)
    {
        lock (gate)
        {
            if (entries.TryGetValue((year, round, asOf), out var entry) && entry.Version == version)
            {
                facts = entry.Facts;
                return true;
            }
        }

        facts = [];
        return false;
    }

    /// <summary>
    /// Keeps facts read after <paramref name="version"/> was observed. If a commit slipped in between, the facts are
    /// newer than the version they are filed under, and the next lookup sees a different version and reads again.
    /// </summary>
    public void Put(int year, int round, LocalDate asOf, long version, IReadOnlyList<AccountFacts> facts)
    {
        lock (gate)
        {
            foreach (var stale in entries.Where(e => e.Value.Version != version).Select(e => e.Key).ToArray())
            {
                entries.Remove(stale);
            }

            if (entries.Count >= Capacity)
            {
                entries.Remove(entries.Keys.First());
            }

            entries[(year, round, asOf)] = (version, facts);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            watcher?.Dispose();
            watcher = null;
            entries.Clear();
        }
    }
}

using Microsoft.Data.Sqlite;

namespace Budget.Data.Sqlite;

/// <summary>
/// SQLite's own change counter, <c>PRAGMA data_version</c>, on a connection of its own that never writes: its value
/// changes whenever any other connection — of this process or any other, the CLI included — commits. While it is
/// unchanged the facts cache answers without asking the database anything; when it moves, the cache reads the
/// fact_change log (decision 0020), and a commit that logged nothing (a change made outside the store) makes it read
/// everything afresh.
/// </summary>
internal sealed class SqliteDataVersion : IChangeSignal
{
    private readonly string connectionString;
    private readonly Lock gate = new();
    private SqliteConnection? watcher;

    private SqliteDataVersion(string connectionString) => this.connectionString = connectionString;

    /// <summary>
    /// The signal of a database file; null for an in-memory database, which is private to its connection (a watcher
    /// would open a database of its own and never see a change).
    /// </summary>
    public static SqliteDataVersion? For(string connectionString)
    {
        // Its own connection: a pooled one might also write, and its own commits do not change its data_version.
        return SqliteFile.OwnConnection(connectionString) is { } own ? new SqliteDataVersion(own) : null;
    }

    public long? Read()
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

    public void Dispose()
    {
        lock (gate)
        {
            watcher?.Dispose();
            watcher = null;
        }
    }
}

using Microsoft.Data.Sqlite;

namespace Budget.Data.Sqlite;

/// <summary>The database file behind a connection string, for the helpers that watch or maintain it beside the store.</summary>
internal static class SqliteFile
{
    /// <summary>
    /// A connection string for a connection of a helper's own (not pooled) to the same database file; null for an
    /// in-memory database, which is private to its connection (a second connection would open a database of its own).
    /// </summary>
    public static string? OwnConnection(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:" || builder.DataSource.Length == 0)
        {
            return null;
        }

        builder.Pooling = false;
        return builder.ToString();
    }
}

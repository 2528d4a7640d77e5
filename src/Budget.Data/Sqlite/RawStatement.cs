using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Budget.Data.Sqlite;

/// <summary>
/// A prepared statement on SQLite's own API (SQLitePCLRaw, which Microsoft.Data.Sqlite is built on), for the bulk
/// writes where the provider's per-execution overhead would cost more than SQLite itself: values are bound as integers
/// or UTF-8 bytes and the statement is stepped and reset. It runs on the connection's handle, so inside its open
/// transaction. Errors surface as <see cref="SqliteException"/>, as from the provider.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;

    public RawStatement(sqlite3 db, string sql)
    {
        this.db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    public void Bind(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(statement, index, utf8));

    /// <summary>Executes the statement with the values bound, then makes it ready for the next ones.</summary>
    public void Run()
    {
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }

    public void Dispose() => statement.Dispose();
}

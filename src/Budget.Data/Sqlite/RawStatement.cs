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

    /// <summary>Binds an integer, or null.</summary>
    public void Bind(int index, long? value) => Check(value is { } number ? raw.sqlite3_bind_int64(statement, index, number) : raw.sqlite3_bind_null(statement, index));

    /// <summary>Binds a text, or null.</summary>
    public void Bind(int index, string? text) => Check(text is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, text));

    /// <summary>
    /// Binds a value to the parameter named <c>@name</c> (integers, text or null, as the provider would bind them);
    /// a name the statement does not use is skipped, so one set of values can serve several statements.
    /// </summary>
    public void Bind(string name, object? value)
    {
        var index = Index(name);
        if (index == 0)
        {
            return;
        }

        Check(value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            string text => raw.sqlite3_bind_text(statement, index, text),
            _ => throw new ArgumentException($"{value.GetType().Name} is not bound by a raw statement", nameof(value)),
        });
    }

    /// <summary>Binds every named parameter of the statement (at most 64) from <paramref name="values"/>; each must be given.</summary>
    public void BindAll(IEnumerable<(string Name, object? Value)> values)
    {
        if (raw.sqlite3_bind_parameter_count(statement) > 64)
        {
            throw new NotSupportedException("BindAll binds statements of at most 64 parameters.");
        }

        raw.sqlite3_clear_bindings(statement);
        var bound = 0UL; // by position: a name given twice counts once
        foreach (var (name, value) in values)
        {
            if (Index(name) is var index and not 0)
            {
                Bind(name, value);
                bound |= 1UL << (index - 1);
            }
        }

        if (System.Numerics.BitOperations.PopCount(bound) != raw.sqlite3_bind_parameter_count(statement))
        {
            throw new InvalidOperationException($"{raw.sqlite3_bind_parameter_count(statement)} parameters in the statement, {System.Numerics.BitOperations.PopCount(bound)} bound: {raw.sqlite3_sql(statement).utf8_to_string()}");
        }
    }

    /// <summary>The parameters' positions by name (without the @), read from the statement once.</summary>
    private Dictionary<string, int> Names => field ??= Enumerable.Range(1, raw.sqlite3_bind_parameter_count(statement))
        .ToDictionary(i => raw.sqlite3_bind_parameter_name(statement, i).utf8_to_string()[1..], StringComparer.Ordinal);

    private int Index(string name) => Names.GetValueOrDefault(name);

    public bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(statement, column);

    public long? NullableInt64(int column) => IsNull(column) ? null : Int64(column);

    public string Text(int column) => raw.sqlite3_column_text(statement, column).utf8_to_string();

    public string? NullableText(int column) => IsNull(column) ? null : Text(column);

    /// <summary>Executes a statement that returns at most one integer (RETURNING), then makes it ready for the next values.</summary>
    public long? RunScalar() => RunFirst(static s => s.NullableInt64(0));

    /// <summary>Executes a statement that returns at most one text, then makes it ready for the next values.</summary>
    public string? RunText() => RunFirst(static s => s.NullableText(0));

    /// <summary>
    /// Executes a query of at most one row and reads it (none: the default), every row stepped through, then makes
    /// the statement ready for the next values.
    /// </summary>
    public T? RunFirst<T>(Func<RawStatement, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        T? value = default;
        var first = true;
        int result;
        try
        {
            while ((result = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                if (first)
                {
                    value = read(this);
                }

                first = false;
            }
        }
        finally
        {
            // Also when reading failed: a statement left stepping would hold its read (or its write) open.
            raw.sqlite3_reset(statement);
        }

        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }

        return value;
    }

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

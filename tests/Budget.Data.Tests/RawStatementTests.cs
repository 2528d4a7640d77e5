using Budget.Data.Sqlite;
using Microsoft.Data.Sqlite;

namespace Budget.Data.Tests;

/// <summary>
/// The statements SQLite's estimate batches keep per native connection (decision 0026): bound by name, run again with
/// the next values, and never run with a value left over from the last estimate.
/// </summary>
public sealed class RawStatementTests : IDisposable
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");

    public RawStatementTests()
    {
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, note TEXT, version INTEGER NOT NULL) STRICT";
        create.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();

    private RawStatement Prepare(string sql) => new(connection.Handle!, sql);

    [Fact]
    public void A_returning_statement_gives_its_value_or_none_and_runs_again_with_the_next_values()
    {
        using var insert = Prepare("INSERT INTO t (k, n, note, version) VALUES (@K, @N, @Note, 1) ON CONFLICT (k) DO NOTHING RETURNING version");
        using var update = Prepare("UPDATE t SET n = @N, version = version + 1 WHERE k = @K AND version = @Expected RETURNING version");

        insert.BindAll([("K", "a"), ("N", 5L), ("Note", null), ("Unused", "skipped: the statement has no such parameter")]);
        insert.RunScalar().Should().Be(1);
        insert.BindAll([("K", "a"), ("N", 6L), ("Note", "again")]);
        insert.RunScalar().Should().BeNull("the key exists: nothing inserted, no row returned");
        update.BindAll([("K", "a"), ("N", 7L), ("Expected", 1L)]);
        update.RunScalar().Should().Be(2);
        update.BindAll([("K", "a"), ("N", 8L), ("Expected", 1L)]);
        update.RunScalar().Should().BeNull("version 1 is gone: the compare-and-set matches nothing");

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT n, note, version FROM t WHERE k = 'a'";
        using var row = read.ExecuteReader();
        row.Read().Should().BeTrue();
        (row.GetInt64(0), row.IsDBNull(1), row.GetInt64(2)).Should().Be((7L, true, 2L));
    }

    [Fact]
    public void A_parameter_left_unbound_is_refused_rather_than_run_with_the_last_value()
    {
        using var insert = Prepare("INSERT INTO t (k, n, note, version) VALUES (@K, @N, @Note, 1)");
        insert.BindAll([("K", "a"), ("N", 5L), ("Note", "first")]);
        insert.Run();

        FluentActions.Invoking(() => insert.BindAll([("K", "b"), ("N", 6L)])).Should().Throw<InvalidOperationException>()
            .WithMessage("3 parameters in the statement, 2 bound*");
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        count.ExecuteScalar().Should().Be(1L);
    }

    [Fact]
    public void A_failed_run_surfaces_as_the_provider_s_error_and_leaves_the_statement_usable()
    {
        using var insert = Prepare("INSERT INTO t (k, n, note, version) VALUES (@K, @N, @Note, 1) RETURNING version");
        insert.BindAll([("K", "a"), ("N", 5L), ("Note", null)]);
        insert.RunScalar().Should().Be(1);

        insert.BindAll([("K", "a"), ("N", 6L), ("Note", null)]);
        FluentActions.Invoking(() => insert.RunScalar()).Should().Throw<SqliteException>().Which.SqliteExtendedErrorCode.Should().Be(1555, "the primary key is taken");

        insert.BindAll([("K", "b"), ("N", 6L), ("Note", "after the failure")]);
        insert.RunScalar().Should().Be(1);
    }

    [Fact]
    public void Values_of_other_types_are_refused_by_name()
    {
        using var insert = Prepare("INSERT INTO t (k, n, note, version) VALUES (@K, @N, @Note, 1)");
        FluentActions.Invoking(() => insert.Bind("N", 5.5m)).Should().Throw<ArgumentException>().WithMessage("Decimal is not bound*");
    }
}

using Budget.Data.Postgres;
using Dapper;
using NodaTime;
using Npgsql;

namespace Budget.Data.Tests;

/// <summary>
/// The import's own writer of PostgreSQL's binary COPY format (it replaced Npgsql's importer for the bulk tables):
/// what it writes reads back exactly, a COPY it does not complete stores nothing, and the server's refusal of a row
/// reaches the caller.
/// </summary>
public sealed class BinaryCopyWriterTests(ProviderDatabases databases) : ProviderTests(databases)
{
    [BothProvidersFact]
    public async Task Every_type_it_writes_reads_back_exactly()
    {
        await using var connection = (NpgsqlConnection)await Database("postgres").Open();
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (ord integer, n bigint, m integer, account text, day date, days bigint[])");
        (long N, int M, string Account, LocalDate Day, long[] Days)[] rows =
        [
            (long.MinValue, int.MinValue, "5.57.70", new LocalDate(2000, 1, 1), []),
            (-1_000_000_000_000_00L, -1, "Æblegrød på øen", new LocalDate(1999, 12, 31), [long.MinValue, -1, 0, 1, long.MaxValue]),
            (0, 0, "", new LocalDate(2024, 2, 29), Enumerable.Range(1, 29).Select(d => (long)d * -1_000).ToArray()),
            (long.MaxValue, int.MaxValue, new string('å', Budget.Domain.Accounts.AccountId.MaxLength), new LocalDate(2100, 12, 31),
                Enumerable.Range(1, BinaryCopyWriter.MaxArrayLength).Select(d => long.MaxValue - d).ToArray()),
        ];

        // 3.000 rows of the longest text and array cross the writer's 64 KB buffer many times.
        var all = rows.Concat(Enumerable.Range(0, 3_000).Select(i => rows[i % rows.Length] with { N = i })).ToArray();
        await using (var writer = await BinaryCopyWriter.Begin(connection, "COPY copied (ord, n, m, account, day, days) FROM STDIN (FORMAT BINARY)", CancellationToken.None))
        {
            for (var i = 0; i < all.Length; i++)
            {
                writer.StartRow(6);
                writer.Integer(i);
                writer.Bigint(all[i].N);
                writer.Integer(all[i].M);
                writer.Text(all[i].Account);
                writer.Date(BinaryCopyWriter.EpochDays(all[i].Day));
                writer.BigintArray(all[i].Days);
            }

            await writer.Complete(CancellationToken.None);
        }

        var read = (await connection.QueryAsync<(long N, int M, string Account, string Day, long[] Days)>("SELECT n, m, account, day::text, days FROM copied ORDER BY ord")).ToArray();
        read.Should().HaveCount(all.Length);
        for (var i = 0; i < all.Length; i++)
        {
            var (n, m, account, day, days) = read[i];
            (n, m, account, day).Should().Be((all[i].N, all[i].M, all[i].Account, all[i].Day.ToString("yyyy-MM-dd", null)), $"row {i}");
            days.Should().Equal(all[i].Days, $"row {i}");
        }

        (await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM copied WHERE array_lower(days, 1) <> 1")).Should().Be(0, "arrays start at 1, as the month rows' check requires");
    }

    [BothProvidersFact]
    public async Task An_array_longer_than_a_month_is_refused_and_nothing_is_stored()
    {
        await using var connection = (NpgsqlConnection)await Database("postgres").Open();
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (days bigint[])");
        await using (var writer = await BinaryCopyWriter.Begin(connection, "COPY copied (days) FROM STDIN (FORMAT BINARY)", CancellationToken.None))
        {
            writer.StartRow(1);
            var write = () => writer.BigintArray(new long[BinaryCopyWriter.MaxArrayLength + 1]);
            write.Should().Throw<ArgumentOutOfRangeException>();
        }

        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM copied")).Should().Be(0);
    }

    [BothProvidersFact]
    public async Task A_copy_not_completed_stores_nothing_and_the_connection_goes_on()
    {
        await using var connection = (NpgsqlConnection)await Database("postgres").Open();
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (n bigint)");
        await using (var writer = await BinaryCopyWriter.Begin(connection, "COPY copied (n) FROM STDIN (FORMAT BINARY)", CancellationToken.None))
        {
            for (var i = 0; i < 10_000; i++)
            {
                writer.StartRow(1);
                writer.Bigint(i);
            }
        }

        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM copied")).Should().Be(0);
    }

    [BothProvidersFact]
    public async Task The_servers_refusal_of_a_row_is_thrown_when_the_copy_completes()
    {
        await using var connection = (NpgsqlConnection)await Database("postgres").Open();
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (n bigint PRIMARY KEY)");
        await using var writer = await BinaryCopyWriter.Begin(connection, "COPY copied (n) FROM STDIN (FORMAT BINARY)", CancellationToken.None);
        writer.StartRow(1);
        writer.Bigint(7);
        writer.StartRow(1);
        writer.Bigint(7);

        var complete = () => writer.Complete(CancellationToken.None);
        (await complete.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.UniqueViolation);
    }
}

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
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (n bigint, m integer, account text, day date)");
        (long N, int M, string Account, LocalDate Day)[] rows =
        [
            (long.MinValue, int.MinValue, "5.57.70", new LocalDate(2000, 1, 1)),
            (-1_000_000_000_000_00L, -1, "Æblegrød på øen", new LocalDate(1999, 12, 31)),
            (0, 0, "", new LocalDate(2024, 2, 29)),
            (long.MaxValue, int.MaxValue, new string('å', Budget.Domain.Accounts.AccountId.MaxLength), new LocalDate(2100, 12, 31)),
        ];

        // 3.000 rows of the longest text cross the writer's 64 KB buffer many times.
        var many = Enumerable.Range(0, 3_000).Select(i => rows[i % rows.Length] with { N = i }).ToArray();
        await using (var writer = await BinaryCopyWriter.Begin(connection, "COPY copied (n, m, account, day) FROM STDIN (FORMAT BINARY)", CancellationToken.None))
        {
            foreach (var row in rows.Concat(many))
            {
                writer.StartRow(4);
                writer.Bigint(row.N);
                writer.Integer(row.M);
                writer.Text(row.Account);
                writer.Date(BinaryCopyWriter.EpochDays(row.Day));
            }

            await writer.Complete(CancellationToken.None);
        }

        var read = (await connection.QueryAsync<(long N, int M, string Account, string Day)>("SELECT n, m, account, day::text FROM copied")).ToArray();
        read.Should().HaveCount(rows.Length + many.Length);
        read.Take(rows.Length).Should().Equal(rows.Select(r => (r.N, r.M, r.Account, r.Day.ToString("yyyy-MM-dd", null))));
        read.Skip(rows.Length).Select(r => r.N).Should().Equal(Enumerable.Range(0, 3_000).Select(i => (long)i));
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

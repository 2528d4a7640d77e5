using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Budget.Data.Tests;

/// <summary>
/// Migration 0013 (PostgreSQL, decision 0029) moves the day rows of posting_day into arrays in posting_month's rows,
/// SQLite's 0014 (decision 0032) into JSON text there: a database migrated before it, with postings, reads the same
/// days and months afterwards. PostgreSQL's run in a schema of their own inside a transaction that is rolled back, so
/// the class's database is left as it was; SQLite's in a database in memory.
/// </summary>
public sealed class PostingDaysMigrationTests(ProviderDatabases databases) : ProviderTests(databases)
{
    [BothProvidersFact]
    public async Task The_days_of_a_database_migrated_before_0013_read_the_same_afterwards()
    {
        await using var connection = (NpgsqlConnection)await Database("postgres").Open();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("CREATE SCHEMA before_0013; SET LOCAL search_path TO before_0013", transaction: transaction);
        var migrations = Migrator.Migrations("Postgres").ToArray();
        foreach (var (_, _, sql) in migrations.Where(m => m.Version < 13))
        {
            await connection.ExecuteAsync(sql, transaction: transaction);
        }

        // Two accounts of a leap year: 5.57.70 from February (29 February and 1 March, two postings on one day), 5.57.71
        // on 31 December only; their month rows from their first month through December, as the store wrote them.
        const string data = """
            INSERT INTO budget_year (year, created_at) VALUES (2060, now());
            INSERT INTO account (year, account_id, name, committee, activity_area, block) VALUES
                (2060, '5.57.70', 'Kontanthjælp', 'Socialudvalget', 'Overførsler', 'drift'),
                (2060, '5.57.71', 'Boligstøtte', 'Socialudvalget', 'Overførsler', 'drift');
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count) VALUES
                (2060, '5.57.70', '2060-02-29', 1500, 2),
                (2060, '5.57.70', '2060-03-01', -200, 1),
                (2060, '5.57.71', '2060-12-31', 99, 1);
            INSERT INTO posting_month (year, month, account_id, cumulative_ore)
            SELECT 2060, m, '5.57.70', CASE WHEN m = 2 THEN 1500 ELSE 1300 END FROM generate_series(2, 12) m
            UNION ALL SELECT 2060, 12, '5.57.71', 99;
            """;
        await connection.ExecuteAsync(data, transaction: transaction);

        await connection.ExecuteAsync(migrations.Single(m => m.Version == 13).Sql, transaction: transaction);

        var days = (await connection.QueryAsync<(string Account, string Day, long Ore, long Count)>(
            "SELECT account_id, posted_on::text, amount_ore, posting_count FROM posting_day ORDER BY account_id, posted_on", transaction: transaction)).ToArray();
        days.Should().Equal(("5.57.70", "2060-02-29", 1500L, 2L), ("5.57.70", "2060-03-01", -200L, 1L), ("5.57.71", "2060-12-31", 99L, 1L));
        var february = await connection.QuerySingleAsync<(long[] Ore, long[] Count, long Cumulative)>(
            "SELECT day_ore, day_count, cumulative_ore FROM posting_month WHERE year = 2060 AND month = 2 AND account_id = '5.57.70'", transaction: transaction);
        february.Ore.Should().HaveCount(29).And.Subject.Should().Equal(Enumerable.Repeat(0L, 28).Append(1500L));
        february.Count.Should().Equal(Enumerable.Repeat(0L, 28).Append(2L));
        february.Cumulative.Should().Be(1500);
        (await connection.QueryAsync<int>("SELECT cardinality(day_ore) FROM posting_month WHERE account_id = '5.57.70' ORDER BY month", transaction: transaction))
            .Should().Equal(29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);
        (await connection.ExecuteScalarAsync<long>("SELECT SUM(x) FROM posting_month, unnest(day_ore) x", transaction: transaction)).Should().Be(1399);

        await transaction.RollbackAsync();
    }

    [BothProvidersFact]
    public async Task A_day_without_its_month_row_stops_the_migration_before_anything_is_dropped()
    {
        await using var connection = (NpgsqlConnection)await Database("postgres").Open();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("CREATE SCHEMA orphan_0013; SET LOCAL search_path TO orphan_0013", transaction: transaction);
        var migrations = Migrator.Migrations("Postgres").ToArray();
        foreach (var (_, _, sql) in migrations.Where(m => m.Version < 13))
        {
            await connection.ExecuteAsync(sql, transaction: transaction);
        }

        // A day in March whose month rows were deleted by hand: only February's and April's are left.
        const string data = """
            INSERT INTO budget_year (year, created_at) VALUES (2060, now());
            INSERT INTO account (year, account_id, name, committee, activity_area, block) VALUES (2060, '5.57.70', 'Kontanthjælp', 'Socialudvalget', 'Overførsler', 'drift');
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count) VALUES (2060, '5.57.70', '2060-03-04', 700, 1);
            INSERT INTO posting_month (year, month, account_id, cumulative_ore) VALUES (2060, 2, '5.57.70', 0), (2060, 4, '5.57.70', 700);
            """;
        await connection.ExecuteAsync(data, transaction: transaction);

        var migrate = () => connection.ExecuteAsync(migrations.Single(m => m.Version == 13).Sql, transaction: transaction);

        (await migrate.Should().ThrowAsync<PostgresException>()).Which.MessageText.Should()
            .Contain("5.57.70").And.Contain("2060-03-04").And.Contain("without a posting_month row");
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task SQLite_the_days_of_a_database_migrated_before_0014_read_the_same_afterwards()
    {
        await using var connection = await SqliteBefore0014();

        // The same two accounts of a leap year as PostgreSQL's test above, a third whose days sum to nothing, and a
        // fourth of a year stored before the ceiling existed: its May's |øre| (1,2 × 10^19) does not fit in a long.
        const string data = """
            INSERT INTO budget_year (year, created_at) VALUES (2060, '2060-01-01T00:00:00Z');
            INSERT INTO account (year, account_id, name, committee, activity_area, block) VALUES
                (2060, '5.57.70', 'Kontanthjælp', 'Socialudvalget', 'Overførsler', 'drift'),
                (2060, '5.57.71', 'Boligstøtte', 'Socialudvalget', 'Overførsler', 'drift'),
                (2060, '5.57.72', 'Særlig støtte', 'Socialudvalget', 'Overførsler', 'drift'),
                (2060, '5.57.73', 'Gammel konto', 'Socialudvalget', 'Overførsler', 'drift');
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count) VALUES
                (2060, '5.57.70', '2060-02-29', 1500, 2),
                (2060, '5.57.70', '2060-03-01', -200, 1),
                (2060, '5.57.70', '2060-03-31', -9000000000000, 1),
                (2060, '5.57.71', '2060-12-31', 99, 1),
                (2060, '5.57.72', '2060-12-01', 0, 2),
                (2060, '5.57.73', '2060-05-01', -4000000000000000000, 1),
                (2060, '5.57.73', '2060-05-02', -4000000000000000000, 1),
                (2060, '5.57.73', '2060-05-03', -4000000000000000000, 1);
            WITH RECURSIVE months(m) AS (SELECT 2 UNION ALL SELECT m + 1 FROM months WHERE m < 12)
            INSERT INTO posting_month (year, month, account_id, cumulative_ore)
            SELECT 2060, m, '5.57.70', CASE WHEN m = 2 THEN 1500 ELSE -8999999998700 END FROM months
            UNION ALL SELECT 2060, 12, '5.57.71', 99
            UNION ALL SELECT 2060, 12, '5.57.72', 0
            UNION ALL SELECT 2060, 5, '5.57.73', 0;
            """;
        await connection.ExecuteAsync(data);

        await connection.ExecuteAsync(Migrator.Migrations("Sqlite").Single(m => m.Version == 14).Sql);

        var days = (await connection.QueryAsync<(string Account, string Day, long Ore, long Count)>(
            "SELECT account_id, posted_on, amount_ore, posting_count FROM posting_day ORDER BY account_id, posted_on")).ToArray();
        days.Should().Equal(
            ("5.57.70", "2060-02-29", 1500L, 2L), ("5.57.70", "2060-03-01", -200L, 1L), ("5.57.70", "2060-03-31", -9_000_000_000_000L, 1L),
            ("5.57.71", "2060-12-31", 99L, 1L), ("5.57.72", "2060-12-01", 0L, 2L),
            ("5.57.73", "2060-05-01", -4_000_000_000_000_000_000L, 1L), ("5.57.73", "2060-05-02", -4_000_000_000_000_000_000L, 1L),
            ("5.57.73", "2060-05-03", -4_000_000_000_000_000_000L, 1L));
        var months = (await connection.QueryAsync<(long Month, string Days, long Magnitude, long Cumulative)>(
            "SELECT month, days, day_magnitude_ore, cumulative_ore FROM posting_month WHERE account_id = '5.57.70' ORDER BY month")).ToArray();
        months.Should().HaveCount(11);
        months[0].Should().Be((2L, "[[29,1500,2]]", 1500L, 1500L));
        months[1].Should().Be((3L, "[[1,-200,1],[31,-9000000000000,1]]", 9_000_000_000_200L, -8_999_999_998_700L));
        months[2..].Should().AllSatisfy(m => (m.Days, m.Magnitude).Should().Be(("[]", 0L)));
        (await connection.ExecuteScalarAsync<long>("SELECT SUM(day_magnitude_ore) FROM posting_month WHERE account_id <> '5.57.73'")).Should().Be(9_000_000_001_799L);
        (await connection.ExecuteScalarAsync<long>("SELECT day_magnitude_ore FROM posting_month WHERE account_id = '5.57.73'"))
            .Should().Be(9_000_000_000_000_000_000L, "capped as the store caps a year's measure, not an overflow that stops the migration");
    }

    [Fact]
    public async Task SQLite_a_day_without_its_month_row_stops_the_migration_before_anything_is_dropped()
    {
        await using var connection = await SqliteBefore0014();
        const string data = """
            INSERT INTO budget_year (year, created_at) VALUES (2060, '2060-01-01T00:00:00Z');
            INSERT INTO account (year, account_id, name, committee, activity_area, block) VALUES (2060, '5.57.70', 'Kontanthjælp', 'Socialudvalget', 'Overførsler', 'drift');
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count) VALUES (2060, '5.57.70', '2060-03-04', 700, 1);
            INSERT INTO posting_month (year, month, account_id, cumulative_ore) VALUES (2060, 2, '5.57.70', 0), (2060, 4, '5.57.70', 700);
            """;
        await connection.ExecuteAsync(data);
        await using var transaction = await connection.BeginTransactionAsync();

        var migrate = () => connection.ExecuteAsync(Migrator.Migrations("Sqlite").Single(m => m.Version == 14).Sql, transaction: transaction);

        (await migrate.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("without a posting_month row");
        await transaction.RollbackAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM posting_day")).Should().Be(1, "the table is still there, with its day");
    }

    private static async Task<SqliteConnection> SqliteBefore0014()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        foreach (var (_, _, sql) in Migrator.Migrations("Sqlite").Where(m => m.Version < 14))
        {
            await connection.ExecuteAsync(sql);
        }

        return connection;
    }
}

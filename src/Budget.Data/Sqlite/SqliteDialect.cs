using System.Data.Common;
using Budget.Domain.Appropriations;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Data.Sqlite;

/// <summary>
/// The embedded SQLite database (the default provider): STRICT tables, dates and instants as ISO text, WAL, writers
/// serialised by IMMEDIATE transactions; bulk writes through prepared statements into temporary tables and one sorted
/// merge (docs/performance.md).
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private static readonly string[] EstimateStageParameters = ["$round", "$account", "$estimate", "$explanation", "$y1", "$y2", "$y3", "$y4", "$requested", "$gross", "$refusion", "$basis"];

    public override string Name => "Sqlite";

    public override async Task<DbConnection> Open(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // Foreign keys and the busy wait are per connection in SQLite; synchronous=NORMAL is safe under WAL.
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    public override async Task Migrate(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        await Migrator.Apply(connection, Name, cancellationToken);
    }

    // Microsoft.Data.Sqlite begins IMMEDIATE unless asked for a deferred transaction: the write lock is taken at once.
    public override Task<DbTransaction> BeginWrite(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override Task<DbTransaction> BeginRead(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override Task LockYear(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken) => Task.CompletedTask;

    public override string ShareLock => "";

    public override string ExclusiveLock => "";


    public override string Date(string parameter) => parameter;

    public override string Instant(string parameter) => parameter;

    public override string DateText(string column) => column;

    public override string InstantText(string column) => column;

    // SUM raises on integer overflow, so the sums are capped into a long (a year stored before the ceiling existed
    // reads as full instead of failing the write), and taken exactly in two integer parts (whole 10^9 øre and the
    // rest), each far from overflowing: TOTAL() is a double, which near the ceiling rounds to 256 øre.
    public override string Magnitudes => $"SELECT ({Magnitude("movement")}) AS Movements, ({Magnitude("posting_day")}) AS Postings";

    private static string Magnitude(string table) => $"""
        SELECT CASE WHEN high >= 9000000000 THEN 9000000000000000000 ELSE MIN(high * 1000000000 + low, 9000000000000000000) END
        FROM (SELECT COALESCE(SUM(ABS(amount_ore) / 1000000000), 0) AS high, COALESCE(SUM(ABS(amount_ore) % 1000000000), 0) AS low
              FROM {table} WHERE year = @Year)
        """;

    // CROSS JOIN fixes SQLite's join order: driven from account, each account's days are one primary-key range
    // (≤ 30 rows) instead of a scan of the year's days.
    public override string DaysConsumption => """
        SELECT p.account_id, SUM(p.amount_ore)
        FROM account a CROSS JOIN posting_day p ON p.year = a.year AND p.account_id = a.account_id AND p.posted_on BETWEEN @DaysFrom AND @DaysTo
        WHERE a.year = @Year
        GROUP BY a.account_id
        """;

    public override bool IsUniqueViolation(Exception exception, string index) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 } e && e.Message.Contains(index, StringComparison.Ordinal);

    public override IFactsCache? CreateFactsCache(string connectionString) => new SqliteFactsCache(connectionString);

    public override Task InsertMovements(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
    {
        // One prepared statement for the batch: an import brings tens of thousands of movements.
        using var command = Command(connection, transaction, """
            INSERT INTO movement (year, account_id, kind, amount_ore, decided_on, reference, decided_by, recorded_at)
            VALUES ($year, $account, $kind, $amount, $decidedOn, $reference, $decidedBy, $recordedAt)
            """);
        command.Parameters.AddWithValue("$year", year);
        command.Parameters.AddWithValue("$recordedAt", recordedAt.Iso());
        var account = command.Parameters.Add("$account", SqliteType.Text);
        var kind = command.Parameters.Add("$kind", SqliteType.Text);
        var amount = command.Parameters.Add("$amount", SqliteType.Integer);
        var decidedOn = command.Parameters.Add("$decidedOn", SqliteType.Text);
        var reference = command.Parameters.Add("$reference", SqliteType.Text);
        var decidedBy = command.Parameters.Add("$decidedBy", SqliteType.Text);
        command.Prepare();
        foreach (var movement in movements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            account.Value = movement.Account.Value;
            kind.Value = movement.Kind.ToCode();
            amount.Value = movement.Amount.Ore;
            decidedOn.Value = movement.DecidedOn.Iso();
            reference.Value = (object?)movement.Reference ?? DBNull.Value;
            decidedBy.Value = (object?)movement.DecidedBy ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stages postings in a temporary table of the connection with one prepared statement (the hot path of a large
    /// import: plain appends). <see cref="MergeStagedPostings"/> then adds them to the per-day sums in one sorted
    /// statement, which is far cheaper than an upsert per posting once there are many (account, day) keys.
    /// </summary>
    public override Task StagePostings(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<Posting> postings, StagedMonths months, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, "CREATE TEMP TABLE IF NOT EXISTS posting_stage (year INTEGER, account_id TEXT, posted_on TEXT, amount_ore INTEGER)");
        command.ExecuteNonQuery();
        command.CommandText = "INSERT INTO posting_stage (year, account_id, posted_on, amount_ore) VALUES ($year, $account, $postedOn, $amount)";
        command.Parameters.Add("$year", SqliteType.Integer).Value = year;
        var account = command.Parameters.Add("$account", SqliteType.Text);
        var postedOn = command.Parameters.Add("$postedOn", SqliteType.Text);
        var amount = command.Parameters.Add("$amount", SqliteType.Integer);
        command.Prepare();
        foreach (var posting in postings)
        {
            account.Value = posting.Account.Value;
            postedOn.Value = posting.PostedOn.Iso();
            amount.Value = posting.Amount.Ore;
            command.ExecuteNonQuery();
            months.Add(posting.Account.Value, posting.PostedOn.Month, posting.Amount.Ore);
        }

        return Task.CompletedTask;
    }

    public override Task MergeStagedPostings(DbConnection connection, DbTransaction transaction, int year, StagedMonths months, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, """
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count)
            SELECT year, account_id, posted_on, SUM(amount_ore), COUNT(*) FROM posting_stage WHERE true
            GROUP BY year, account_id, posted_on ORDER BY year, account_id, posted_on
            ON CONFLICT (year, account_id, posted_on)
            DO UPDATE SET amount_ore = amount_ore + excluded.amount_ore, posting_count = posting_count + excluded.posting_count;
            DELETE FROM posting_stage;
            """);
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();

        command.CommandText = """
            INSERT INTO posting_month (year, month, account_id, cumulative_ore) VALUES ($year, $month, $account, $ore)
            ON CONFLICT (year, month, account_id) DO UPDATE SET cumulative_ore = cumulative_ore + excluded.cumulative_ore
            """;
        command.Parameters.AddWithValue("$year", year);
        var month = command.Parameters.Add("$month", SqliteType.Integer);
        var account = command.Parameters.Add("$account", SqliteType.Text);
        var ore = command.Parameters.Add("$ore", SqliteType.Integer);
        command.Prepare();
        foreach (var delta in months.CumulativeDeltas())
        {
            (month.Value, account.Value, ore.Value) = (delta.Month, delta.Account, delta.CumulativeOre);
            command.ExecuteNonQuery();
        }

        months.Clear();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stages the file's estimates with one prepared statement, then saves them in two set statements: an upsert
    /// (new → version 1; existing → next version, as a PUT with the current ETag would) and the history rows. The
    /// importer has already refused a file with two estimates for one account and round.
    /// </summary>
    public override Task SaveImportedEstimates(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AccountEstimate> estimates, Instant recordedAt, CancellationToken cancellationToken)
    {
        const string columns = "estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, gross_ore, refusion_ore, basis";
        using var command = Command(connection, transaction, $"CREATE TEMP TABLE IF NOT EXISTS estimate_stage (round INTEGER, account_id TEXT, {columns})");
        command.ExecuteNonQuery();
        command.CommandText = $"INSERT INTO estimate_stage (round, account_id, {columns}) VALUES ($round, $account, $estimate, $explanation, $y1, $y2, $y3, $y4, $requested, $gross, $refusion, $basis)";
        var parameters = EstimateStageParameters.Select(name => command.Parameters.Add(name, SqliteType.Text)).ToArray();
        command.Prepare();
        foreach (var e in estimates)
        {
            object?[] values =
            [
                e.Round.Value, e.Account.Value, e.Estimate.Ore, e.Explanation, e.OutYears.Year1.Ore, e.OutYears.Year2.Ore, e.OutYears.Year3.Ore, e.OutYears.Year4.Ore,
                e.RequestedAppropriation?.Ore, e.Basis?.Gross.Ore, e.Basis?.Refusion.Ore, BasisJson.Write(e.Basis),
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].SqliteType = values[i] is string ? SqliteType.Text : SqliteType.Integer;
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        cancellationToken.ThrowIfCancellationRequested();
        command.Parameters.Clear();
        command.CommandText = $"""
            INSERT INTO estimate (year, round, account_id, {columns}, version, recorded_at)
            SELECT $year, round, account_id, {columns}, 1, $at FROM estimate_stage WHERE true
            ON CONFLICT (year, round, account_id) DO UPDATE SET
                estimate_ore = excluded.estimate_ore, explanation = excluded.explanation,
                out_year_1_ore = excluded.out_year_1_ore, out_year_2_ore = excluded.out_year_2_ore,
                out_year_3_ore = excluded.out_year_3_ore, out_year_4_ore = excluded.out_year_4_ore,
                requested_ore = excluded.requested_ore, gross_ore = excluded.gross_ore, refusion_ore = excluded.refusion_ore,
                basis = excluded.basis, version = version + 1, recorded_at = excluded.recorded_at, time_shift_ore = NULL;
            INSERT INTO estimate_version (year, round, account_id, version, recorded_at, {columns})
            SELECT e.year, e.round, e.account_id, e.version, e.recorded_at, {string.Join(", ", columns.Split(", ").Select(c => "e." + c))}
            FROM estimate_stage s JOIN estimate e ON e.year = $year AND e.round = s.round AND e.account_id = s.account_id;
            DELETE FROM estimate_stage;
            """;
        command.Parameters.AddWithValue("$year", year);
        command.Parameters.AddWithValue("$at", recordedAt.Iso());
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    private static SqliteCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = ((SqliteConnection)connection).CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = sql;
        return command;
    }
}

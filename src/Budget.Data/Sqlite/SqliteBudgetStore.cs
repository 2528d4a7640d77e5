using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Data.Sqlite;

/// <summary>The budget store on an embedded SQLite database (the default provider). A connection per operation.</summary>
public sealed partial class SqliteBudgetStore(string connectionString, IClock clock) : IBudgetStore, IDisposable
{
    private readonly SqliteFactsCache factsCache = new(connectionString);

    internal IClock Clock => clock;

    public void Dispose() => factsCache.Dispose();

    internal async Task<SqliteConnection> Open(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // Foreign keys and the busy wait are per connection in SQLite; synchronous=NORMAL is safe under WAL.
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    public async Task Migrate(CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        await Migrator.Apply(connection, "Sqlite", cancellationToken);
    }

    public async Task<RoundCalendar?> FindYear(int year, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await FindYear(connection, null, year, cancellationToken);
    }

    internal static async Task<RoundCalendar?> FindYear(SqliteConnection connection, SqliteTransaction? transaction, int year, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT y.year AS Year, r.round AS Round, r.cutoff AS Cutoff
            FROM budget_year y LEFT JOIN estimate_round r ON r.year = y.year
            WHERE y.year = @Year
            """;
        var rows = (await connection.QueryAsync<(long Year, long? Round, string? Cutoff)>(new CommandDefinition(sql, new { Year = year }, transaction, cancellationToken: cancellationToken))).ToArray();
        return CalendarRows.ToCalendar(year, rows);
    }

    public async Task<IReadOnlyList<int>> Years(CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        var years = await connection.QueryAsync<long>(new CommandDefinition("SELECT year FROM budget_year ORDER BY year", cancellationToken: cancellationToken));
        return years.Select(y => (int)y).ToArray();
    }

    public async Task<IReadOnlyList<Account>> Accounts(int year, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await Accounts(connection, null, year, cancellationToken);
    }

    internal static Task<IReadOnlyList<Account>> Accounts(SqliteConnection connection, SqliteTransaction? transaction, int year, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT account_id, name, committee, activity_area, reporting_group, block, refusion_benefit
            FROM account WHERE year = $year
            """;
        var accounts = Read(connection, transaction, sql, year, null, r => new AccountRow(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)).ToAccount());
        // Sorted here rather than by ORDER BY, which costs SQLite a temporary b-tree; ordinal UTF-16 order equals
        // SQLite's BINARY order of the UTF-8 text for every character an account or committee name uses.
        accounts.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Committee, b.Committee);
            order = order != 0 ? order : string.CompareOrdinal(a.ActivityArea, b.ActivityArea);
            return order != 0 ? order : string.CompareOrdinal(a.Id.Value, b.Id.Value);
        });
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<Account>>(accounts);
    }

    public async Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        // The version is taken before reading, so facts are never filed under a version older than what they show.
        var version = factsCache.Enabled ? factsCache.Version() : (long?)null;
        if (version is { } unchanged && factsCache.TryGet(year, round.Value, asOf, unchanged, out var cached))
        {
            return cached;
        }

        await using var connection = await Open(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var facts = await AccountFacts(connection, transaction, year, round, asOf, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (version is { } read)
        {
            factsCache.Put(year, round.Value, asOf, read, facts);
        }

        return facts;
    }

    /// <summary>
    /// Everything the follow-up needs per account, in one read transaction. The hot path of every report: it reads
    /// with plain data readers (a third of the time Dapper's materialisation takes for 5.000 accounts) and never
    /// touches more than one row per account and kind, whatever the number of postings (docs/performance.md).
    /// </summary>
    internal static async Task<IReadOnlyList<AccountFacts>> AccountFacts(SqliteConnection connection, SqliteTransaction transaction, int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        const string movementsSql = """
            SELECT account_id, kind, SUM(amount_ore)
            FROM movement
            WHERE year = $year AND decided_on <= $asOf
            GROUP BY account_id, kind
            """;
        const string wholeMonthsSql = """
            SELECT account_id, cumulative_ore
            FROM posting_month
            WHERE year = $year AND month = $month
            """;
        // CROSS JOIN fixes SQLite's join order: driven from account, each account's days are one primary-key range
        // (≤ 30 rows) instead of a scan of the year's days.
        const string daysSql = """
            SELECT p.account_id, SUM(p.amount_ore)
            FROM account a CROSS JOIN posting_day p ON p.year = a.year AND p.account_id = a.account_id AND p.posted_on BETWEEN $from AND $asOf
            WHERE a.year = $year
            GROUP BY a.account_id
            """;
        const string estimatesSql = """
            SELECT round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                   requested_ore, version, recorded_at, gross_ore, refusion_ore, basis
            FROM estimate WHERE year = $year AND round = $round
            """;

        var accounts = await Accounts(connection, transaction, year, cancellationToken);
        var appropriations = new Dictionary<string, AppropriationsByKind>(accounts.Count, StringComparer.Ordinal);
        foreach (var (account, kind, ore) in Read(connection, transaction, movementsSql, year, [("$asOf", asOf.Iso())], r => (r.GetString(0), r.GetString(1), r.GetInt64(2))))
        {
            appropriations[account] = appropriations.GetValueOrDefault(account).With(MovementKindCodes.Parse(kind), Amount.FromOre(ore));
        }

        var window = ConsumptionWindow.For(year, asOf);
        var consumption = new Dictionary<string, Amount>(accounts.Count, StringComparer.Ordinal);
        if (window.ThroughMonth > 0)
        {
            foreach (var (account, ore) in Read(connection, transaction, wholeMonthsSql, year, [("$month", window.ThroughMonth)], r => (r.GetString(0), r.GetInt64(1))))
            {
                consumption[account] = Amount.FromOre(ore);
            }
        }

        if (window.DaysFrom is { } from)
        {
            foreach (var (account, ore) in Read(connection, transaction, daysSql, year, [("$from", from.Iso()), ("$asOf", window.DaysTo.Iso())], r => (r.GetString(0), r.GetInt64(1))))
            {
                consumption[account] = consumption.GetValueOrDefault(account) + Amount.FromOre(ore);
            }
        }

        var estimates = new Dictionary<string, AccountEstimate>(accounts.Count, StringComparer.Ordinal);
        foreach (var row in Read(connection, transaction, estimatesSql, year, [("$round", round.Value)], r => new EstimateRow(
            r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7),
            r.IsDBNull(8) ? null : r.GetInt64(8), r.GetInt64(9), r.GetString(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetInt64(12), r.IsDBNull(13) ? null : r.GetString(13))))
        {
            estimates[row.AccountId] = row.ToEstimate();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var facts = new AccountFacts[accounts.Count];
        for (var i = 0; i < facts.Length; i++)
        {
            var id = accounts[i].Id.Value;
            facts[i] = new AccountFacts(accounts[i], appropriations.GetValueOrDefault(id), consumption.GetValueOrDefault(id), estimates.GetValueOrDefault(id));
        }

        return facts;
    }

    /// <summary>Runs a query of the year with a plain data reader and maps each row.</summary>
    private static List<T> Read<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, int year, (string Name, object Value)[]? parameters, Func<SqliteDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$year", year);
        foreach (var (name, value) in parameters ?? [])
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public async Task AddMovement(int year, AppropriationMovement movement, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await YearCeiling.Check(connection, transaction, YearCeiling.SqliteMagnitudes, year, [movement], [], cancellationToken);
        await InsertMovements(connection, transaction, year, [movement], audit.At, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    internal static Task InsertMovements(SqliteConnection connection, SqliteTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
    {
        // One prepared statement for the batch: an import brings tens of thousands of movements.
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO movement (year, account_id, kind, amount_ore, decided_on, reference, decided_by, recorded_at)
            VALUES ($year, $account, $kind, $amount, $decidedOn, $reference, $decidedBy, $recordedAt)
            """;
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

    public async Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await YearCeiling.Check(connection, transaction, YearCeiling.SqliteMagnitudes, year, [], postings, cancellationToken);
        var months = new StagedMonths();
        StagePostings(connection, transaction, year, postings, months);
        MergeStagedPostings(connection, transaction, year, months);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Stages postings in a temporary table of the connection with one prepared statement (the hot path of a large
    /// import: plain appends). <see cref="MergeStagedPostings"/> then adds them to the per-day sums in one sorted
    /// statement, which is far cheaper than an upsert per posting once there are many (account, day) keys.
    /// </summary>
    internal static void StagePostings(SqliteConnection connection, SqliteTransaction transaction, int year, IReadOnlyList<Posting> postings, StagedMonths months)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "CREATE TEMP TABLE IF NOT EXISTS posting_stage (year INTEGER, account_id TEXT, posted_on TEXT, amount_ore INTEGER)";
        command.ExecuteNonQuery();
        command.CommandText = "INSERT INTO posting_stage (year, account_id, posted_on, amount_ore) VALUES ($year, $account, $postedOn, $amount)";
        var yearParameter = command.Parameters.Add("$year", SqliteType.Integer);
        var account = command.Parameters.Add("$account", SqliteType.Text);
        var postedOn = command.Parameters.Add("$postedOn", SqliteType.Text);
        var amount = command.Parameters.Add("$amount", SqliteType.Integer);
        yearParameter.Value = year;
        command.Prepare();
        foreach (var posting in postings)
        {
            account.Value = posting.Account.Value;
            postedOn.Value = posting.PostedOn.Iso();
            amount.Value = posting.Amount.Ore;
            command.ExecuteNonQuery();
            months.Add(posting.Account.Value, posting.PostedOn.Month, posting.Amount.Ore);
        }
    }

    internal static void MergeStagedPostings(SqliteConnection connection, SqliteTransaction transaction, int year, StagedMonths months)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count)
            SELECT year, account_id, posted_on, SUM(amount_ore), COUNT(*) FROM posting_stage WHERE true
            GROUP BY year, account_id, posted_on ORDER BY year, account_id, posted_on
            ON CONFLICT (year, account_id, posted_on)
            DO UPDATE SET amount_ore = amount_ore + excluded.amount_ore, posting_count = posting_count + excluded.posting_count;
            DELETE FROM posting_stage;
            """;
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
    }

    public async Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await FindEstimate(connection, null, year, round, account, cancellationToken);
    }

    private static async Task<StoredEstimate?> FindEstimate(SqliteConnection connection, SqliteTransaction? transaction, int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {EstimateRow.Columns}
            FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId
            """;
        var row = await connection.QuerySingleOrDefaultAsync<EstimateRow>(new CommandDefinition(sql, new { Year = year, Round = round.Value, AccountId = account.Value }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : new StoredEstimate(year, row.ToEstimate(), row.Version, Text.ToInstant(row.RecordedAt));
    }

    public async Task<EstimateSaveResult> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, Func<StoredEstimate?, StoredEstimate, AuditEntry> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var state = await RoundStateOf(connection, transaction, year, estimate.Round, cancellationToken);
        if (state != RoundState.Open)
        {
            return new EstimateSaveResult(EstimateSaveStatus.RoundLocked, null, state);
        }

        var before = await FindEstimate(connection, transaction, year, estimate.Round, estimate.Account, cancellationToken);
        var saved = await SaveEstimate(connection, transaction, year, estimate, expectedVersion, clock.GetCurrentInstant(), cancellationToken);
        if (saved is null)
        {
            return new EstimateSaveResult(EstimateSaveStatus.VersionConflict, null, state);
        }

        await InsertAudit(connection, transaction, audit(before, saved), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new EstimateSaveResult(EstimateSaveStatus.Saved, saved, state);
    }

    /// <summary>
    /// Compare-and-set on the estimate's version: the update only matches the expected version, the insert only
    /// when none exists, so of concurrent writers holding the same version exactly one succeeds.
    /// </summary>
    internal static async Task<StoredEstimate?> SaveEstimate(SqliteConnection connection, SqliteTransaction transaction, int year, AccountEstimate estimate, long? expectedVersion, Instant recordedAt, CancellationToken cancellationToken)
    {
        const string insert = """
            INSERT INTO estimate (year, round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, version, recorded_at, gross_ore, refusion_ore, basis)
            VALUES (@Year, @Round, @AccountId, @EstimateOre, @Explanation, @OutYear1, @OutYear2, @OutYear3, @OutYear4, @RequestedOre, 1, @RecordedAt, @GrossOre, @RefusionOre, @Basis)
            ON CONFLICT (year, round, account_id) DO NOTHING
            """;
        const string update = """
            UPDATE estimate
            SET estimate_ore = @EstimateOre, explanation = @Explanation, out_year_1_ore = @OutYear1, out_year_2_ore = @OutYear2,
                out_year_3_ore = @OutYear3, out_year_4_ore = @OutYear4, requested_ore = @RequestedOre,
                version = version + 1, recorded_at = @RecordedAt, gross_ore = @GrossOre, refusion_ore = @RefusionOre, basis = @Basis
            WHERE year = @Year AND round = @Round AND account_id = @AccountId AND version = @ExpectedVersion
            """;
        const string history = """
            INSERT INTO estimate_version (year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis)
            SELECT year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis
            FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId
            """;
        var parameters = new
        {
            Year = year,
            Round = estimate.Round.Value,
            AccountId = estimate.Account.Value,
            EstimateOre = estimate.Estimate.Ore,
            estimate.Explanation,
            OutYear1 = estimate.OutYears.Year1.Ore,
            OutYear2 = estimate.OutYears.Year2.Ore,
            OutYear3 = estimate.OutYears.Year3.Ore,
            OutYear4 = estimate.OutYears.Year4.Ore,
            RequestedOre = estimate.RequestedAppropriation?.Ore,
            RecordedAt = recordedAt.Iso(),
            ExpectedVersion = expectedVersion,
            GrossOre = estimate.Basis?.Gross.Ore,
            RefusionOre = estimate.Basis?.Refusion.Ore,
            Basis = BasisJson.Write(estimate.Basis),
        };
        var changed = await connection.ExecuteAsync(new CommandDefinition(expectedVersion is null ? insert : update, parameters, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(history, parameters, transaction, cancellationToken: cancellationToken));
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT version FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId", parameters, transaction, cancellationToken: cancellationToken));
        return new StoredEstimate(year, estimate, version, recordedAt);
    }

    public async Task<IReadOnlyList<AccountHistoryEntry>> History(int year, AccountId account, CancellationToken cancellationToken)
    {
        const string movementsSql = """
            SELECT kind AS Kind, amount_ore AS AmountOre, decided_on AS DecidedOn, reference AS Reference, decided_by AS DecidedBy, recorded_at AS RecordedAt
            FROM movement WHERE year = @Year AND account_id = @AccountId
            ORDER BY movement_id
            """;
        const string estimatesSql = """
            SELECT round AS Round, version AS Version, estimate_ore AS EstimateOre, explanation AS Explanation,
                   out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
                   recorded_at AS RecordedAt
            FROM estimate_version WHERE year = @Year AND account_id = @AccountId
            """;
        await using var connection = await Open(cancellationToken);
        var parameters = new { Year = year, AccountId = account.Value };
        var movements = (await connection.QueryAsync<(string Kind, long AmountOre, string DecidedOn, string? Reference, string? DecidedBy, string RecordedAt)>(new CommandDefinition(movementsSql, parameters, cancellationToken: cancellationToken)))
            .Select(m =>
            {
                return new AccountHistoryEntry("movement", Text.ToLocalDate(m.DecidedOn), Text.ToInstant(m.RecordedAt), MovementKindCodes.Parse(m.Kind), null, Amount.FromOre(m.AmountOre), m.Reference, m.DecidedBy, null, null, null);
            });
        var estimates = (await connection.QueryAsync<(long Round, long Version, long EstimateOre, string Explanation, long OutYear1, long OutYear2, long OutYear3, long OutYear4, string RecordedAt)>(new CommandDefinition(estimatesSql, parameters, cancellationToken: cancellationToken)))
            .Select(e =>
            {
                var at = Text.ToInstant(e.RecordedAt);
                return new AccountHistoryEntry("estimate", at.InUtc().Date, at, null, RoundNumber.Of((int)e.Round), Amount.FromOre(e.EstimateOre), null, null, e.Explanation,
                    new OutYearConsequences(Amount.FromOre(e.OutYear1), Amount.FromOre(e.OutYear2), Amount.FromOre(e.OutYear3), Amount.FromOre(e.OutYear4)), e.Version);
            });
        return movements.Concat(estimates).OrderBy(e => e.Date).ThenBy(e => e.RecordedAt).ToArray();
    }

    public async Task<IImportSession> BeginImport(int year, CancellationToken cancellationToken)
    {
        var connection = await Open(cancellationToken);
        try
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            const string ensureYear = "INSERT INTO budget_year (year, created_at) VALUES (@Year, @At) ON CONFLICT (year) DO NOTHING";
            await connection.ExecuteAsync(new CommandDefinition(ensureYear, new { Year = year, At = clock.GetCurrentInstant().Iso() }, transaction, cancellationToken: cancellationToken));
            var existing = await Accounts(connection, transaction, year, cancellationToken);
            var states = new Dictionary<RoundNumber, RoundState>();
            foreach (var round in RoundNumber.All)
            {
                states[round] = await RoundStateOf(connection, transaction, year, round, cancellationToken);
            }

            var tally = new YearTally(year, await YearCeiling.Read(connection, transaction, YearCeiling.SqliteMagnitudes, year, cancellationToken));
            return new SqliteImportSession(connection, transaction, year, existing.ToDictionary(a => a.Id), states, clock.GetCurrentInstant(), tally);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

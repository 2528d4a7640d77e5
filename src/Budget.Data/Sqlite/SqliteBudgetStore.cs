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
public sealed partial class SqliteBudgetStore(string connectionString, IClock clock) : IBudgetStore
{
    internal IClock Clock => clock;

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
        if (rows.Length == 0)
        {
            return null;
        }

        var calendar = RoundCalendar.Default(year);
        foreach (var row in rows.Where(r => r.Round is not null))
        {
            calendar = calendar.WithCutoff(RoundNumber.Of((int)row.Round!.Value), Text.ToLocalDate(row.Cutoff!));
        }

        return calendar;
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

    internal static async Task<IReadOnlyList<Account>> Accounts(SqliteConnection connection, SqliteTransaction? transaction, int year, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT account_id AS AccountId, name AS Name, committee AS Committee, activity_area AS ActivityArea,
                   reporting_group AS ReportingGroup, block AS Block, refusion_benefit AS RefusionBenefit
            FROM account WHERE year = @Year
            ORDER BY committee, activity_area, account_id
            """;
        var rows = await connection.QueryAsync<AccountRow>(new CommandDefinition(sql, new { Year = year }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAccount()).ToArray();
    }

    public async Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var facts = await AccountFacts(connection, transaction, year, round, asOf, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return facts;
    }

    internal static async Task<IReadOnlyList<AccountFacts>> AccountFacts(SqliteConnection connection, SqliteTransaction transaction, int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        const string movementsSql = """
            SELECT account_id AS AccountId, kind AS Kind, SUM(amount_ore) AS AmountOre
            FROM movement
            WHERE year = @Year AND decided_on <= @AsOf
            GROUP BY account_id, kind
            """;
        const string consumptionSql = """
            SELECT account_id AS AccountId, SUM(amount_ore) AS AmountOre
            FROM posting_day
            WHERE year = @Year AND posted_on <= @AsOf
            GROUP BY account_id
            """;
        const string estimatesSql = $"""
            SELECT {EstimateRow.Columns}
            FROM estimate WHERE year = @Year AND round = @Round
            """;

        var parameters = new { Year = year, AsOf = asOf.Iso(), Round = round.Value };
        var accounts = await Accounts(connection, transaction, year, cancellationToken);
        var appropriations = new Dictionary<string, AppropriationsByKind>(StringComparer.Ordinal);
        foreach (var row in await connection.QueryAsync<(string AccountId, string Kind, long AmountOre)>(new CommandDefinition(movementsSql, parameters, transaction, cancellationToken: cancellationToken)))
        {
            var kind = MovementKindCodes.Parse(row.Kind);
            appropriations[row.AccountId] = appropriations.GetValueOrDefault(row.AccountId).With(kind, Amount.FromOre(row.AmountOre));
        }

        var consumption = (await connection.QueryAsync<(string AccountId, long AmountOre)>(new CommandDefinition(consumptionSql, parameters, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.AccountId, r => Amount.FromOre(r.AmountOre), StringComparer.Ordinal);
        var estimates = (await connection.QueryAsync<EstimateRow>(new CommandDefinition(estimatesSql, parameters, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.AccountId, r => r.ToEstimate(), StringComparer.Ordinal);

        return accounts
            .Select(a => new AccountFacts(
                a,
                appropriations.GetValueOrDefault(a.Id.Value),
                consumption.GetValueOrDefault(a.Id.Value),
                estimates.GetValueOrDefault(a.Id.Value)))
            .ToArray();
    }

    public async Task AddMovement(int year, AppropriationMovement movement, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await InsertMovements(connection, transaction, year, [movement], audit.At, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    internal static async Task InsertMovements(SqliteConnection connection, SqliteTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO movement (year, account_id, kind, amount_ore, decided_on, reference, decided_by, recorded_at)
            VALUES (@Year, @AccountId, @Kind, @AmountOre, @DecidedOn, @Reference, @DecidedBy, @RecordedAt)
            """;
        var at = recordedAt.Iso();
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            movements.Select(m => new
            {
                Year = year,
                AccountId = m.Account.Value,
                Kind = m.Kind.ToCode(),
                AmountOre = m.Amount.Ore,
                DecidedOn = m.DecidedOn.Iso(),
                m.Reference,
                m.DecidedBy,
                RecordedAt = at,
            }),
            transaction,
            cancellationToken: cancellationToken));
    }

    public async Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        StagePostings(connection, transaction, year, postings);
        MergeStagedPostings(connection, transaction);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Stages postings in a temporary table of the connection with one prepared statement (the hot path of a large
    /// import: plain appends). <see cref="MergeStagedPostings"/> then adds them to the per-day sums in one sorted
    /// statement, which is far cheaper than an upsert per posting once there are many (account, day) keys.
    /// </summary>
    internal static void StagePostings(SqliteConnection connection, SqliteTransaction transaction, int year, IReadOnlyList<Posting> postings)
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
        }
    }

    internal static void MergeStagedPostings(SqliteConnection connection, SqliteTransaction transaction)
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

            return new SqliteImportSession(connection, transaction, year, existing.ToDictionary(a => a.Id), states, clock.GetCurrentInstant());
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

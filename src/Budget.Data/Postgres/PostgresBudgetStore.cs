using System.Data;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Data.Sqlite;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Dapper;
using NodaTime;
using Npgsql;

namespace Budget.Data.Postgres;

/// <summary>
/// The budget store on PostgreSQL, for multi-user installations. The same contract as the SQLite store; where SQLite
/// serialises writers with immediate transactions, this store locks the round's state row: estimate writes share it,
/// transitions and approval take it exclusively, so no estimate can change under an approval.
/// </summary>
public sealed class PostgresBudgetStore(string connectionString, IClock clock) : IBudgetStore
{
    /// <summary>Dates and instants go in as ISO text and are cast in SQL, and come back as ISO text (microseconds, UTC).</summary>
    private static string Instant(string column) => $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    internal async Task<NpgsqlConnection> Open(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task Migrate(CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        // Two instances starting together must not both apply a migration.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(7201401)", transaction: transaction, cancellationToken: cancellationToken));
        await Migrator.Apply(connection, "Postgres", cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<RoundCalendar?> FindYear(int year, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await FindYear(connection, null, year, cancellationToken);
    }

    private static async Task<RoundCalendar?> FindYear(NpgsqlConnection connection, NpgsqlTransaction? transaction, int year, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT y.year AS Year, r.round AS Round, r.cutoff::text AS Cutoff
            FROM budget_year y LEFT JOIN estimate_round r ON r.year = y.year
            WHERE y.year = @Year
            """;
        var rows = (await connection.QueryAsync<(long Year, long? Round, string? Cutoff)>(new CommandDefinition(sql, new { Year = (long)year }, transaction, cancellationToken: cancellationToken))).ToArray();
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

    internal static async Task<IReadOnlyList<Account>> Accounts(NpgsqlConnection connection, NpgsqlTransaction? transaction, int year, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT account_id AS AccountId, name AS Name, committee AS Committee, activity_area AS ActivityArea,
                   reporting_group AS ReportingGroup, block AS Block, refusion_benefit AS RefusionBenefit
            FROM account WHERE year = @Year
            ORDER BY committee COLLATE "C", activity_area COLLATE "C", account_id COLLATE "C"
            """;
        var rows = await connection.QueryAsync<AccountRow>(new CommandDefinition(sql, new { Year = (long)year }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAccount()).ToArray();
    }

    public async Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var facts = await AccountFacts(connection, transaction, year, round, asOf, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return facts;
    }

    private static async Task<IReadOnlyList<AccountFacts>> AccountFacts(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        const string movementsSql = """
            SELECT account_id AS AccountId, kind AS Kind, SUM(amount_ore)::bigint AS AmountOre
            FROM movement
            WHERE year = @Year AND decided_on <= CAST(@AsOf AS date)
            GROUP BY account_id, kind
            """;
        const string wholeMonthsSql = """
            SELECT account_id AS AccountId, cumulative_ore AS AmountOre
            FROM posting_month
            WHERE year = @Year AND month = @ThroughMonth
            """;
        // Lateral per account so that each account's days are one primary-key range (≤ 30 rows), not a year's scan.
        const string daysSql = """
            SELECT a.account_id AS AccountId, d.amount_ore AS AmountOre
            FROM account a CROSS JOIN LATERAL (
                SELECT SUM(p.amount_ore)::bigint AS amount_ore FROM posting_day p
                WHERE p.year = a.year AND p.account_id = a.account_id
                  AND p.posted_on BETWEEN CAST(@DaysFrom AS date) AND CAST(@DaysTo AS date)) d
            WHERE a.year = @Year AND d.amount_ore IS NOT NULL
            """;
        var estimatesSql = $"SELECT {EstimateColumns} FROM estimate WHERE year = @Year AND round = @Round";

        var parameters = new { Year = (long)year, AsOf = asOf.Iso(), Round = (long)round.Value };
        var accounts = await Accounts(connection, transaction, year, cancellationToken);
        var appropriations = new Dictionary<string, AppropriationsByKind>(StringComparer.Ordinal);
        foreach (var row in await connection.QueryAsync<(string AccountId, string Kind, long AmountOre)>(new CommandDefinition(movementsSql, parameters, transaction, cancellationToken: cancellationToken)))
        {
            appropriations[row.AccountId] = appropriations.GetValueOrDefault(row.AccountId).With(MovementKindCodes.Parse(row.Kind), Amount.FromOre(row.AmountOre));
        }

        var window = ConsumptionWindow.For(year, asOf);
        var consumption = new Dictionary<string, Amount>(StringComparer.Ordinal);
        if (window.ThroughMonth > 0)
        {
            foreach (var row in await connection.QueryAsync<(string AccountId, long AmountOre)>(new CommandDefinition(wholeMonthsSql, new { Year = (long)year, window.ThroughMonth }, transaction, cancellationToken: cancellationToken)))
            {
                consumption[row.AccountId] = Amount.FromOre(row.AmountOre);
            }
        }

        if (window.DaysFrom is { } from)
        {
            foreach (var row in await connection.QueryAsync<(string AccountId, long AmountOre)>(new CommandDefinition(daysSql, new { Year = (long)year, DaysFrom = from.Iso(), DaysTo = window.DaysTo.Iso() }, transaction, cancellationToken: cancellationToken)))
            {
                consumption[row.AccountId] = consumption.GetValueOrDefault(row.AccountId) + Amount.FromOre(row.AmountOre);
            }
        }
        var estimates = (await connection.QueryAsync<EstimateRow>(new CommandDefinition(estimatesSql, parameters, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.AccountId, r => r.ToEstimate(), StringComparer.Ordinal);

        return accounts
            .Select(a => new AccountFacts(a, appropriations.GetValueOrDefault(a.Id.Value), consumption.GetValueOrDefault(a.Id.Value), estimates.GetValueOrDefault(a.Id.Value)))
            .ToArray();
    }

    private static readonly string EstimateColumns = $"""
        round AS Round, account_id AS AccountId, estimate_ore AS EstimateOre, explanation AS Explanation,
        out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
        requested_ore AS RequestedOre, version AS Version, {Instant("recorded_at")} AS RecordedAt,
        gross_ore AS GrossOre, refusion_ore AS RefusionOre, basis AS Basis
        """;

    public async Task AddMovement(int year, AppropriationMovement movement, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockYear(connection, transaction, year, cancellationToken);
        await YearCeiling.Check(connection, transaction, YearCeiling.PostgresMagnitudes, year, [movement], [], cancellationToken);
        await InsertMovements(connection, transaction, year, [movement], audit.At, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    internal static async Task InsertMovements(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
    {
        // The rows travel as arrays: one round trip for a whole import batch instead of one per movement.
        const string sql = """
            INSERT INTO movement (year, account_id, kind, amount_ore, decided_on, reference, decided_by, recorded_at)
            SELECT @Year, m.account_id, m.kind, m.amount_ore, CAST(m.decided_on AS date), m.reference, m.decided_by, CAST(@RecordedAt AS timestamptz)
            FROM unnest(@Accounts, @Kinds, @Amounts, @DecidedOn, @References, @DecidedBy) WITH ORDINALITY AS m(account_id, kind, amount_ore, decided_on, reference, decided_by, n)
            ORDER BY m.n
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                Year = (long)year,
                RecordedAt = recordedAt.Iso(),
                Accounts = movements.Select(m => m.Account.Value).ToArray(),
                Kinds = movements.Select(m => m.Kind.ToCode()).ToArray(),
                Amounts = movements.Select(m => m.Amount.Ore).ToArray(),
                DecidedOn = movements.Select(m => m.DecidedOn.Iso()).ToArray(),
                References = movements.Select(m => m.Reference).ToArray(),
                DecidedBy = movements.Select(m => m.DecidedBy).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken,
            commandTimeout: 0));
    }

    public async Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockYear(connection, transaction, year, cancellationToken);
        await YearCeiling.Check(connection, transaction, YearCeiling.PostgresMagnitudes, year, [], postings, cancellationToken);
        var months = new StagedMonths();
        await StagePostings(connection, year, postings, months, cancellationToken);
        await MergeStagedPostings(connection, transaction, year, months, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Postings are copied (binary COPY, the bulk path) into a temporary table of the transaction and merged into the
    /// per-day sums in one statement: a large import is a stream of copies and one merge.
    /// </summary>
    internal static async Task StagePostings(NpgsqlConnection connection, int year, IReadOnlyList<Posting> postings, StagedMonths months, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TEMP TABLE IF NOT EXISTS posting_stage (year bigint, account_id text, posted_on date, amount_ore bigint) ON COMMIT DROP",
            cancellationToken: cancellationToken));
        await using var writer = await connection.BeginBinaryImportAsync("COPY posting_stage (year, account_id, posted_on, amount_ore) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var posting in postings)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync((long)year, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(posting.Account.Value, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(new DateOnly(posting.PostedOn.Year, posting.PostedOn.Month, posting.PostedOn.Day), NpgsqlTypes.NpgsqlDbType.Date, cancellationToken);
            await writer.WriteAsync(posting.Amount.Ore, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
            months.Add(posting.Account.Value, posting.PostedOn.Month, posting.Amount.Ore);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    internal static async Task MergeStagedPostings(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, StagedMonths months, CancellationToken cancellationToken)
    {
        // Sorted, the merge walks the primary key in order (about twice as fast as in hash order); the memory keeps the
        // aggregation of a few million staged rows off the disk.
        const string days = """
            SET LOCAL work_mem = '256MB';
            INSERT INTO posting_day (year, account_id, posted_on, amount_ore, posting_count)
            SELECT year, account_id, posted_on, SUM(amount_ore), COUNT(*) FROM posting_stage GROUP BY year, account_id, posted_on
            ORDER BY year, account_id COLLATE "C", posted_on
            ON CONFLICT (year, account_id, posted_on)
            DO UPDATE SET amount_ore = posting_day.amount_ore + excluded.amount_ore, posting_count = posting_day.posting_count + excluded.posting_count;
            TRUNCATE posting_stage;
            """;
        await connection.ExecuteAsync(new CommandDefinition(days, transaction: transaction, cancellationToken: cancellationToken, commandTimeout: 0));

        // The month totals were gathered while staging: one statement with three arrays instead of a second pass over
        // the staged rows. posting_month's foreign key is also what holds the staged accounts to the account table
        // (migration 0006: posting_day's own key check cost a third of the merge).
        var deltas = months.CumulativeDeltas().ToArray();
        const string monthly = """
            INSERT INTO posting_month (year, month, account_id, cumulative_ore)
            SELECT @Year, d.month, d.account_id, d.cumulative_ore
            FROM unnest(@Months, @Accounts, @Amounts) AS d(month, account_id, cumulative_ore)
            ON CONFLICT (year, month, account_id) DO UPDATE SET cumulative_ore = posting_month.cumulative_ore + excluded.cumulative_ore
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            monthly,
            new { Year = (long)year, Months = deltas.Select(d => d.Month).ToArray(), Accounts = deltas.Select(d => d.Account).ToArray(), Amounts = deltas.Select(d => d.CumulativeOre).ToArray() },
            transaction,
            cancellationToken: cancellationToken,
            commandTimeout: 0));
        months.Clear();
    }

    public async Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await FindEstimate(connection, null, year, round, account, cancellationToken);
    }

    private static async Task<StoredEstimate?> FindEstimate(NpgsqlConnection connection, NpgsqlTransaction? transaction, int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        var sql = $"SELECT {EstimateColumns} FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId";
        var row = await connection.QuerySingleOrDefaultAsync<EstimateRow>(new CommandDefinition(sql, new { Year = (long)year, Round = (long)round.Value, AccountId = account.Value }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : new StoredEstimate(year, row.ToEstimate(), row.Version, Text.ToInstant(row.RecordedAt));
    }

    public async Task<EstimateSaveResult> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, Func<StoredEstimate?, StoredEstimate, AuditEntry> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockRound(connection, transaction, year, estimate.Round, exclusive: false, cancellationToken);
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

    /// <summary>Compare-and-set on the version: under concurrent writers with the same version exactly one update matches.</summary>
    internal static async Task<StoredEstimate?> SaveEstimate(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, AccountEstimate estimate, long? expectedVersion, Instant recordedAt, CancellationToken cancellationToken)
    {
        const string insert = """
            INSERT INTO estimate (year, round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, version, recorded_at, gross_ore, refusion_ore, basis)
            VALUES (@Year, @Round, @AccountId, @EstimateOre, @Explanation, @OutYear1, @OutYear2, @OutYear3, @OutYear4, @RequestedOre, 1, CAST(@RecordedAt AS timestamptz), @GrossOre, @RefusionOre, @Basis)
            ON CONFLICT (year, round, account_id) DO NOTHING
            RETURNING version
            """;
        const string update = """
            UPDATE estimate
            SET estimate_ore = @EstimateOre, explanation = @Explanation, out_year_1_ore = @OutYear1, out_year_2_ore = @OutYear2,
                out_year_3_ore = @OutYear3, out_year_4_ore = @OutYear4, requested_ore = @RequestedOre,
                version = version + 1, recorded_at = CAST(@RecordedAt AS timestamptz), gross_ore = @GrossOre, refusion_ore = @RefusionOre, basis = @Basis
            WHERE year = @Year AND round = @Round AND account_id = @AccountId AND version = @ExpectedVersion
            RETURNING version
            """;
        const string history = """
            INSERT INTO estimate_version (year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis)
            SELECT year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis
            FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId
            """;
        var parameters = new
        {
            Year = (long)year,
            Round = (long)estimate.Round.Value,
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
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(expectedVersion is null ? insert : update, parameters, transaction, cancellationToken: cancellationToken));
        if (version is null)
        {
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(history, parameters, transaction, cancellationToken: cancellationToken));
        return new StoredEstimate(year, estimate, version.Value, recordedAt);
    }

    public async Task<IReadOnlyList<AccountHistoryEntry>> History(int year, AccountId account, CancellationToken cancellationToken)
    {
        var movementsSql = $"""
            SELECT kind AS Kind, amount_ore AS AmountOre, decided_on::text AS DecidedOn, reference AS Reference, decided_by AS DecidedBy, {Instant("recorded_at")} AS RecordedAt
            FROM movement WHERE year = @Year AND account_id = @AccountId
            ORDER BY movement_id
            """;
        var estimatesSql = $"""
            SELECT round AS Round, version AS Version, estimate_ore AS EstimateOre, explanation AS Explanation,
                   out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
                   {Instant("recorded_at")} AS RecordedAt
            FROM estimate_version WHERE year = @Year AND account_id = @AccountId
            """;
        await using var connection = await Open(cancellationToken);
        var parameters = new { Year = (long)year, AccountId = account.Value };
        var movements = (await connection.QueryAsync<(string Kind, long AmountOre, string DecidedOn, string? Reference, string? DecidedBy, string RecordedAt)>(new CommandDefinition(movementsSql, parameters, cancellationToken: cancellationToken)))
            .Select(m => new AccountHistoryEntry("movement", Text.ToLocalDate(m.DecidedOn), Text.ToInstant(m.RecordedAt), MovementKindCodes.Parse(m.Kind), null, Amount.FromOre(m.AmountOre), m.Reference, m.DecidedBy, null, null, null));
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
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // One import per year at a time: a second waits here rather than failing on the first one's keys.
            await LockYear(connection, transaction, year, cancellationToken);
            const string ensureYear = "INSERT INTO budget_year (year, created_at) VALUES (@Year, CAST(@At AS timestamptz)) ON CONFLICT (year) DO NOTHING";
            await connection.ExecuteAsync(new CommandDefinition(ensureYear, new { Year = (long)year, At = clock.GetCurrentInstant().Iso() }, transaction, cancellationToken: cancellationToken));
            var existing = await Accounts(connection, transaction, year, cancellationToken);
            var states = new Dictionary<RoundNumber, RoundState>();
            foreach (var round in RoundNumber.All)
            {
                states[round] = await LockRound(connection, transaction, year, round, exclusive: false, cancellationToken);
            }

            var tally = new YearTally(year, await YearCeiling.Read(connection, transaction, YearCeiling.PostgresMagnitudes, year, cancellationToken));
            return new PostgresImportSession(connection, transaction, year, existing.ToDictionary(a => a.Id), states, clock.GetCurrentInstant(), tally);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The round's state, with its row locked: shared for writers that need the round to stay as it is (estimates,
    /// imports), exclusive for transitions. A round without a row yet gets one (open), so there is always a row to lock.
    /// </summary>
    private static async Task<RoundState> LockRound(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, RoundNumber round, bool exclusive, CancellationToken cancellationToken)
    {
        var parameters = new { Year = (long)year, Round = (long)round.Value };
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO round_state (year, round, state, changed_at) VALUES (@Year, @Round, 'open', now()) ON CONFLICT (year, round) DO NOTHING",
            parameters,
            transaction,
            cancellationToken: cancellationToken));
        var code = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            $"SELECT state FROM round_state WHERE year = @Year AND round = @Round FOR {(exclusive ? "UPDATE" : "SHARE")}", parameters, transaction, cancellationToken: cancellationToken));
        return RoundStateCodes.Parse(code!);
    }

    /// <summary>
    /// The year's writers of movements and postings (imports, single writes, approvals) one at a time, so the ceiling
    /// check sees every earlier write. Without a timeout: a single write waits for a running import of its year, as a
    /// second import always did, instead of failing after the default 30 s.
    /// </summary>
    private static async Task LockYear(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(7202000, @Year)", new { Year = year }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));

    internal static async Task InsertAudit(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry audit, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO audit_entry (year, at, user_name, user_id, action, target, before, after)
            VALUES (@Year, CAST(@At AS timestamptz), @User, @UserId, @Action, @Target, @Before, @After)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new { Year = (long?)audit.Year, At = audit.At.Iso(), audit.User, audit.UserId, audit.Action, audit.Target, audit.Before, audit.After },
            transaction,
            cancellationToken: cancellationToken));
    }

    public async Task<RoundStatus?> RoundStatus(int year, RoundNumber round, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var calendar = await FindYear(connection, transaction, year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var parameters = new { Year = (long)year, Round = (long)round.Value };
        var code = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT state FROM round_state WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken));
        var committees = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT committee FROM committee_recommendation WHERE year = @Year AND round = @Round ORDER BY committee COLLATE \"C\"", parameters, transaction, cancellationToken: cancellationToken));
        return new RoundStatus(round, calendar.CutoffOf(round), code is null ? RoundState.Open : RoundStateCodes.Parse(code), committees.ToArray());
    }

    public async Task<bool> ChangeRoundState(int year, RoundNumber round, IReadOnlySet<RoundState> expected, RoundState target, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!expected.Contains(await LockRound(connection, transaction, year, round, exclusive: true, cancellationToken)))
        {
            return false;
        }

        await SetRoundState(connection, transaction, year, round, target, audit.At, cancellationToken);
        if (target == RoundState.Open)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM committee_recommendation WHERE year = @Year AND round = @Round", new { Year = (long)year, Round = (long)round.Value }, transaction, cancellationToken: cancellationToken));
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static Task<int> SetRoundState(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, RoundNumber round, RoundState state, Instant at, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE round_state SET state = @State, changed_at = CAST(@At AS timestamptz) WHERE year = @Year AND round = @Round",
            new { Year = (long)year, Round = (long)round.Value, State = state.ToCode(), At = at.Iso() },
            transaction,
            cancellationToken: cancellationToken));

    public async Task<bool> Recommend(int year, RoundNumber round, string committee, IReadOnlySet<string> allCommittees, Func<RoundState, AuditEntry> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allCommittees);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockRound(connection, transaction, year, round, exclusive: true, cancellationToken) != RoundState.Submitted)
        {
            return false;
        }

        var entry = audit(RoundState.Submitted);
        var parameters = new { Year = (long)year, Round = (long)round.Value, Committee = committee, entry.User, At = entry.At.Iso() };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO committee_recommendation (year, round, committee, recommended_by, recommended_at)
            VALUES (@Year, @Round, @Committee, @User, CAST(@At AS timestamptz))
            ON CONFLICT (year, round, committee) DO UPDATE SET recommended_by = excluded.recommended_by, recommended_at = excluded.recommended_at
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken));
        var recommended = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT committee FROM committee_recommendation WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var state = RoundState.Submitted;
        if (allCommittees.IsSubsetOf(recommended))
        {
            state = RoundState.Recommended;
            await SetRoundState(connection, transaction, year, round, state, entry.At, cancellationToken);
        }

        await InsertAudit(connection, transaction, audit(state), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<AppropriationMovement>?> Approve(
        int year,
        RoundNumber round,
        Func<IReadOnlyList<AccountFacts>, IReadOnlyList<AppropriationMovement>> appropriations,
        Func<IReadOnlyList<AppropriationMovement>, AuditEntry> audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appropriations);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The year's lock first (as an import takes it, before the rounds), then the exclusive lock on the round,
        // which waits for estimate writes in flight and keeps new ones out.
        await LockYear(connection, transaction, year, cancellationToken);
        if (await LockRound(connection, transaction, year, round, exclusive: true, cancellationToken) != RoundState.Recommended)
        {
            return null;
        }

        var calendar = await FindYear(connection, transaction, year, cancellationToken);
        var facts = await AccountFacts(connection, transaction, year, round, calendar!.CutoffOf(round), cancellationToken);
        var movements = appropriations(facts);
        var entry = audit(movements);
        await YearCeiling.Check(connection, transaction, YearCeiling.PostgresMagnitudes, year, movements, [], cancellationToken);
        await InsertMovements(connection, transaction, year, movements, entry.At, cancellationToken);
        await SetRoundState(connection, transaction, year, round, RoundState.Approved, entry.At, cancellationToken);
        await InsertAudit(connection, transaction, entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return movements;
    }

    public async Task<IReadOnlyList<AuditRecord>> Audit(int? year, Instant? since, Instant? until, string? target, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT audit_id AS Id, year AS Year, {Instant("at")} AS At, user_name AS User, action AS Action, target AS Target, before AS Before, after AS After, user_id AS UserId
            FROM audit_entry
            WHERE (CAST(@Year AS bigint) IS NULL OR year = @Year)
              AND (CAST(@Since AS timestamptz) IS NULL OR at >= CAST(@Since AS timestamptz))
              AND (CAST(@Until AS timestamptz) IS NULL OR at <= CAST(@Until AS timestamptz))
              AND (CAST(@Target AS text) IS NULL OR target = @Target OR starts_with(target, @TargetPrefix))
            ORDER BY audit_id
            """;
        await using var connection = await Open(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, long? Year, string At, string User, string Action, string Target, string? Before, string? After, long? UserId)>(new CommandDefinition(
            sql,
            new { Year = (long?)year, Since = since?.Iso(), Until = until?.Iso(), Target = target, TargetPrefix = target is null ? null : target.TrimEnd('/') + "/" },
            cancellationToken: cancellationToken));
        return rows.Select(r => new AuditRecord(r.Id, new AuditEntry(r.Year is { } y ? (int)y : null, Text.ToInstant(r.At), r.User, r.Action, r.Target, r.Before, r.After, r.UserId))).ToArray();
    }

    private static readonly string UserColumns = $"user_id AS Id, name AS Name, roles AS Roles, committees AS Committees, {Instant("created_at")} AS CreatedAt, {Instant("revoked_at")} AS RevokedAt";

    public async Task<StoredUser> CreateUser(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? committees, string keyHash, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        try
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO app_user (name, roles, committees, key_hash, created_at) VALUES (@Name, @Roles, @Committees, @KeyHash, CAST(@CreatedAt AS timestamptz)) RETURNING user_id",
                new { Name = name, Roles = string.Join(' ', roles), Committees = committees is null ? null : string.Join('\n', committees), KeyHash = keyHash, CreatedAt = audit.At.Iso() },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "app_user_name")
        {
            throw new UserNameTakenException(name);
        }

        await InsertAudit(connection, transaction, audit with { Target = $"users/{id}" }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredUser(id, name, roles, committees, audit.At, null);
    }

    public async Task<StoredUser?> FindUserByKeyHash(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM app_user WHERE key_hash = @KeyHash AND revoked_at IS NULL", new { KeyHash = keyHash }, cancellationToken: cancellationToken));
        return row?.ToUser();
    }

    public async Task<IReadOnlyList<StoredUser>> Users(CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition($"SELECT {UserColumns} FROM app_user ORDER BY user_id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToUser()).ToArray();
    }

    public async Task<bool> RevokeUser(long id, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE app_user SET revoked_at = CAST(@At AS timestamptz) WHERE user_id = @Id AND revoked_at IS NULL", new { Id = id, At = audit.At.Iso() }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return false;
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyDictionary<string, Amount>> Settings(int year, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, long ValueOre)>(new CommandDefinition(
            "SELECT key AS Key, value_ore AS ValueOre FROM year_setting WHERE year = @Year", new { Year = (long)year }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => Amount.FromOre(r.ValueOre), StringComparer.Ordinal);
    }
}

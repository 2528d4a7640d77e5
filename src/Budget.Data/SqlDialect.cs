using System.Data;
using System.Data.Common;
using Budget.Application.Audit;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>
/// What truly differs between the database providers, and nothing else: how a connection is opened and migrated,
/// how writers are serialised, how dates and instants are written and read back, and the bulk and hot paths that
/// each provider does fastest its own way (SQLite: prepared statements and a sorted merge; PostgreSQL: binary COPY
/// and arrays). Everything else — every rule, every other statement — is written once in <see cref="BudgetStore"/>.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>The migration folder (Migrations/&lt;Name&gt;).</summary>
    public abstract string Name { get; }

    public abstract Task<DbConnection> Open(string connectionString, CancellationToken cancellationToken);

    public abstract Task Migrate(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A transaction for a write; SQLite's begins IMMEDIATE, so writers queue at its start.</summary>
    public abstract Task<DbTransaction> BeginWrite(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when the write this process has in flight (if any) has ended. The facts cache waits for it before it
    /// takes a moved change signal without a logged version for a change made outside the store: SQLite shows a
    /// writer's restart of its WAL a moment before the writer's commit (decision 0021).
    /// </summary>
    public virtual Task WriteInFlight() => Task.CompletedTask;

    /// <summary>
    /// A write of this store that may change reports has committed (PostgreSQL moves its change signal, and the
    /// calendars' too when <paramref name="calendars"/>: the write may have changed a year or its rounds' cut-offs).
    /// </summary>
    public virtual void Committed(bool calendars)
    {
    }

    /// <summary>
    /// A report's read over one snapshot: a transaction its commands share (SQLite: nothing travels), or null where
    /// each command carries its own (<see cref="InSnapshot"/>).
    /// </summary>
    public virtual async Task<DbTransaction?> BeginSnapshot(DbConnection connection, CancellationToken cancellationToken) =>
        await BeginRead(connection, cancellationToken);

    /// <summary>The statements of one command read in one snapshot when <see cref="BeginSnapshot"/> gave no transaction.</summary>
    public virtual string InSnapshot(string statements) => statements;

    /// <summary>After an import has committed, on its connection: PostgreSQL brings the planner's statistics up to date.</summary>
    public virtual Task Imported(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A read transaction over one snapshot.</summary>
    public abstract Task<DbTransaction> BeginRead(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Writers of a year's movements and postings one at a time (the ceiling check must see every earlier one).</summary>
    public abstract Task LockYear(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken);

    /// <summary>Appended to a read of a round's state that an estimate write relies on until it commits.</summary>
    public abstract string ShareLock { get; }

    /// <summary>Appended to the read of a round's state that a transition compares before it changes it.</summary>
    public abstract string ExclusiveLock { get; }

    /// <summary>A date parameter as a value of a date column.</summary>
    public abstract string Date(string parameter);

    /// <summary>An instant parameter (extended ISO text) as a value of an instant column.</summary>
    public abstract string Instant(string parameter);

    /// <summary>A date column read back as ISO text.</summary>
    public abstract string DateText(string column);

    /// <summary>An instant column read back as extended ISO text in UTC.</summary>
    public abstract string InstantText(string column);

    /// <summary>The year's sum of |amount| of its movements in øre, capped into a long (one value), as <see cref="YearCeiling"/> reads it.</summary>
    public abstract string MovementMagnitude { get; }

    /// <summary>The year's sum of |amount| of its postings (its day sums) in øre, capped into a long (one value).</summary>
    public abstract string PostingMagnitude { get; }

    /// <summary>Both magnitudes, as columns <c>Movements</c> and <c>Postings</c> (an import's start).</summary>
    public string Magnitudes => $"SELECT ({MovementMagnitude}) AS \"Movements\", ({PostingMagnitude}) AS \"Postings\"";

    /// <summary>
    /// The consumption of each account from the days <c>@DaysFrom</c> through <c>@DaysTo</c> of the year (within one
    /// month: <see cref="ConsumptionWindow"/>): rows of the account and what <see cref="DaysOre"/> reads, at most one
    /// per account; with <paramref name="accounts"/> (a condition on <c>a.account_id</c>), of those accounts alone.
    /// </summary>
    public abstract string DaysConsumption(string? accounts);

    /// <summary>The øre of one row of <see cref="DaysConsumption"/>, whose days run through <paramref name="throughDay"/> of the month.</summary>
    public virtual long DaysOre(DbDataReader reader, int throughDay) => reader.GetInt64(1);

    /// <summary>A condition that <paramref name="column"/> is one of the accounts a subquery selects (a handful).</summary>
    public virtual string AmongAccounts(string column, string subquery) => $"{column} IN ({subquery})";

    public abstract bool IsUniqueViolation(Exception exception, string index);

    /// <summary>
    /// The statement waited past its time (a command timeout; SQLite: the busy wait): trying the writes of a batch
    /// again one by one would wait as long again for each (decision 0024).
    /// </summary>
    public virtual bool IsTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }


    /// <summary>
    /// The facts kept between reports (decision 0020), with the provider's cheap change signal where it has one
    /// (SQLite: <c>PRAGMA data_version</c>, checked before the cache asks the database anything); null where facts
    /// cannot be kept.
    /// </summary>
    public virtual FactsCache? CreateFactsCache(string connectionString) => new(null);

    /// <summary>
    /// Inserts movements and logs their accounts in <c>fact_change</c> (<see cref="LogFactChanges"/>): every write path
    /// that records movements through here is seen by the facts cache of every process.
    /// </summary>
    public async Task InsertMovements(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movements);
        await InsertMovementRows(connection, transaction, year, movements, recordedAt, cancellationToken);
        await LogFactChanges(connection, transaction, year, movements.Select(m => m.Account.Value).ToArray(), cancellationToken);
    }

    protected abstract Task InsertMovementRows(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Adds postings summed per (account, day) to the month rows of posting_month — their cumulative totals and their
    /// days, one sorted write (decisions 0019, 0029, 0032) — and logs the accounts in <c>fact_change</c>.
    /// </summary>
    public async Task WritePostingDays(DbConnection connection, DbTransaction transaction, PostingDays days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.IsEmpty)
        {
            return;
        }

        var accounts = days.Accounts();
        await RequireAccounts(connection, transaction, days.Year, accounts, cancellationToken);
        await WritePostingDayRows(connection, transaction, days, accounts, cancellationToken);
        await LogFactChanges(connection, transaction, days.Year, accounts, cancellationToken);
    }

    /// <summary>
    /// Makes what <see cref="WritePostingDays"/> will write of these sums where that needs no connection, on the
    /// caller's thread and kept with the sums (<see cref="PostingDays.Keep{T}"/>): an import's postings are read beside
    /// its other writes, and their month rows are then made there too (decision 0035). By default nothing.
    /// </summary>
    public virtual void PreparePostingDays(PostingDays days)
    {
    }

    /// <summary>
    /// Refuses postings on accounts the year does not have, before anything is written: the one check of the accounts
    /// a postings write touches, where posting_month's foreign key looked one up for every month row (decision 0027).
    /// </summary>
    private async Task RequireAccounts(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        var existing = await ExistingAccounts(connection, transaction, year, accounts, cancellationToken);
        if (existing.Count < accounts.Count)
        {
            throw new UnknownAccountsException(year, accounts.Where(a => !existing.Contains(a)).ToArray());
        }
    }

    /// <summary>
    /// Which of these accounts (distinct) the year has, read in the write's transaction; PostgreSQL locks them
    /// <c>FOR KEY SHARE</c>, as a foreign key's check does.
    /// </summary>
    protected abstract Task<IReadOnlySet<string>> ExistingAccounts(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<string> accounts, CancellationToken cancellationToken);

    protected abstract Task WritePostingDayRows(DbConnection connection, DbTransaction transaction, PostingDays days, IReadOnlyList<string> accounts, CancellationToken cancellationToken);

    /// <summary>
    /// Records, in the write's transaction, that what a report reads about these accounts changed (null or more than
    /// <see cref="FactChanges.MaxAccountsPerWrite"/> accounts: every account of the year). Every write path that
    /// changes an account, its movements, postings or estimates calls it before it commits (docs/architecture.md);
    /// the facts cache of every process then recomputes those accounts only (decision 0020). On PostgreSQL it takes
    /// a lock held to the commit, so it is best the write's last statement (an estimate writes its audit entry before it).
    /// </summary>
    public async Task LogFactChanges(DbConnection connection, DbTransaction transaction, int year, IReadOnlyCollection<string>? accounts, CancellationToken cancellationToken)
    {
        string?[] logged = accounts is null || accounts.Count > FactChanges.MaxAccountsPerWrite
            ? [null]
            : accounts.Distinct(StringComparer.Ordinal).ToArray<string?>();
        await AppendFactChanges(connection, transaction, year, logged, cancellationToken);
    }

    /// <summary>Appends one fact_change row per entry (null: the whole year) with the next versions, and forgets versions older than <see cref="FactChanges.Kept"/>.</summary>
    protected abstract Task AppendFactChanges(DbConnection connection, DbTransaction transaction, int year, string?[] accounts, CancellationToken cancellationToken);

    /// <summary>The columns an estimate row and its history row share, in the order <see cref="EstimateValues"/> gives them.</summary>
    protected const string EstimateColumns = "year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis, time_shift_ore";

    /// <summary>A new estimate's values for <see cref="EstimateColumns"/> (version 1).</summary>
    protected string EstimateValues => $"@Year, @Round, @AccountId, 1, @EstimateOre, @Explanation, @OutYear1, @OutYear2, @OutYear3, @OutYear4, @RequestedOre, {Instant("@RecordedAt")}, @GrossOre, @RefusionOre, @Basis, @TimeShiftOre";

    /// <summary>A new estimate, when there is none yet for its account and round; returns <paramref name="returning"/> of the row written.</summary>
    protected string InsertEstimate(string returning) => $"""
        INSERT INTO estimate ({EstimateColumns}) VALUES ({EstimateValues})
        ON CONFLICT (year, round, account_id) DO NOTHING
        RETURNING {returning}
        """;

    /// <summary>The next version of an estimate, when it is still at the expected version; returns <paramref name="returning"/> of the row written.</summary>
    protected string UpdateEstimate(string returning) => $"""
        UPDATE estimate
        SET estimate_ore = @EstimateOre, explanation = @Explanation, out_year_1_ore = @OutYear1, out_year_2_ore = @OutYear2,
            out_year_3_ore = @OutYear3, out_year_4_ore = @OutYear4, requested_ore = @RequestedOre,
            version = version + 1, recorded_at = {Instant("@RecordedAt")}, gross_ore = @GrossOre, refusion_ore = @RefusionOre, basis = @Basis,
            time_shift_ore = @TimeShiftOre
        WHERE year = @Year AND round = @Round AND account_id = @AccountId AND version = @ExpectedVersion
        RETURNING {returning}
        """;

    /// <summary>
    /// Whether the year is closed (its closing date as text) and the round's state code, both held until the commit
    /// (PostgreSQL: shared row locks); the round's row is created open when absent, unless the year is closed. Here in
    /// one command of three statements; SQLite runs them on statements it keeps prepared.
    /// </summary>
    public virtual async Task<(string? ClosedOn, string? State)> ClosedOnAndRoundStateText(DbConnection connection, DbTransaction transaction, int year, RoundNumber round, Instant at, CancellationToken cancellationToken)
    {
        await using var results = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"{OpenRoundStateSql};\n{ClosedOnSql};\n{RoundStateSql};",
            new { Year = year, Round = round.Value, At = at.Iso() },
            transaction,
            cancellationToken: cancellationToken));

        // The insert answers no rows: the reader stands at the first select's.
        var closedOn = await results.ReadAsync(cancellationToken) && !results.IsDBNull(0) ? results.GetString(0) : null;
        await results.NextResultAsync(cancellationToken);
        var state = await results.ReadAsync(cancellationToken) && !results.IsDBNull(0) ? results.GetString(0) : null;
        return (closedOn, state);
    }

    /// <summary>The round's state row, created open when absent unless the year is closed (a closed year is written nothing).</summary>
    protected string OpenRoundStateSql => field ??= $"""
        INSERT INTO round_state (year, round, state, changed_at)
        SELECT @Year, @Round, 'open', {Instant("@At")} WHERE NOT EXISTS (SELECT 1 FROM budget_year WHERE year = @Year AND closed_on IS NOT NULL)
        ON CONFLICT (year, round) DO NOTHING
        """;

    protected string ClosedOnSql => field ??= $"SELECT {DateText("closed_on")} FROM budget_year WHERE year = @Year{ShareLock}";

    protected string RoundStateSql => field ??= $"SELECT state FROM round_state WHERE year = @Year AND round = @Round{ShareLock}";

    /// <summary>The estimate table's columns in <see cref="EstimateRow"/>'s order, as <see cref="EstimateRow.Read(DbDataReader)"/> reads them.</summary>
    public string EstimateRowColumns => field ??= $"""
        round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
        requested_ore, version, {InstantText("recorded_at")}, gross_ore, refusion_ore, basis, time_shift_ore
        """;

    /// <summary>The estimate of one account and round.</summary>
    protected string FindEstimateSql => field ??= $"SELECT {EstimateRowColumns} FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId";

    /// <summary>An account's and round's estimate as stored, or null (every estimate saved reads it first).</summary>
    public virtual async Task<EstimateRow?> FindEstimateRow(DbConnection connection, DbTransaction? transaction, int year, RoundNumber round, string account, CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            FindEstimateSql, new { Year = (long)year, Round = (long)round.Value, AccountId = account }, transaction, cancellationToken: cancellationToken));
        return await reader.ReadAsync(cancellationToken) ? EstimateRow.Read(reader) : null;
    }

    /// <summary>One account of a year.</summary>
    protected const string FindAccountSql = $"SELECT {AccountRow.Columns} FROM account WHERE year = @Year AND account_id = @AccountId";

    /// <summary>One account of a year as stored, or null (every estimate saved reads it first).</summary>
    public virtual async Task<AccountRow?> FindAccountRow(DbConnection connection, int year, string account, CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            FindAccountSql, new { Year = (long)year, AccountId = account }, cancellationToken: cancellationToken));
        return await reader.ReadAsync(cancellationToken) ? AccountRow.Read(reader) : null;
    }

    /// <summary>Writes a write's audit entry in the write's transaction.</summary>
    public Task InsertAudit(DbConnection connection, DbTransaction transaction, AuditEntry audit, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            InsertAuditSql,
            new { audit.Year, At = audit.At.Iso(), audit.User, audit.UserId, audit.Action, audit.Target, audit.Before, audit.After },
            transaction,
            cancellationToken: cancellationToken));

    protected string InsertAuditSql => field ??= $"""
        INSERT INTO audit_entry (year, at, user_name, user_id, action, target, before, after)
        VALUES (@Year, {Instant("@At")}, @User, @UserId, @Action, @Target, @Before, @After)
        """;

    /// <summary>
    /// Saves estimates in the order given, each a compare-and-set on its version with its history row and audit entry
    /// (<see cref="BudgetStore.SaveEstimate"/>), and returns each one's new version, null where its version did not
    /// match (then nothing of it is written). Here statement by statement; PostgreSQL sends them in one round trip.
    /// </summary>
    public virtual async Task<long?[]> SaveEstimates(DbConnection connection, DbTransaction transaction, IReadOnlyList<EstimateSave> saves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saves);
        var versions = new long?[saves.Count];
        for (var i = 0; i < saves.Count; i++)
        {
            var parameters = new DynamicParameters();
            foreach (var (name, type, value) in saves[i].EstimateParameters())
            {
                parameters.Add(name, value, type);
            }

            versions[i] = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                saves[i].ExpectedVersion is null ? InsertEstimateVersion : UpdateEstimateVersion, parameters, transaction, cancellationToken: cancellationToken));
            if (versions[i] is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(EstimateHistory, parameters, transaction, cancellationToken: cancellationToken));
                await InsertAudit(connection, transaction, saves[i].Audit, cancellationToken);
            }
        }

        return versions;
    }

    protected string InsertEstimateVersion => field ??= InsertEstimate("version");

    protected string UpdateEstimateVersion => field ??= UpdateEstimate("version");

    protected const string EstimateHistory = $"""
        INSERT INTO estimate_version ({EstimateColumns})
        SELECT {EstimateColumns} FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId
        """;

    /// <summary>An import's new accounts.</summary>
    public virtual async Task InsertAccounts(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO account (year, account_id, name, committee, activity_area, reporting_group, block, refusion_benefit)
            VALUES (@Year, @AccountId, @Name, @Committee, @ActivityArea, @Group, @Block, @RefusionBenefit)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            accounts.Select(a => new { Year = year, AccountId = a.Id.Value, a.Name, a.Committee, a.ActivityArea, a.Group, Block = a.Block.ToCode(), a.RefusionBenefit }),
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>An import's estimates in set statements: new ones version 1, existing ones their next version, with history rows.</summary>
    public abstract Task SaveImportedEstimates(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AccountEstimate> estimates, Instant recordedAt, CancellationToken cancellationToken);
}

/// <summary>
/// A counter that changes whenever anyone may have committed (SQLite's data_version, PostgreSQL's notifications);
/// equal values mean no commit in between. Null when it cannot tell now (a listener not listening): ask the database.
/// </summary>
internal interface IChangeSignal : IDisposable
{
    long? Read();

    /// <summary>
    /// A counter that changes whenever a year's calendar may have changed: with every commit where the signal cannot
    /// tell more (SQLite); on PostgreSQL with every commit of someone else and every write of this process that may
    /// change a calendar (an import), not with its estimates and movements (decision 0023).
    /// </summary>
    long? ReadCalendar() => Read();
}

/// <summary>One estimate to save in a group commit (<see cref="SqlDialect.SaveEstimates"/>): its compare-and-set on <paramref name="ExpectedVersion"/> (null: none may exist yet) and its audit entry.</summary>
internal sealed record EstimateSave(int Year, AccountEstimate Estimate, long? ExpectedVersion, Instant RecordedAt, AuditEntry Audit)
{
    /// <summary>The parameters of the estimate's statements, typed, so that each provider binds them alike.</summary>
    public IEnumerable<(string Name, DbType Type, object? Value)> EstimateParameters()
    {
        yield return ("Year", DbType.Int64, (long)Year);
        yield return ("Round", DbType.Int64, (long)Estimate.Round.Value);
        yield return ("AccountId", DbType.String, Estimate.Account.Value);
        yield return ("EstimateOre", DbType.Int64, Estimate.Estimate.Ore);
        yield return ("Explanation", DbType.String, Estimate.Explanation);
        yield return ("OutYear1", DbType.Int64, Estimate.OutYears.Year1.Ore);
        yield return ("OutYear2", DbType.Int64, Estimate.OutYears.Year2.Ore);
        yield return ("OutYear3", DbType.Int64, Estimate.OutYears.Year3.Ore);
        yield return ("OutYear4", DbType.Int64, Estimate.OutYears.Year4.Ore);
        yield return ("RequestedOre", DbType.Int64, Estimate.RequestedAppropriation?.Ore);
        yield return ("RecordedAt", DbType.String, RecordedAt.Iso());
        yield return ("ExpectedVersion", DbType.Int64, ExpectedVersion);
        yield return ("GrossOre", DbType.Int64, Estimate.Basis?.Gross.Ore);
        yield return ("RefusionOre", DbType.Int64, Estimate.Basis?.Refusion.Ore);
        yield return ("Basis", DbType.String, BasisJson.Write(Estimate.Basis));
        yield return ("TimeShiftOre", DbType.Int64, Estimate.TimeShift?.Ore);
    }

    /// <summary>The parameters of the audit entry beside the estimate's in one statement (PostgreSQL).</summary>
    public IEnumerable<(string Name, DbType Type, object? Value)> AuditParameters()
    {
        yield return ("AuditYear", DbType.Int64, (long?)Audit.Year);
        yield return ("At", DbType.String, Audit.At.Iso());
        yield return ("User", DbType.String, Audit.User);
        yield return ("UserId", DbType.Int64, Audit.UserId);
        yield return ("Action", DbType.String, Audit.Action);
        yield return ("Target", DbType.String, Audit.Target);
        yield return ("Before", DbType.String, Audit.Before);
        yield return ("After", DbType.String, Audit.After);
    }
}

using System.Data;
using System.Data.Common;
using Budget.Domain.Appropriations;
using Budget.Data.Commands;
using NodaTime;
using Npgsql;

namespace Budget.Data.Postgres;

/// <summary>
/// PostgreSQL for multi-user installations (decision 0006): dates and instants as date/timestamptz, cast from and to
/// ISO text at the statement's edge; a year's writers serialised by an advisory lock, estimate writes by a shared
/// lock on the round's state row; bulk writes as binary COPY and arrays.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    public override string Name => "Postgres";

    public override async Task<DbConnection> Open(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(named ??= Configured(connectionString, null));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override async Task Migrate(DbConnection connection, CancellationToken cancellationToken)
    {
        // Two instances starting together must not both apply a migration; DDL is transactional here.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(7201401)", transaction: transaction, cancellationToken: cancellationToken));
        await Migrator.Apply(connection, Name, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
        Committed(calendars: true); // a migration that changes rows is this process's write: its notification is skipped
    }

    /// <summary>The change signal of this store's facts cache (decision 0022); null when it has none.</summary>
    private PostgresChangeSignal? signal;

    /// <summary>
    /// The store's connection string as its connections open it (<see cref="Configured"/>; a dialect serves the one
    /// store that created it, and opens only that store's connections).
    /// </summary>
    private string? named;

    /// <summary>Statements a connection prepares once used this often, unless the connection string says otherwise.</summary>
    public const int AutoPrepared = 64;

    public override FactsCache? CreateFactsCache(string connectionString)
    {
        signal = PostgresChangeSignal.For(connectionString);
        named = Configured(connectionString, signal?.WriterName);
        return new FactsCache(signal);
    }

    /// <summary>
    /// The connection string with the change signal's <see cref="PostgresChangeSignal.WriterName"/> as the application
    /// name (when there is a signal), and Npgsql's automatic preparation on (<see cref="AutoPrepared"/> statements per
    /// connection) unless the string sets <c>Max Auto Prepare</c> itself — 0 turns it off, as behind a pooler in
    /// transaction mode that cannot keep prepared statements (decision 0023).
    /// </summary>
    internal static string Configured(string connectionString, string? writerName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (writerName is not null)
        {
            builder.ApplicationName = writerName;
        }

        if (!builder.ShouldSerialize("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = AutoPrepared;
        }

        return builder.ToString();
    }

    public override async Task<DbTransaction> BeginWrite(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>
    /// This process's reports move on at once after its own write, instead of when the commit's notification comes
    /// back (which the signal skips: it carries the signal's name).
    /// </summary>
    public override void Committed(bool calendars) => signal?.Moved(calendars);

    /// <summary>No transaction object: its BEGIN and COMMIT travel in the command (<see cref="InSnapshot"/>), one round trip in all.</summary>
    public override Task<DbTransaction?> BeginSnapshot(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction?>(null);

    /// <summary>
    /// The statements in a read-only repeatable-read transaction of their own, begun and committed in the same command
    /// (a failure leaves the transaction aborted; Npgsql rolls it back when the connection goes back to the pool).
    /// The statements are prepared (Npgsql's automatic preparation, on by default in <see cref="Open"/>) and keep
    /// their generic plan: planning them afresh cost more than running them after a single estimate changed.
    /// </summary>
    public override string InSnapshot(string statements) =>
        $"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET LOCAL plan_cache_mode = force_generic_plan;\n{statements};\nCOMMIT";

    /// <summary>The tables an import fills, whose statistics the reports' plans rely on.</summary>
    private static readonly string[] ImportedTables = ["account", "movement", "estimate", "posting_month", "fact_change", "estimate_round", "budget_year"];

    /// <summary>
    /// Analyses the imported tables that were never analysed or changed by more than autovacuum's threshold since: a
    /// year read right after its import would otherwise be planned without statistics until autovacuum comes by
    /// (a minute later; a report then filtered 5.000 estimates by account instead of looking one up, decision 0023).
    /// Best effort: the import has committed, and a user who may not analyse a table only gets a warning.
    /// </summary>
    public override async Task Imported(DbConnection connection, CancellationToken cancellationToken)
    {
        const string stale = """
            SELECT relname FROM pg_stat_user_tables
            WHERE schemaname = current_schema() AND relname = ANY(@Tables)
              AND (COALESCE(last_analyze, last_autoanalyze) IS NULL OR n_mod_since_analyze > 50 + 0.1 * n_live_tup)
            """;
        try
        {
            var tables = (await connection.QueryAsync<string>(new CommandDefinition(stale, new { Tables = ImportedTables }, cancellationToken: cancellationToken))).ToArray();
            if (tables.Length > 0)
            {
                // The names written into the statement are the list's own, never the text the catalogue returned.
                await connection.ExecuteAsync(new CommandDefinition("ANALYZE " + string.Join(", ", ImportedTables.Where(tables.Contains)), commandTimeout: 0, cancellationToken: cancellationToken));
            }
        }
        catch (PostgresException)
        {
            // Statistics are an optimisation; autovacuum brings them later.
        }
    }

    public override async Task<DbTransaction> BeginRead(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>
    /// Without a timeout: a single write waits for a running import of its year, as a second import always did,
    /// instead of failing after the default 30 s. Always taken before a round's row lock, so the order is one.
    /// </summary>
    public override async Task LockYear(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(7202000, @Year)", new { Year = year }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));

    public override string ShareLock => " FOR SHARE";

    public override string ExclusiveLock => " FOR UPDATE";


    public override string Date(string parameter) => $"CAST({parameter} AS date)";

    public override string Instant(string parameter) => $"CAST({parameter} AS timestamptz)";

    public override string DateText(string column) => $"{column}::text";

    public override string InstantText(string column) => $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    // SUM(bigint) is numeric here: exact, capped into a long for a year stored before the ceiling existed.
    public override string MovementMagnitude =>
        "SELECT LEAST(COALESCE(SUM(ABS(amount_ore)), 0), 9000000000000000000)::bigint FROM movement WHERE year = @Year";

    public override string PostingMagnitude => """
        SELECT LEAST(COALESCE(SUM(ABS(d.amount_ore)), 0), 9000000000000000000)::bigint
        FROM posting_month m CROSS JOIN LATERAL unnest(m.day_ore) AS d(amount_ore) WHERE m.year = @Year
        """;

    // Lateral per account: each account's month is one primary-key lookup, its days a slice of the month row's arrays
    // (decision 0029). The window's days lie in one month (ConsumptionWindow); an account without postings on them is
    // absent, as it was when the days were rows.
    public override string DaysConsumption(string? accounts) => $"""
        SELECT a.account_id, d.amount_ore
        FROM account a CROSS JOIN LATERAL (
            SELECT SUM(x.amount_ore)::bigint AS amount_ore
            FROM posting_month m
            CROSS JOIN LATERAL unnest(m.day_ore[EXTRACT(DAY FROM CAST(@DaysFrom AS date))::integer : EXTRACT(DAY FROM CAST(@DaysTo AS date))::integer],
                                      m.day_count[EXTRACT(DAY FROM CAST(@DaysFrom AS date))::integer : EXTRACT(DAY FROM CAST(@DaysTo AS date))::integer]) AS x(amount_ore, posting_count)
            WHERE m.year = a.year AND m.month = EXTRACT(MONTH FROM CAST(@DaysFrom AS date))::integer AND m.account_id = a.account_id
              AND x.posting_count > 0) d
        WHERE a.year = @Year AND d.amount_ore IS NOT NULL{(accounts is null ? "" : " AND " + accounts)}
        """;

    /// <summary>
    /// The accounts as one array computed once: each table's rows are then looked up by key, where a semi-join with
    /// the subquery walked every account of the year.
    /// </summary>
    public override string AmongAccounts(string column, string subquery) => $"{column} = ANY(ARRAY({subquery}))";

    public override bool IsUniqueViolation(Exception exception, string index) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } e && e.ConstraintName == index;

    protected override async Task InsertMovementRows(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
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

    /// <summary>
    /// A group commit's estimates in one round trip (decision 0024): one statement per estimate in one batch, each its
    /// compare-and-set with the history row and the audit entry written from what it returned (nothing when its
    /// version did not match). The statements run in order, so a later one sees an earlier one's version.
    /// </summary>
    public override async Task<long?[]> SaveEstimates(DbConnection connection, DbTransaction transaction, IReadOnlyList<EstimateSave> saves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saves);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var save in saves)
        {
            var command = new NpgsqlBatchCommand(save.ExpectedVersion is null ? InsertEstimateSql : UpdateEstimateSql);
            foreach (var (name, type, value) in save.EstimateParameters().Concat(save.AuditParameters()))
            {
                command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
            }

            batch.BatchCommands.Add(command);
        }

        var versions = new long?[saves.Count];
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < saves.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException($"the batch of {saves.Count} estimates returned {i} results");
            }

            versions[i] = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
        }

        return versions;
    }

    private string InsertEstimateSql => field ??= SavedWithHistoryAndAudit(InsertEstimate(EstimateColumns));

    private string UpdateEstimateSql => field ??= SavedWithHistoryAndAudit(UpdateEstimate(EstimateColumns));

    /// <summary>
    /// An estimate's write as a data-modifying CTE: the history row and the audit entry come from the row it
    /// returned, so both exist exactly when it wrote one.
    /// </summary>
    private string SavedWithHistoryAndAudit(string write) => $"""
        WITH saved AS (
        {write}
        ), history AS (
            INSERT INTO estimate_version ({EstimateColumns}) SELECT {EstimateColumns} FROM saved
        ), audit AS (
            INSERT INTO audit_entry (year, at, user_name, user_id, action, target, before, after)
            SELECT @AuditYear, {Instant("@At")}, @User, @UserId, @Action, @Target, @Before, @After FROM saved
        )
        SELECT version FROM saved
        """;

    /// <summary>Locked FOR KEY SHARE to the commit, as posting_month's foreign key locked them row by row (decision 0027).</summary>
    protected override async Task<IReadOnlySet<string>> ExistingAccounts(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        const string sql = "SELECT account_id FROM account WHERE year = @Year AND account_id = ANY(@Accounts) FOR KEY SHARE";
        var found = await connection.QueryAsync<string>(new CommandDefinition(sql, new { Year = (long)year, Accounts = accounts.ToArray() }, transaction, cancellationToken: cancellationToken, commandTimeout: 0));
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Month rows per statement of the upsert that adds to stored months.</summary>
    private const int MonthRowsPerUpsert = 4_096;

    /// <summary>
    /// The per-day sums and the cumulative month totals go into posting_month, whose row per account and month holds
    /// the month's days as two arrays (decision 0029). Accounts without month rows yet — on a year without postings,
    /// all of them — get theirs by binary COPY in the key's order; the others add to their stored rows by an upsert
    /// of arrays (decision 0026). The accounts were checked first (RequireAccounts, decision 0027). Decision 0019.
    /// </summary>
    protected override async Task WritePostingDayRows(DbConnection connection, DbTransaction transaction, PostingDays days, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var year = (long)days.Year;

        // Every account with month rows has one for December: that key says which accounts have any.
        const string monthsStored = "SELECT account_id FROM posting_month WHERE year = @Year AND month = 12 AND account_id = ANY(@Accounts)";
        var stored = (await connection.QueryAsync<string>(new CommandDefinition(monthsStored, new { Year = year, Accounts = accounts.ToArray() }, transaction, cancellationToken: cancellationToken, commandTimeout: 0)))
            .ToHashSet(StringComparer.Ordinal);
        var ore = new long[BinaryCopyWriter.MaxArrayLength];
        var count = new long[BinaryCopyWriter.MaxArrayLength];
        var added = new List<(int Month, string Account, long CumulativeOre)>();
        if (stored.Count == accounts.Count)
        {
            added.AddRange(days.CumulativeMonths());
        }
        else
        {
            await using var writer = await BinaryCopyWriter.Begin(npgsql, "COPY posting_month (year, month, account_id, cumulative_ore, day_ore, day_count) FROM STDIN (FORMAT BINARY)", cancellationToken);
            var month = 0;
            var length = 0;
            foreach (var delta in days.CumulativeMonths())
            {
                if (stored.Contains(delta.Account))
                {
                    added.Add(delta);
                    continue;
                }

                if (delta.Month != month)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (month, length) = (delta.Month, CalendarSystem.Iso.GetDaysInMonth(days.Year, delta.Month));
                }

                days.MonthDays(delta.Account, delta.Month, ore.AsSpan(0, length), count.AsSpan(0, length));
                writer.StartRow(6);
                writer.Bigint(year);
                writer.Integer(delta.Month);
                writer.Text(delta.Account);
                writer.Bigint(delta.CumulativeOre);
                writer.BigintArray(ore.AsSpan(0, length));
                writer.BigintArray(count.AsSpan(0, length));
            }

            await writer.Complete(cancellationToken);
        }

        if (added.Count == 0)
        {
            return;
        }

        // The rows' day arrays travel end to end in two flat arrays; each row takes its slice (1-based, as SQL indexes).
        // A statement per MonthRowsPerUpsert rows bounds what one holds in memory (a year's 60.000 month rows would be
        // ~30 MB of days), whatever the write.
        const string monthly = """
            INSERT INTO posting_month (year, month, account_id, cumulative_ore, day_ore, day_count)
            SELECT @Year, d.month, d.account_id, d.cumulative_ore, (@DayOre)[d.first : d.first + d.days - 1], (@DayCount)[d.first : d.first + d.days - 1]
            FROM unnest(@Months, @Accounts, @Amounts, @Firsts, @Lengths) AS d(month, account_id, cumulative_ore, first, days)
            ON CONFLICT (year, month, account_id) DO UPDATE SET
                cumulative_ore = posting_month.cumulative_ore + excluded.cumulative_ore,
                day_ore = ARRAY(SELECT s.stored + s.added FROM unnest(posting_month.day_ore, excluded.day_ore) WITH ORDINALITY AS s(stored, added, day) ORDER BY s.day),
                day_count = ARRAY(SELECT s.stored + s.added FROM unnest(posting_month.day_count, excluded.day_count) WITH ORDINALITY AS s(stored, added, day) ORDER BY s.day)
            """;
        foreach (var chunk in added.Chunk(MonthRowsPerUpsert))
        {
            var dayOre = new long[chunk.Length * BinaryCopyWriter.MaxArrayLength];
            var dayCount = new long[dayOre.Length];
            var firsts = new int[chunk.Length];
            var lengths = new int[chunk.Length];
            var used = 0;
            for (var i = 0; i < chunk.Length; i++)
            {
                var (month, account, _) = chunk[i];
                var length = CalendarSystem.Iso.GetDaysInMonth(days.Year, month);
                days.MonthDays(account, month, dayOre.AsSpan(used, length), dayCount.AsSpan(used, length));
                (firsts[i], lengths[i]) = (used + 1, length);
                used += length;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                monthly,
                new
                {
                    Year = year,
                    Months = chunk.Select(d => d.Month).ToArray(),
                    Accounts = chunk.Select(d => d.Account).ToArray(),
                    Amounts = chunk.Select(d => d.CumulativeOre).ToArray(),
                    Firsts = firsts,
                    Lengths = lengths,
                    DayOre = dayOre[..used],
                    DayCount = dayCount[..used],
                },
                transaction,
                cancellationToken: cancellationToken,
                commandTimeout: 0));
        }
    }

    /// <summary>
    /// Numbers the rows after the last version under an advisory lock held to the commit: a later writer numbers after
    /// this one's rows only once they are committed, so versions appear in commit order without gaps (decision 0020).
    /// </summary>
    protected override async Task AppendFactChanges(DbConnection connection, DbTransaction transaction, int year, string?[] accounts, CancellationToken cancellationToken)
    {
        // The lock travels with the statements it guards: it is held from here to the commit, not also across a
        // round trip of its own (decision 0023).
        const string sql = """
            SELECT pg_advisory_xact_lock(7203000);
            INSERT INTO fact_change (version, year, account_id)
            SELECT x.top + a.n, @Year, a.account_id
            FROM (SELECT COALESCE(MAX(version), 0) AS top FROM fact_change) x, unnest(CAST(@Accounts AS text[])) WITH ORDINALITY AS a(account_id, n);
            DELETE FROM fact_change WHERE version <= (SELECT MAX(version) FROM fact_change) - @Kept;
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Year = (long)year, Accounts = accounts, Kept = (long)FactChanges.Kept }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The file's estimates in one statement: the rows travel as arrays, an upsert gives new ones version 1 and
    /// existing ones their next version (as a PUT with the current ETag would), and the same statement writes the
    /// history rows. The importer has already refused a file with two estimates for one account and round.
    /// </summary>
    public override async Task SaveImportedEstimates(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AccountEstimate> estimates, Instant recordedAt, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH staged AS (
                SELECT * FROM unnest(@Rounds, @Accounts, @Estimates, @Explanations, @Year1, @Year2, @Year3, @Year4, @Requested, @Gross, @Refusion, @Basis)
                    AS s(round, account_id, estimate_ore, explanation, y1, y2, y3, y4, requested_ore, gross_ore, refusion_ore, basis)),
            saved AS (
                INSERT INTO estimate (year, round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                                      requested_ore, version, recorded_at, gross_ore, refusion_ore, basis)
                SELECT @Year, round, account_id, estimate_ore, explanation, y1, y2, y3, y4, requested_ore, 1, CAST(@RecordedAt AS timestamptz), gross_ore, refusion_ore, basis
                FROM staged
                ON CONFLICT (year, round, account_id) DO UPDATE SET
                    estimate_ore = excluded.estimate_ore, explanation = excluded.explanation,
                    out_year_1_ore = excluded.out_year_1_ore, out_year_2_ore = excluded.out_year_2_ore,
                    out_year_3_ore = excluded.out_year_3_ore, out_year_4_ore = excluded.out_year_4_ore,
                    requested_ore = excluded.requested_ore, gross_ore = excluded.gross_ore, refusion_ore = excluded.refusion_ore,
                    basis = excluded.basis, version = estimate.version + 1, recorded_at = excluded.recorded_at, time_shift_ore = NULL
                RETURNING *)
            INSERT INTO estimate_version (year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                                          requested_ore, recorded_at, gross_ore, refusion_ore, basis)
            SELECT year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                   requested_ore, recorded_at, gross_ore, refusion_ore, basis
            FROM saved
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                Year = (long)year,
                RecordedAt = recordedAt.Iso(),
                Rounds = estimates.Select(e => (long)e.Round.Value).ToArray(),
                Accounts = estimates.Select(e => e.Account.Value).ToArray(),
                Estimates = estimates.Select(e => e.Estimate.Ore).ToArray(),
                Explanations = estimates.Select(e => e.Explanation).ToArray(),
                Year1 = estimates.Select(e => e.OutYears.Year1.Ore).ToArray(),
                Year2 = estimates.Select(e => e.OutYears.Year2.Ore).ToArray(),
                Year3 = estimates.Select(e => e.OutYears.Year3.Ore).ToArray(),
                Year4 = estimates.Select(e => e.OutYears.Year4.Ore).ToArray(),
                Requested = estimates.Select(e => e.RequestedAppropriation?.Ore).ToArray(),
                Gross = estimates.Select(e => e.Basis?.Gross.Ore).ToArray(),
                Refusion = estimates.Select(e => e.Basis?.Refusion.Ore).ToArray(),
                Basis = estimates.Select(e => BasisJson.Write(e.Basis)).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken,
            commandTimeout: 0));
    }
}

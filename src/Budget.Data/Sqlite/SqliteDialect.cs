using System.Data.Common;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Data.Commands;
using System.Text;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Data.Sqlite;

/// <summary>
/// The embedded SQLite database (the default provider): STRICT tables, dates and instants as ISO text, WAL, writers
/// serialised by IMMEDIATE transactions; bulk writes through prepared statements into temporary tables and one sorted
/// merge (docs/performance.md).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The write gate's SemaphoreSlim holds no wait handle unless AvailableWaitHandle is asked for, which it never is; disposing it under a writer that still holds it would throw at the writer's close.")]
internal sealed class SqliteDialect : SqlDialect, IDisposable
{
    /// <summary>The WAL's checkpoints, taken beside this store's writes (decision 0025); null for an in-memory database.</summary>
    private readonly SqliteCheckpoints? checkpoints;

    public SqliteDialect(string connectionString)
    {
        checkpoints = SqliteCheckpoints.For(connectionString);
        pooled = new SqliteConnectionStringBuilder(connectionString).Pooling;
    }

    /// <summary>Whether native connections outlive their opens (the provider's pool, the default): else kept statements end with each open.</summary>
    private readonly bool pooled;

    public override string Name => "Sqlite";

    /// <summary>The checkpoints beside the writes (tests).</summary>
    internal SqliteCheckpoints? Checkpoints => checkpoints;

    public override void Committed(bool calendars) => checkpoints?.Committed();

    /// <summary>The store's end: the checkpoint under way ends, and its connection closes.</summary>
    public void Dispose()
    {
        checkpoints?.Dispose();

        // The kept statements end with the store, so that the pool's native connections close when the pool does, not
        // when the garbage collector gets to the statements (a statement in use ends when its call returns).
        foreach (var (_, statements) in kept)
        {
            foreach (var statement in statements.Values)
            {
                statement.Dispose();
            }
        }

        kept.Clear();
    }

    /// <summary>How long SQLite waits for another connection's write lock (PRAGMA busy_timeout), and the write gate before it.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// This store's writers, one at a time, queued without a thread (decision 0021): SQLite's own busy wait sleeps on
    /// the calling thread in growing steps (1 … 100 ms), so 32 concurrent writers held 32 pool threads asleep while the
    /// lock stood free between their naps. Writers of other processes (the CLI) still meet SQLite's busy wait.
    /// </summary>
    private readonly SemaphoreSlim writeGate = new(1, 1);

    /// <summary>The native connections (pooled across opens) whose per-connection PRAGMAs are set.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];

    public override async Task<DbConnection> Open(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new GatedConnection(connectionString, this);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Foreign keys and the busy wait are per connection in SQLite; synchronous=NORMAL is safe under WAL. They stay
            // set on a pooled native connection, so they are sent once per native connection, not on every open; the
            // connection is marked only once they are set.
            if (connection.Handle is { } handle && !Configured.TryGetValue(handle, out _))
            {
                await connection.ExecuteAsync($"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
                Configured.AddOrUpdate(handle, Configured);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task Migrate(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        await Migrator.Apply(connection, Name, cancellationToken);
    }

    // Microsoft.Data.Sqlite begins IMMEDIATE unless asked for a deferred transaction: the write lock is taken at once,
    // after this process's earlier writers have closed their connections (the write gate).
    public override async Task<DbTransaction> BeginWrite(DbConnection connection, CancellationToken cancellationToken)
    {
        var entered = connection is GatedConnection gated && await gated.Enter(this, BusyTimeout, cancellationToken);
        try
        {
            return ((SqliteConnection)connection).BeginTransaction(deferred: false);
        }
        catch
        {
            if (entered)
            {
                ((GatedConnection)connection).Leave();
            }

            throw;
        }
    }

    /// <summary>Completed when the write holding the gate ends; a new one per write.</summary>
    private TaskCompletionSource writeEnded = Ended();

    public override Task WriteInFlight() => Volatile.Read(ref writeEnded).Task;

    private static TaskCompletionSource Ended()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ended.SetResult();
        return ended;
    }

    private void Entered() => Volatile.Write(ref writeEnded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private void Left()
    {
        Volatile.Read(ref writeEnded).TrySetResult();
        writeGate.Release();
    }

    /// <summary>A connection that holds the store's write gate from its write's beginning until it is closed.</summary>
    private sealed class GatedConnection(string connectionString, SqliteDialect dialect) : SqliteConnection(connectionString)
    {
        private SqliteDialect? held;

        /// <summary>
        /// Waits for the gate (once per connection); past the timeout it goes on and leaves the wait to SQLite's busy
        /// timeout, as before the gate. True when this call took the gate.
        /// </summary>
        public async Task<bool> Enter(SqliteDialect dialect, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (held is null && await dialect.writeGate.WaitAsync(timeout, cancellationToken))
            {
                dialect.Entered();
                held = dialect;
                return true;
            }

            return false;
        }

        public void Leave() => Interlocked.Exchange(ref held, null)?.Left();

        // Dispose closes: every write's connection is disposed when the write ends, committed or not.
        public override void Close()
        {
            try
            {
                if (!dialect.pooled && Handle is { } native)
                {
                    dialect.Forget(native); // the native connection closes now: its statements first
                }

                base.Close();
            }
            finally
            {
                Leave();
            }
        }
    }

    /// <summary>
    /// A group commit's estimates (<see cref="SqlDialect.SaveEstimates"/>) through statements kept prepared on the
    /// native connection (<see cref="Kept"/>): through the provider each of the three statements per estimate was
    /// parsed afresh and bound through parameter objects that looked each name up under three prefixes; with the
    /// batch's round state and change log, 29 KB of the 37 KB a batch of one estimate allocated (decision 0026).
    /// </summary>
    public override Task<long?[]> SaveEstimates(DbConnection connection, DbTransaction transaction, IReadOnlyList<EstimateSave> saves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saves);
        var versions = new long?[saves.Count];
        for (var i = 0; i < saves.Count; i++)
        {
            var save = saves[i];
            var values = save.EstimateParameters().Select(p => (p.Name, p.Value)).ToArray();
            versions[i] = Kept(connection, save.ExpectedVersion is null ? InsertEstimateVersion : UpdateEstimateVersion, values).RunScalar();
            if (versions[i] is null)
            {
                continue;
            }

            Kept(connection, EstimateHistory, values).Run();
            Kept(connection, InsertAuditSql, AuditValues(save.Audit)).Run();
        }

        return Task.FromResult(versions);
    }

    /// <summary>
    /// Statements kept prepared per native connection (pooled across opens), by their SQL, for what runs with every
    /// estimate saved. A native connection is used by one open connection at a time, so its statements are too. They
    /// end with the store (<see cref="Dispose"/>), or with each open when the connection string turns pooling off; a
    /// native connection the pool closes while the store lives (idle for minutes) stays open until the garbage
    /// collector finalises its statements (SQLite closes a connection only once its statements are finalised). Only the
    /// constant SQL of this class comes here, so each connection keeps a handful.
    /// </summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, Dictionary<string, RawStatement>> kept = [];

    /// <summary>Finalises the statements kept for a native connection about to close.</summary>
    private void Forget(SQLitePCL.sqlite3 native)
    {
        if (kept.TryGetValue(native, out var statements))
        {
            kept.Remove(native);
            foreach (var statement in statements.Values)
            {
                statement.Dispose();
            }
        }
    }

    /// <summary>The connection's kept statement of <paramref name="sql"/>, prepared when first asked for, bound to <paramref name="values"/>.</summary>
    private RawStatement Kept(DbConnection connection, string sql, IEnumerable<(string Name, object? Value)> values)
    {
        var db = ((SqliteConnection)connection).Handle!;
        var statements = kept.GetValue(db, static _ => new Dictionary<string, RawStatement>(StringComparer.Ordinal));
        if (!statements.TryGetValue(sql, out var statement))
        {
            statements[sql] = statement = new RawStatement(db, sql);
        }

        statement.BindAll(values);
        return statement;
    }

    /// <summary>The round's state row (created open unless the year is closed), the year's closing date and the round's state, on kept statements.</summary>
    public override Task<(string? ClosedOn, string? State)> ClosedOnAndRoundStateText(DbConnection connection, DbTransaction transaction, int year, RoundNumber round, Instant at, CancellationToken cancellationToken)
    {
        (string, object?)[] values = [("Year", (long)year), ("Round", (long)round.Value), ("At", at.Iso())];
        Kept(connection, OpenRoundStateSql, values).Run();
        var closedOn = Kept(connection, ClosedOnSql, values).RunText();
        return Task.FromResult((closedOn, Kept(connection, RoundStateSql, values).RunText()));
    }

    /// <summary>Every estimate saved reads the current one first: on a kept statement (decision 0026).</summary>
    public override Task<EstimateRow?> FindEstimateRow(DbConnection connection, DbTransaction? transaction, int year, RoundNumber round, string account, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Kept(connection, FindEstimateSql, [("Year", (long)year), ("Round", (long)round.Value), ("AccountId", account)]).RunFirst(EstimateRow.Read));
    }

    /// <summary>Every estimate saved reads its account first: on a kept statement (decision 0026).</summary>
    public override Task<AccountRow?> FindAccountRow(DbConnection connection, int year, string account, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Kept(connection, FindAccountSql, [("Year", (long)year), ("AccountId", account)]).RunFirst(AccountRow.Read));
    }

    /// <summary>An audit entry's values for <see cref="SqlDialect.InsertAudit"/>'s statement.</summary>
    private static (string Name, object? Value)[] AuditValues(Budget.Application.Audit.AuditEntry audit) =>
    [
        ("Year", (long?)audit.Year), ("At", audit.At.Iso()), ("User", audit.User), ("UserId", audit.UserId),
        ("Action", audit.Action), ("Target", audit.Target), ("Before", audit.Before), ("After", audit.After),
    ];

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
    public override string MovementMagnitude => Magnitude("movement", "amount_ore");

    /// <summary>Each month row keeps the sum of its days' |øre| (decision 0032): the year's is 12 rows per account.</summary>
    public override string PostingMagnitude => Magnitude("posting_month", "day_magnitude_ore");

    private static string Magnitude(string table, string column) => $"""
        SELECT CASE WHEN high >= 9000000000 THEN 9000000000000000000 ELSE MIN(high * 1000000000 + low, 9000000000000000000) END
        FROM (SELECT COALESCE(SUM(ABS({column}) / 1000000000), 0) AS high, COALESCE(SUM(ABS({column}) % 1000000000), 0) AS low
              FROM {table} WHERE year = @Year)
        """;

    // Each account's month is one primary-key lookup; its days are the month row's JSON (decision 0032), summed here
    // rather than by json_each, which took ~2 µs a day (~0,2 s for a 2M-posting year's December, against ~15 ms to read
    // the rows and sum them). CROSS JOIN fixes the order. The window's days lie in one month (ConsumptionWindow).
    public override string DaysConsumption(string? accounts) => $"""
        SELECT a.account_id, m.days
        FROM account a
        CROSS JOIN posting_month m ON m.year = a.year AND m.month = CAST(substr(@DaysFrom, 6, 2) AS INTEGER) AND m.account_id = a.account_id
        WHERE a.year = @Year AND m.days <> '[]'{(accounts is null ? "" : " AND " + accounts)}
        """;

    /// <summary>From the 1st: a window's days always start on the 1st of their month (<see cref="ConsumptionWindow"/>).</summary>
    public override long DaysOre(DbDataReader reader, int throughDay) =>
        MonthDaysJson.SumThrough(reader.GetFieldValue<byte[]>(1), throughDay);

    public override bool IsUniqueViolation(Exception exception, string index) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 } e && e.Message.Contains(index, StringComparison.Ordinal);

    /// <summary>SQLITE_BUSY (5) and SQLITE_LOCKED (6): the busy wait ran out.</summary>
    public override bool IsTimeout(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 } || base.IsTimeout(exception);

    public override FactsCache? CreateFactsCache(string connectionString) =>
        SqliteDataVersion.For(connectionString) is { } signal ? new FactsCache(signal) : null;

    protected override Task InsertMovementRows(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken)
    {
        // One prepared statement on SQLite's own API for the batch: an import brings tens of thousands of movements,
        // and the provider's binding cost more per row than SQLite's insert (docs/performance.md, 3 December).
        using var statement = new RawStatement(((SqliteConnection)connection).Handle!, """
            INSERT INTO movement (year, account_id, kind, amount_ore, decided_on, reference, decided_by, recorded_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """);
        statement.Bind(1, year);
        statement.Bind(8, recordedAt.Iso());
        foreach (var movement in movements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            statement.Bind(2, movement.Account.Value);
            statement.Bind(3, movement.Kind.ToCode());
            statement.Bind(4, movement.Amount.Ore);
            statement.Bind(5, movement.DecidedOn.Iso());
            statement.Bind(6, movement.Reference);
            statement.Bind(7, movement.DecidedBy);
            statement.Run();
        }

        return Task.CompletedTask;
    }

    /// <summary>One prepared statement on SQLite's own API: an import brings thousands of accounts.</summary>
    public override Task InsertAccounts(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        using var statement = new RawStatement(((SqliteConnection)connection).Handle!, """
            INSERT INTO account (year, account_id, name, committee, activity_area, reporting_group, block, refusion_benefit)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """);
        statement.Bind(1, year);
        foreach (var account in accounts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            statement.Bind(2, account.Id.Value);
            statement.Bind(3, account.Name);
            statement.Bind(4, account.Committee);
            statement.Bind(5, account.ActivityArea);
            statement.Bind(6, account.Group);
            statement.Bind(7, account.Block.ToCode());
            statement.Bind(8, account.RefusionBenefit);
            statement.Run();
        }

        return Task.CompletedTask;
    }

    /// <summary>The accounts travel as one JSON array (json_each): one statement however many a write touches.</summary>
    protected override async Task<IReadOnlySet<string>> ExistingAccounts(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var account in accounts)
            {
                json.WriteStringValue(account);
            }

            json.WriteEndArray();
        }

        const string sql = "SELECT account_id FROM account WHERE year = @Year AND account_id IN (SELECT value FROM json_each(@Accounts))";
        var found = await connection.QueryAsync<string>(new CommandDefinition(sql, new { Year = year, Accounts = Encoding.UTF8.GetString(buffer.WrittenSpan) }, transaction, cancellationToken: cancellationToken));
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The month rows with their days (decision 0032) in the table's key order through a prepared upsert of
    /// <see cref="RowsPerUpsert"/> rows on SQLite's own API (bound integers and UTF-8 text: one statement step per batch
    /// of rows). A row is the month's cumulative total, its days with postings as JSON ([[day, øre, postings], …]) and
    /// the sum of their |øre| (what the year ceiling reads). On a year without postings yet every upsert appends at
    /// the end of the key (decision 0019); a month the year has already adds its days to the stored ones.
    /// </summary>
    protected override Task WritePostingDayRows(DbConnection connection, DbTransaction transaction, PostingDays days, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        using var rows = new RowBatches(((SqliteConnection)connection).Handle!, "posting_month (year, month, account_id, cumulative_ore, days, day_magnitude_ore)", 5, days.Year, MonthDaysMerge);
        if (days.Kept<MonthRows>() is { } made)
        {
            for (var m = 1; m <= 12; m++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var row in made.Months[m - 1])
                {
                    rows.Add([m, made.Ids[row.Account], row.CumulativeOre, row.Days, row.DayMagnitudeOre]);
                }
            }
        }
        else
        {
            // Made here, each row as it is written: nothing but the sums is held (the API's imports and writes).
            var ids = accounts.ToDictionary(a => a, Encoding.UTF8.GetBytes, StringComparer.Ordinal);
            Span<long> ore = stackalloc long[31];
            Span<long> count = stackalloc long[31];
            var month = 0;
            var length = 0;
            foreach (var (m, account, cumulative) in days.CumulativeMonths())
            {
                if (m != month)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (month, length) = (m, CalendarSystem.Iso.GetDaysInMonth(days.Year, m));
                }

                days.MonthDays(account, m, ore[..length], count[..length]);
                var (json, magnitude) = MonthDaysJson.Write(ore[..length], count[..length]);
                rows.Add([m, ids[account], cumulative, json, magnitude]);
            }
        }

        rows.Complete();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The month rows, made from the sums alone (the import makes them on the thread that read its postings) while
    /// their days' text stays within <see cref="MonthRowsMadeAheadBytes"/>; past it they are made as they are written.
    /// </summary>
    public override void PreparePostingDays(PostingDays days)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (MonthRows.Of(days, days.Accounts(), MonthRowsMadeAheadBytes) is { } made)
        {
            days.Keep(made);
        }
    }

    /// <summary>
    /// The most of the days' JSON text made ahead of a write (5.000 accounts with postings on most days of a 10M-posting
    /// year hold ~27 MB): the import's memory stays bounded by the sums and this (issue 20's 200 MB at 10M postings).
    /// </summary>
    private const long MonthRowsMadeAheadBytes = 48L << 20;

    /// <summary>
    /// The month rows of a write: the accounts' ids as UTF-8 (in ordinal order) and, per month, the rows in that order.
    /// They are made account by account, each account's days read once in memory order, and written month by month.
    /// </summary>
    private sealed record MonthRows(byte[][] Ids, List<MonthRow>[] Months)
    {
        /// <returns>Null when the days' text would pass <paramref name="maxBytes"/>.</returns>
        public static MonthRows? Of(PostingDays days, IReadOnlyList<string> accounts, long maxBytes)
        {
            var months = new List<MonthRow>[12];
            for (var m = 0; m < 12; m++)
            {
                months[m] = new List<MonthRow>(accounts.Count);
            }

            var bytes = 0L;
            days.ForEachAccountMonth(accounts, (account, month, cumulative, ore, count) =>
            {
                if (bytes > maxBytes)
                {
                    return;
                }

                var (json, magnitude) = MonthDaysJson.Write(ore, count);
                bytes += json.Length;
                months[month - 1].Add(new MonthRow(account, cumulative, json, magnitude));
            });
            return bytes > maxBytes ? null : new MonthRows(accounts.Select(Encoding.UTF8.GetBytes).ToArray(), months);
        }
    }

    /// <summary>A month row made ahead of its write: the account's index among the write's accounts, and its values.</summary>
    private readonly record struct MonthRow(int Account, long CumulativeOre, byte[] Days, long DayMagnitudeOre);

    /// <summary>
    /// A month row the year already has adds the write's days to its own: the two day lists merged by day (sums and
    /// counts added), and the month's |øre| taken again from the merged days (|a + b| is not |a| + |b|), in two parts
    /// as <see cref="Magnitude"/> takes the year's. A write that brings no days to the month (a later month's cumulative
    /// total only) leaves them as they are.
    /// </summary>
    private const string MonthDaysMerge = """
        ON CONFLICT (year, month, account_id) DO UPDATE SET
            cumulative_ore = cumulative_ore + excluded.cumulative_ore,
            days = CASE WHEN excluded.days = '[]' THEN days ELSE (
                SELECT json_group_array(json_array(day, ore, postings) ORDER BY day) FROM (
                    SELECT value ->> 0 AS day, SUM(value ->> 1) AS ore, SUM(value ->> 2) AS postings
                    FROM (SELECT value FROM json_each(posting_month.days) UNION ALL SELECT value FROM json_each(excluded.days))
                    GROUP BY value ->> 0)) END,
            day_magnitude_ore = CASE WHEN excluded.days = '[]' THEN day_magnitude_ore ELSE (
                SELECT CASE WHEN high >= 9000000000 THEN 9000000000000000000 ELSE MIN(high * 1000000000 + low, 9000000000000000000) END FROM (
                    SELECT COALESCE(SUM(ABS(ore) / 1000000000), 0) AS high, COALESCE(SUM(ABS(ore) % 1000000000), 0) AS low FROM (
                        SELECT SUM(value ->> 1) AS ore
                        FROM (SELECT value FROM json_each(posting_month.days) UNION ALL SELECT value FROM json_each(excluded.days))
                        GROUP BY value ->> 0))) END
        """;

    /// <summary>Rows per upsert statement of the bulk writes: one step of SQLite's virtual machine for this many rows.</summary>
    private const int RowsPerUpsert = 64;

    /// <summary>A value of a bulk row: an integer or UTF-8 text.</summary>
    private readonly record struct Cell(long Number, byte[]? Text)
    {
        public static implicit operator Cell(long number) => new(number, null);

        public static implicit operator Cell(byte[] text) => new(0, text);
    }

    /// <summary>
    /// Multi-row upserts of one table: rows are gathered until there are <see cref="RowsPerUpsert"/>, then bound into
    /// one prepared statement (the year shared by all) and run; <see cref="Complete"/> runs the rest row by row.
    /// </summary>
    private sealed class RowBatches : IDisposable
    {
        private readonly RawStatement full;
        private readonly RawStatement single;
        private readonly int columns;
        private readonly Cell[] cells;
        private int rows;

        public RowBatches(SQLitePCL.sqlite3 db, string table, int columns, long year, string onConflict)
        {
            this.columns = columns;
            cells = new Cell[RowsPerUpsert * columns];
            string Values(int count) => string.Join(", ", Enumerable.Range(0, count).Select(r =>
                "(?1, " + string.Join(", ", Enumerable.Range(0, columns).Select(c => $"?{2 + (r * columns) + c}")) + ")"));
            full = new RawStatement(db, $"INSERT INTO {table} VALUES {Values(RowsPerUpsert)} {onConflict}");
            single = new RawStatement(db, $"INSERT INTO {table} VALUES {Values(1)} {onConflict}");
            full.Bind(1, year);
            single.Bind(1, year);
        }

        /// <summary>Adds a row of the table's columns after the year.</summary>
        public void Add(ReadOnlySpan<Cell> row)
        {
            if (row.Length != columns)
            {
                throw new ArgumentException($"a row of {columns} values, not {row.Length}", nameof(row));
            }

            if (rows == RowsPerUpsert)
            {
                Run(full, 0, rows);
                rows = 0;
            }

            row.CopyTo(cells.AsSpan(rows++ * columns));
        }

        /// <summary>Runs the rows gathered since the last full batch.</summary>
        public void Complete()
        {
            for (var r = 0; r < rows; r++)
            {
                Run(single, r, 1);
            }

            rows = 0;
        }

        private void Run(RawStatement statement, int first, int count)
        {
            for (var i = 0; i < count * columns; i++)
            {
                var cell = cells[(first * columns) + i];
                if (cell.Text is { } text)
                {
                    statement.Bind(2 + i, text);
                }
                else
                {
                    statement.Bind(2 + i, cell.Number);
                }
            }

            statement.Run();
        }

        public void Dispose()
        {
            full.Dispose();
            single.Dispose();
        }
    }

    protected override Task AppendFactChanges(DbConnection connection, DbTransaction transaction, int year, string?[] accounts, CancellationToken cancellationToken)
    {
        // Writers are serialised (BEGIN IMMEDIATE): each row's rowid is the next version, in commit order.
        foreach (var account in accounts)
        {
            Kept(connection, "INSERT INTO fact_change (year, account_id) VALUES (@Year, @Account)", [("Year", (long)year), ("Account", account)]).Run();
        }

        Kept(connection, ForgetFactChangesSql, []).Run();
        return Task.CompletedTask;
    }

    private static readonly string ForgetFactChangesSql = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"DELETE FROM fact_change WHERE version <= (SELECT MAX(version) FROM fact_change) - {FactChanges.Kept}");

    /// <summary>
    /// A year's first estimates are inserted with their history rows by two prepared statements. Otherwise the file's
    /// estimates are staged with one prepared statement, then saved in two set statements: an upsert (new → version
    /// 1; existing → next version, as a PUT with the current ETag would) and the history rows. The importer has
    /// already refused a file with two estimates for one account and round.
    /// </summary>
    public override Task SaveImportedEstimates(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AccountEstimate> estimates, Instant recordedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        const string columns = "estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, gross_ore, refusion_ore, basis";
        const string values = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15";
        using var any = new RawStatement(((SqliteConnection)connection).Handle!, "SELECT EXISTS (SELECT 1 FROM estimate WHERE year = ?1)");
        any.Bind(1, year);
        if (any.RunScalar() == 0)
        {
            // The year's first estimates (an import into a new year): each is version 1 of its account and round, so it
            // is inserted with its history row directly, without staging and upserting (issue 20).
            using var estimate = new RawStatement(((SqliteConnection)connection).Handle!, $"INSERT INTO estimate (year, version, recorded_at, round, account_id, {columns}) VALUES ({values})");
            using var version = new RawStatement(((SqliteConnection)connection).Handle!, $"INSERT INTO estimate_version (year, version, recorded_at, round, account_id, {columns}) VALUES ({values})");
            foreach (var statement in new[] { estimate, version })
            {
                statement.Bind(1, year);
                statement.Bind(2, 1L);
                statement.Bind(3, recordedAt.Iso());
            }

            foreach (var e in estimates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BindEstimate(estimate, 4, e);
                estimate.Run();
                BindEstimate(version, 4, e);
                version.Run();
            }

            return Task.CompletedTask;
        }

        using var command = Command(connection, transaction, $"CREATE TEMP TABLE IF NOT EXISTS estimate_stage (round INTEGER, account_id TEXT, {columns})");
        command.ExecuteNonQuery();
        using (var stage = new RawStatement(((SqliteConnection)connection).Handle!, $"INSERT INTO estimate_stage (round, account_id, {columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"))
        {
            foreach (var e in estimates)
            {
                BindEstimate(stage, 1, e);
                stage.Run();
            }
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

    /// <summary>Binds an imported estimate's round and account, then its values in the order of the estimate columns, from <paramref name="first"/> on.</summary>
    private static void BindEstimate(RawStatement statement, int first, AccountEstimate e)
    {
        statement.Bind(first, e.Round.Value);
        statement.Bind(first + 1, e.Account.Value);
        statement.Bind(first + 2, e.Estimate.Ore);
        statement.Bind(first + 3, e.Explanation);
        statement.Bind(first + 4, e.OutYears.Year1.Ore);
        statement.Bind(first + 5, e.OutYears.Year2.Ore);
        statement.Bind(first + 6, e.OutYears.Year3.Ore);
        statement.Bind(first + 7, e.OutYears.Year4.Ore);
        statement.Bind(first + 8, e.RequestedAppropriation?.Ore);
        statement.Bind(first + 9, e.Basis?.Gross.Ore);
        statement.Bind(first + 10, e.Basis?.Refusion.Ore);
        statement.Bind(first + 11, BasisJson.Write(e.Basis));
    }

    private static SqliteCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = ((SqliteConnection)connection).CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = sql;
        return command;
    }
}

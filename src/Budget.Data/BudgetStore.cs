using System.Data.Common;
using Budget.Application;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>
/// The one store of every provider: ADO.NET over <see cref="DbConnection"/> (<see cref="Commands.DbCommands"/>), a connection per operation, every write
/// and its audit entry in one transaction. What differs between SQLite and PostgreSQL is in the <see cref="SqlDialect"/>;
/// the concepts are split over the partial files (years and accounts here; follow-up, writes, rounds, users and
/// audit, imports beside it).
/// </summary>
public sealed partial class BudgetStore : IStoreMigrations, IYearStore, IDisposable
{
    private readonly string connectionString;
    private readonly SqlDialect dialect;
    private readonly IClock clock;
    private readonly FactsCache? factsCache;
    private readonly GroupCommit<EstimateWrite> estimateWrites;

    internal BudgetStore(SqlDialect dialect, string connectionString, IClock clock)
    {
        this.dialect = dialect;
        this.connectionString = connectionString;
        this.clock = clock;
        factsCache = FactChanges.Disabled ? null : dialect.CreateFactsCache(connectionString);
        estimateWrites = new GroupCommit<EstimateWrite>(CommitEstimates, static (write, error) => write.Done.TrySetException(error), MaxEstimatesPerCommit);
    }

    /// <summary>SQLite's checkpoints beside the writes (decision 0025); null on PostgreSQL and in memory (tests).</summary>
    internal Sqlite.SqliteCheckpoints? Checkpoints => (dialect as Sqlite.SqliteDialect)?.Checkpoints;

    public void Dispose()
    {
        factsCache?.Dispose();
        (dialect as IDisposable)?.Dispose(); // SQLite's checkpoints beside the writes
    }

    /// <summary>
    /// Commits a write that may change what a report or a year's calendar reads, and tells the dialect it ended (on
    /// PostgreSQL the change signal moves at once, not when the commit's notification comes back; decision 0022).
    /// Writes of users and keys commit plainly: they change no report.
    /// </summary>
    /// <param name="calendars">
    /// False only for writes that never touch budget_year or estimate_round (estimates, movements, rounds' states,
    /// cases): the years' calendars kept on PostgreSQL stay kept (decision 0023).
    /// </param>
    private async Task CommitWrite(DbTransaction transaction, CancellationToken cancellationToken, bool calendars = true)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            // Also after a failed commit (it may have reached the server): one more refresh at worst.
            dialect.Committed(calendars);
        }
    }

    private Task<DbConnection> Open(CancellationToken cancellationToken) => dialect.Open(connectionString, cancellationToken);

    public async Task Migrate(CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await dialect.Migrate(connection, cancellationToken);
    }

    /// <summary>
    /// A year's calendar; kept, like the facts, while the change signal stands still (decision 0022), so that a report
    /// on unchanged data asks the database nothing on either provider.
    /// </summary>
    public async Task<RoundCalendar?> FindYear(int year, CancellationToken cancellationToken)
    {
        var signal = factsCache?.CalendarSignal();
        if (factsCache is not null && factsCache.TryGetCalendar(year, signal, out var kept))
        {
            return kept;
        }

        await using var connection = await Open(cancellationToken);
        var calendar = await FindYear(connection, null, year, cancellationToken);
        factsCache?.PutCalendar(year, signal, calendar);
        return calendar;
    }

    private async Task<RoundCalendar?> FindYear(DbConnection connection, DbTransaction? transaction, int year, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT y.year AS Year, r.round AS Round, {dialect.DateText("r.cutoff")} AS Cutoff
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
        return await Accounts(connection, null, year, null, cancellationToken);
    }

    public async Task<Account?> FindAccount(int year, AccountId account, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return (await dialect.FindAccountRow(connection, year, account.Value, cancellationToken))?.ToAccount();
    }

    /// <summary>
    /// The year's accounts (or one), read with a plain data reader and sorted here rather than by ORDER BY, which
    /// costs SQLite a temporary b-tree. One account is its own statement (a key lookup): "@One IS NULL OR
    /// account_id = @One" made SQLite read every account of the year for each estimate saved.
    /// </summary>
    private static async Task<List<Account>> Accounts(DbConnection connection, DbTransaction? transaction, int year, AccountId? only, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {AccountRow.Columns}
            FROM account WHERE year = @Year{(only is null ? "" : " AND account_id = @One")}
            """;
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new { Year = year, One = only?.Value }, transaction, cancellationToken: cancellationToken));
        return await ReadAccounts(reader, cancellationToken);
    }

    /// <summary>
    /// Accounts from a reader of the columns account_id, name, committee, activity_area, reporting_group, block and
    /// refusion_benefit (the hot path of every report), in ordinal order by committee, area and account.
    /// </summary>
    private static async Task<List<Account>> ReadAccounts(DbDataReader reader, CancellationToken cancellationToken)
    {
        var accounts = new List<Account>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(AccountRow.Read(reader).ToAccount());
        }

        accounts.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Committee, b.Committee);
            order = order != 0 ? order : string.CompareOrdinal(a.ActivityArea, b.ActivityArea);
            return order != 0 ? order : string.CompareOrdinal(a.Id.Value, b.Id.Value);
        });
        return accounts;
    }

    public async Task<IReadOnlyDictionary<string, Amount>> Settings(int year, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, long ValueOre)>(new CommandDefinition(
            "SELECT key AS Key, value_ore AS ValueOre FROM year_setting WHERE year = @Year", new { Year = year }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => Amount.FromOre(r.ValueOre), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<AccountHistoryEntry>> History(int year, AccountId account, CancellationToken cancellationToken)
    {
        var movementsSql = $"""
            SELECT kind AS Kind, amount_ore AS AmountOre, {dialect.DateText("decided_on")} AS DecidedOn, reference AS Reference, decided_by AS DecidedBy,
                   {dialect.InstantText("recorded_at")} AS RecordedAt
            FROM movement WHERE year = @Year AND account_id = @AccountId
            ORDER BY movement_id
            """;
        var estimatesSql = $"""
            SELECT round AS Round, version AS Version, estimate_ore AS EstimateOre, explanation AS Explanation,
                   out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
                   {dialect.InstantText("recorded_at")} AS RecordedAt
            FROM estimate_version WHERE year = @Year AND account_id = @AccountId
            """;
        await using var connection = await Open(cancellationToken);
        var parameters = new { Year = year, AccountId = account.Value };
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

    /// <summary>Writes the audit entry of a write in the write's transaction.</summary>
    private Task InsertAudit(DbConnection connection, DbTransaction transaction, Application.Audit.AuditEntry audit, CancellationToken cancellationToken) =>
        dialect.InsertAudit(connection, transaction, audit, cancellationToken);
}

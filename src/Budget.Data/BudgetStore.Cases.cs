using System.Data.Common;
using System.Globalization;
using Budget.Application.Audit;
using Budget.Application.Cases;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>
/// Appropriation cases: created, revised (a new version) and approved, each write under the year's lock (the one the
/// movement writers take) so that reference uniqueness, the version compare-and-set and "approved once" are decided
/// on what is there, and an approval's movements pass the year's ceiling with every other movement.
/// </summary>
public sealed partial class BudgetStore : ICaseStore
{
    private sealed record CaseVersionRow(long CaseId, string Reference, long Version, string Title, long Permanent, long CashNeutral, string? Catalogue, long PriceLevel, string RecordedAt, string RecordedBy);

    private sealed record CaseRowRow(
        long CaseId, long Version, long RowNumber, string Kind, string AccountId, string? Classification,
        long Amount1, long Amount2, long Amount3, long Amount4, long? AnnualOre, string? FromDate, string? ToDate, string? Share);

    private sealed record CaseApprovalRow(long CaseId, long Version, string DecidedOn, string? Reference, string ApprovedAt, string ApprovedBy);

    public async Task<CaseStoreResult> CreateCases(int year, IReadOnlyList<(AppropriationCase Case, AuditEntry Audit)> cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM budget_case WHERE year = @Year", new { Year = year }, transaction, cancellationToken: cancellationToken));
        if (existing + cases.Count > CaseLimits.MaxCasesPerYear)
        {
            return new CaseStoreResult(CaseStoreStatus.TooMany);
        }

        var ids = new List<long>();
        foreach (var (value, audit) in cases)
        {
            var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM budget_case WHERE year = @Year AND reference = @Reference", new { Year = year, value.Reference }, transaction, cancellationToken: cancellationToken));
            if (taken > 0)
            {
                return new CaseStoreResult(CaseStoreStatus.DuplicateReference, Reference: value.Reference);
            }

            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"INSERT INTO budget_case (year, reference, created_at) VALUES (@Year, @Reference, {dialect.Instant("@At")}) RETURNING case_id",
                new { Year = year, value.Reference, At = audit.At.Iso() },
                transaction,
                cancellationToken: cancellationToken));
            await InsertCaseVersion(connection, transaction, id, 1, value, audit, cancellationToken);
            await InsertAudit(connection, transaction, audit with { Target = $"{audit.Target}/{id.ToString(CultureInfo.InvariantCulture)}" }, cancellationToken);
            ids.Add(id);
        }

        await CommitWrite(transaction, cancellationToken, calendars: false);
        return new CaseStoreResult(CaseStoreStatus.Done, ids, 1);
    }

    public async Task<CaseStoreResult> ReviseCase(int year, long id, int expectedVersion, AppropriationCase revised, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revised);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        var (status, latest) = await CaseState(connection, transaction, year, id, expectedVersion, cancellationToken);
        if (status != CaseStoreStatus.Done)
        {
            return new CaseStoreResult(status, Version: latest);
        }

        await InsertCaseVersion(connection, transaction, id, expectedVersion + 1, revised, audit, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
        return new CaseStoreResult(CaseStoreStatus.Done, [id], expectedVersion + 1);
    }

    public async Task<CaseStoreResult> ApproveCase(int year, long id, int version, LocalDate decidedOn, string? reference, IReadOnlyList<AppropriationMovement> movements, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movements);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        var (status, latest) = await CaseState(connection, transaction, year, id, version, cancellationToken);
        if (status != CaseStoreStatus.Done)
        {
            return new CaseStoreResult(status, Version: latest);
        }

        await YearCeiling.Check(connection, transaction, dialect, year, movements, [], cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO case_approval (case_id, version, decided_on, reference, approved_at, approved_by)
            VALUES (@Id, @Version, {dialect.Date("@DecidedOn")}, @Reference, {dialect.Instant("@At")}, @User)
            """,
            new { Id = id, Version = version, DecidedOn = decidedOn.Iso(), Reference = reference, At = audit.At.Iso(), audit.User },
            transaction,
            cancellationToken: cancellationToken));
        if (movements.Count > 0)
        {
            await dialect.InsertMovements(connection, transaction, year, movements, audit.At, cancellationToken);
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
        return new CaseStoreResult(CaseStoreStatus.Done, [id], version);
    }

    /// <summary>Inside a write: whether the case exists in the year, is not approved and has <paramref name="expected"/> as its latest version.</summary>
    private static async Task<(CaseStoreStatus Status, int Latest)> CaseState(DbConnection connection, DbTransaction transaction, int year, long id, int expected, CancellationToken cancellationToken)
    {
        var parameters = new { Year = year, Id = id };
        var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(v.version) FROM case_version v JOIN budget_case c ON c.case_id = v.case_id WHERE c.year = @Year AND c.case_id = @Id", parameters, transaction, cancellationToken: cancellationToken));
        if (latest is null)
        {
            return (CaseStoreStatus.NotFound, 0);
        }

        var approved = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM case_approval WHERE case_id = @Id", parameters, transaction, cancellationToken: cancellationToken));
        if (approved > 0)
        {
            return (CaseStoreStatus.AlreadyApproved, (int)latest.Value);
        }

        return latest.Value == expected ? (CaseStoreStatus.Done, expected) : (CaseStoreStatus.VersionConflict, (int)latest.Value);
    }

    private async Task InsertCaseVersion(DbConnection connection, DbTransaction transaction, long id, int version, AppropriationCase value, AuditEntry audit, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO case_version (case_id, version, title, permanent, cash_neutral, catalogue, price_level, recorded_at, recorded_by)
            VALUES (@Id, @Version, @Title, @Permanent, @CashNeutral, @Catalogue, @PriceLevel, {dialect.Instant("@At")}, @User)
            """,
            new
            {
                Id = id,
                Version = version,
                value.Title,
                Permanent = value.Permanent ? 1 : 0,
                CashNeutral = value.CashNeutral ? 1 : 0,
                value.Catalogue,
                value.PriceLevel,
                At = audit.At.Iso(),
                audit.User,
            },
            transaction,
            cancellationToken: cancellationToken));
        var sql = $"""
            INSERT INTO case_row (case_id, version, row_number, year, kind, account_id, classification,
                                  amount_1_ore, amount_2_ore, amount_3_ore, amount_4_ore, annual_ore, from_date, to_date, share)
            VALUES (@Id, @Version, @RowNumber, @Year, @Kind, @AccountId, @Classification,
                    @Amount1, @Amount2, @Amount3, @Amount4, @AnnualOre, {dialect.Date("@FromDate")}, {dialect.Date("@ToDate")}, @Share)
            """;
        var rows = value.Rows.Select((r, i) => new
        {
            Id = id,
            Version = version,
            RowNumber = i + 1,
            value.Year,
            Kind = r.Kind.ToCode(),
            AccountId = r.Account.Value,
            Classification = r.Classification?.ToCode(),
            Amount1 = r.Amounts.BudgetYear.Ore,
            Amount2 = r.Amounts.OutYear1.Ore,
            Amount3 = r.Amounts.OutYear2.Ore,
            Amount4 = r.Amounts.OutYear3.Ore,
            AnnualOre = r.Annual?.Ore,
            FromDate = r.From?.Iso(),
            ToDate = r.To?.Iso(),
            Share = r.Share?.ToString(CultureInfo.InvariantCulture),
        }).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(sql, rows, transaction, cancellationToken: cancellationToken));
    }

    public async Task<StoredCase?> FindCase(int year, long id, int? version, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var cases = await ReadCases(connection, transaction, year, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (cases.Count == 0)
        {
            return null;
        }

        var (versions, rows, approval) = cases.Single();
        var chosen = version is { } wanted ? versions.SingleOrDefault(v => v.Version == wanted) : versions[^1];
        return chosen is null ? null : ToStored(year, chosen, versions, rows, approval);
    }

    public async Task<IReadOnlyList<StoredCase>> Cases(int year, string? catalogue, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var cases = await ReadCases(connection, transaction, year, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return cases
            .Select(c => ToStored(year, c.Versions[^1], c.Versions, c.Rows, c.Approval))
            .Where(c => catalogue is null || c.Case.Catalogue == catalogue)
            .ToArray();
    }

    /// <summary>The year's cases (or one): every version, the rows of every version, the approval; ordered by id and version.</summary>
    private async Task<List<(List<CaseVersionRow> Versions, ILookup<long, CaseRowRow> Rows, CaseApprovalRow? Approval)>> ReadCases(DbConnection connection, DbTransaction transaction, int year, long? only, CancellationToken cancellationToken)
    {
        var parameters = new { Year = year, Only = only };
        const string filter = "c.year = @Year AND (CAST(@Only AS bigint) IS NULL OR c.case_id = @Only)";
        var versions = (await connection.QueryAsync<CaseVersionRow>(new CommandDefinition(
            $"""
            SELECT c.case_id AS CaseId, c.reference AS Reference, v.version AS Version, v.title AS Title, v.permanent AS Permanent,
                   v.cash_neutral AS CashNeutral, v.catalogue AS Catalogue, v.price_level AS PriceLevel,
                   {dialect.InstantText("v.recorded_at")} AS RecordedAt, v.recorded_by AS RecordedBy
            FROM budget_case c JOIN case_version v ON v.case_id = c.case_id
            WHERE {filter}
            ORDER BY c.case_id, v.version
            """, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        var rows = (await connection.QueryAsync<CaseRowRow>(new CommandDefinition(
            $"""
            SELECT r.case_id AS CaseId, r.version AS Version, r.row_number AS RowNumber, r.kind AS Kind, r.account_id AS AccountId,
                   r.classification AS Classification, r.amount_1_ore AS Amount1, r.amount_2_ore AS Amount2, r.amount_3_ore AS Amount3,
                   r.amount_4_ore AS Amount4, r.annual_ore AS AnnualOre, {dialect.DateText("r.from_date")} AS FromDate,
                   {dialect.DateText("r.to_date")} AS ToDate, r.share AS Share
            FROM budget_case c JOIN case_row r ON r.case_id = c.case_id
            WHERE {filter}
            ORDER BY r.case_id, r.version, r.row_number
            """, parameters, transaction, cancellationToken: cancellationToken))).ToArray();
        var approvals = (await connection.QueryAsync<CaseApprovalRow>(new CommandDefinition(
            $"""
            SELECT a.case_id AS CaseId, a.version AS Version, {dialect.DateText("a.decided_on")} AS DecidedOn, a.reference AS Reference,
                   {dialect.InstantText("a.approved_at")} AS ApprovedAt, a.approved_by AS ApprovedBy
            FROM budget_case c JOIN case_approval a ON a.case_id = c.case_id
            WHERE {filter}
            """, parameters, transaction, cancellationToken: cancellationToken))).ToDictionary(a => a.CaseId);
        var rowsByCase = rows.GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => g.ToLookup(r => r.Version));
        return versions.GroupBy(v => v.CaseId)
            .Select(g => (g.ToList(), rowsByCase.GetValueOrDefault(g.Key) ?? Array.Empty<CaseRowRow>().ToLookup(r => r.Version), approvals.GetValueOrDefault(g.Key)))
            .ToList();
    }

    private static StoredCase ToStored(int year, CaseVersionRow chosen, List<CaseVersionRow> versions, ILookup<long, CaseRowRow> rows, CaseApprovalRow? approval)
    {
        var caseRows = rows[chosen.Version].Select(r => new CaseRow(
            CaseCodes.ParseKind(r.Kind),
            AccountId.Parse(r.AccountId),
            new CaseAmounts(Amount.FromOre(r.Amount1), Amount.FromOre(r.Amount2), Amount.FromOre(r.Amount3), Amount.FromOre(r.Amount4)),
            r.Classification is null ? null : CaseCodes.TryParseClass(r.Classification, out var cls) ? cls : null)
        {
            Annual = r.AnnualOre is { } annual ? Amount.FromOre(annual) : null,
            From = r.FromDate is null ? null : Text.ToLocalDate(r.FromDate),
            To = r.ToDate is null ? null : Text.ToLocalDate(r.ToDate),
            Share = r.Share is null ? null : decimal.Parse(r.Share, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
        }).ToArray();
        var value = new AppropriationCase(year, chosen.Reference, chosen.Title, chosen.Permanent == 1, chosen.CashNeutral == 1, chosen.Catalogue, (int)chosen.PriceLevel, caseRows);
        return new StoredCase(
            chosen.CaseId,
            value,
            (int)chosen.Version,
            versions.Select(v => new CaseVersionInfo((int)v.Version, Text.ToInstant(v.RecordedAt), v.RecordedBy)).ToArray(),
            approval is null ? null : new CaseApprovalInfo((int)approval.Version, Text.ToLocalDate(approval.DecidedOn), approval.Reference, Text.ToInstant(approval.ApprovedAt), approval.ApprovedBy));
    }
}

using System.Data.Common;
using Budget.Application.Audit;
using Budget.Application.YearEnd;
using Budget.Domain.Appropriations;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>
/// The year's end: closing its accounts, the guard every write of postings, estimates and round transitions passes
/// inside its own transaction, and the approved carry-overs into the next year.
/// </summary>
public sealed partial class BudgetStore : IYearEndStore
{
    public async Task<YearEndState?> FindYearEnd(int year, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT 1 AS Found, {dialect.DateText("closed_on")} AS ClosedOn, {dialect.DateText("carry_overs_approved_on")} AS ApprovedOn
            FROM budget_year WHERE year = @Year
            """;
        await using var connection = await Open(cancellationToken);
        var row = (await connection.QueryAsync<(long Found, string? ClosedOn, string? ApprovedOn)>(new CommandDefinition(sql, new { Year = year }, cancellationToken: cancellationToken))).FirstOrDefault();
        return row.Found == 0 ? null : new YearEndState(year, Date(row.ClosedOn), Date(row.ApprovedOn));
    }

    /// <summary>
    /// Takes the year's writer lock (PostgreSQL: the advisory lock, and the row update waits for every estimate or
    /// transition holding the year's row shared), so no write of the year in flight can commit after the closing.
    /// </summary>
    public async Task<CloseStatus> Close(int year, LocalDate closedOn, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        var closed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE budget_year SET closed_on = {dialect.Date("@ClosedOn")} WHERE year = @Year AND closed_on IS NULL",
            new { Year = year, ClosedOn = closedOn.Iso() },
            transaction,
            cancellationToken: cancellationToken));
        if (closed != 1)
        {
            return await YearExists(connection, transaction, year, cancellationToken) ? CloseStatus.AlreadyClosed : CloseStatus.YearNotFound;
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken);
        return CloseStatus.Closed;
    }

    public async Task<CarryOverStoreStatus> ApproveCarryOvers(int year, LocalDate decidedOn, IReadOnlyList<AppropriationMovement> movements, long movementWatermark, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movements);
        ArgumentNullException.ThrowIfNull(audit);
        var next = year + 1;
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        await dialect.LockYear(connection, transaction, next, cancellationToken);
        var sql = $"""
            SELECT 1 AS Found, {dialect.DateText("closed_on")} AS ClosedOn, {dialect.DateText("carry_overs_approved_on")} AS ApprovedOn
            FROM budget_year WHERE year = @Year{dialect.ExclusiveLock}
            """;
        var row = (await connection.QueryAsync<(long Found, string? ClosedOn, string? ApprovedOn)>(new CommandDefinition(sql, new { Year = year }, transaction, cancellationToken: cancellationToken))).FirstOrDefault();
        var status = row switch
        {
            { Found: 0 } => CarryOverStoreStatus.YearNotFound,
            { ClosedOn: null } => CarryOverStoreStatus.NotClosed,
            { ApprovedOn: not null } => CarryOverStoreStatus.AlreadyApproved,
            _ when !await YearExists(connection, transaction, next, cancellationToken) => CarryOverStoreStatus.NextYearNotFound,
            _ when await LastMovement(connection, transaction, year, cancellationToken) != movementWatermark => CarryOverStoreStatus.Stale,
            _ => CarryOverStoreStatus.Approved,
        };
        if (status != CarryOverStoreStatus.Approved)
        {
            return status;
        }

        if (movements.Count > 0)
        {
            await YearCeiling.Check(connection, transaction, dialect, next, movements, [], cancellationToken);
            await dialect.InsertMovements(connection, transaction, next, movements, audit.At, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE budget_year SET carry_overs_approved_on = {dialect.Date("@DecidedOn")} WHERE year = @Year",
            new { Year = year, DecidedOn = decidedOn.Iso() },
            transaction,
            cancellationToken: cancellationToken));
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken);
        return CarryOverStoreStatus.Approved;
    }

    /// <summary>
    /// Inside a write of the year's postings, estimates or rounds: refuses the write when the year is closed. The
    /// year's row is read shared (PostgreSQL), so a closing waits for this write, and this write, started after a
    /// closing, waits for it and sees it.
    /// </summary>
    private async Task RequireOpen(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken)
    {
        if (await ClosedOn(connection, transaction, year, cancellationToken) is { } closedOn)
        {
            throw new YearClosedException(year, closedOn);
        }
    }

    private async Task<LocalDate?> ClosedOn(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken) =>
        Date(await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"SELECT {dialect.DateText("closed_on")} FROM budget_year WHERE year = @Year{dialect.ShareLock}", new { Year = year }, transaction, cancellationToken: cancellationToken)));

    private async Task<bool> YearExists(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT year FROM budget_year WHERE year = @Year{dialect.ShareLock}", new { Year = year }, transaction, cancellationToken: cancellationToken)) is not null;

    private static LocalDate? Date(string? text) => text is null ? null : Text.ToLocalDate(text);
}

using System.Data.Common;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Dapper;
using NodaTime;

namespace Budget.Data;

/// <summary>Single writes: movements, postings and estimates.</summary>
public sealed partial class BudgetStore : IAppropriationStore, IEstimateStore
{
    public async Task AddMovements(int year, IReadOnlyList<AppropriationMovement> movements, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        await YearCeiling.Check(connection, transaction, dialect.Magnitudes, year, movements, [], cancellationToken);
        await dialect.InsertMovements(connection, transaction, year, movements, audit.At, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
    }

    public async Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        await RequireOpen(connection, transaction, year, cancellationToken);
        await YearCeiling.Check(connection, transaction, dialect.Magnitudes, year, [], postings, cancellationToken);
        var days = new PostingDays(year);
        foreach (var posting in postings)
        {
            days.Add(posting);
        }

        await dialect.WritePostingDays(connection, transaction, days, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
    }

    public async Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await FindEstimate(connection, null, year, round, account, cancellationToken);
    }

    private async Task<StoredEstimate?> FindEstimate(DbConnection connection, DbTransaction? transaction, int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT round AS Round, account_id AS AccountId, estimate_ore AS EstimateOre, explanation AS Explanation,
                   out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
                   requested_ore AS RequestedOre, version AS Version, {dialect.InstantText("recorded_at")} AS RecordedAt,
                   gross_ore AS GrossOre, refusion_ore AS RefusionOre, basis AS Basis, time_shift_ore AS TimeShiftOre
            FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId
            """;
        var row = await connection.QuerySingleOrDefaultAsync<EstimateRow>(new CommandDefinition(sql, new { Year = year, Round = round.Value, AccountId = account.Value }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : new StoredEstimate(year, row.ToEstimate(), row.Version, Text.ToInstant(row.RecordedAt));
    }

    /// <summary>
    /// Compare-and-set on the estimate's version: the update only matches the expected version, the insert only when
    /// none exists, so of concurrent writers holding the same version exactly one succeeds. The round's state is read
    /// under a shared lock (PostgreSQL) or the write lock (SQLite), so no transition can pass a write in flight.
    /// </summary>
    public async Task<EstimateSaveResult> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, Instant recordedAt, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await RequireOpen(connection, transaction, year, cancellationToken);
        var state = await RoundState(connection, transaction, year, estimate.Round, dialect.ShareLock, recordedAt, cancellationToken);
        if (state != Domain.Appropriations.RoundState.Open)
        {
            return new EstimateSaveResult(EstimateSaveStatus.RoundLocked, null, state);
        }

        var insert = $"""
            INSERT INTO estimate (year, round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, version, recorded_at, gross_ore, refusion_ore, basis, time_shift_ore)
            VALUES (@Year, @Round, @AccountId, @EstimateOre, @Explanation, @OutYear1, @OutYear2, @OutYear3, @OutYear4, @RequestedOre, 1, {dialect.Instant("@RecordedAt")}, @GrossOre, @RefusionOre, @Basis, @TimeShiftOre)
            ON CONFLICT (year, round, account_id) DO NOTHING
            RETURNING version
            """;
        var update = $"""
            UPDATE estimate
            SET estimate_ore = @EstimateOre, explanation = @Explanation, out_year_1_ore = @OutYear1, out_year_2_ore = @OutYear2,
                out_year_3_ore = @OutYear3, out_year_4_ore = @OutYear4, requested_ore = @RequestedOre,
                version = version + 1, recorded_at = {dialect.Instant("@RecordedAt")}, gross_ore = @GrossOre, refusion_ore = @RefusionOre, basis = @Basis,
                time_shift_ore = @TimeShiftOre
            WHERE year = @Year AND round = @Round AND account_id = @AccountId AND version = @ExpectedVersion
            RETURNING version
            """;
        const string history = """
            INSERT INTO estimate_version (year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis, time_shift_ore)
            SELECT year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, recorded_at, gross_ore, refusion_ore, basis, time_shift_ore
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
            TimeShiftOre = estimate.TimeShift?.Ore,
        };
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(expectedVersion is null ? insert : update, parameters, transaction, cancellationToken: cancellationToken));
        if (version is null)
        {
            return new EstimateSaveResult(EstimateSaveStatus.VersionConflict, null, state);
        }

        await connection.ExecuteAsync(new CommandDefinition(history, parameters, transaction, cancellationToken: cancellationToken));
        // The audit entry before the change log: on PostgreSQL the log's lock is then held only from the log's
        // statement to the commit, not across the audit's round trip too (decision 0023).
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await dialect.LogFactChanges(connection, transaction, year, [estimate.Account.Value], cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
        RefreshKeptSoon(year);
        return new EstimateSaveResult(EstimateSaveStatus.Saved, new StoredEstimate(year, estimate, version.Value, recordedAt), state);
    }
}

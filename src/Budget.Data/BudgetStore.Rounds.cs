using System.Data.Common;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Domain.Appropriations;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>Rounds: their state and recommendations, and transitions stored with compare-and-set.</summary>
public sealed partial class BudgetStore : IRoundStore
{
    public async Task<Round?> FindRound(int year, RoundNumber round, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var calendar = await FindYear(connection, transaction, year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var parameters = new { Year = year, Round = round.Value };
        var code = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT state FROM round_state WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken));
        var committees = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT committee FROM committee_recommendation WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken))).ToList();
        committees.Sort(StringComparer.Ordinal);
        await transaction.CommitAsync(cancellationToken);
        return new Round(round, calendar.CutoffOf(round), code is null ? Domain.Appropriations.RoundState.Open : RoundStateCodes.Parse(code), committees);
    }

    public async Task<long> LastMovement(int year, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await LastMovement(connection, null, year, cancellationToken);
    }

    private static Task<long> LastMovement(DbConnection connection, DbTransaction? transaction, int year, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT CAST(COALESCE(MAX(movement_id), 0) AS bigint) FROM movement WHERE year = @Year", new { Year = year }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// In one transaction: the round's row is locked (the year's first when the transition grants movements, in the
    /// order an import takes them), compared with the round as the transition read it — state, number of
    /// recommendations, and for grants the year's last movement — and only then changed, with its effects and audit.
    /// </summary>
    public async Task<bool> Apply(int year, RoundTransition transition, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(audit);
        var from = transition.From;
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        if (transition.Grants.Count > 0 || transition.NextYearShifts.Count > 0)
        {
            await dialect.LockYear(connection, transaction, year, cancellationToken);
        }

        // Years are locked in ascending order by every write that takes two (here and the carry-over approval).
        if (transition.NextYearExists is not null)
        {
            await dialect.LockYear(connection, transaction, year + 1, cancellationToken);
        }

        await RequireOpen(connection, transaction, year, cancellationToken);

        var parameters = new { Year = year, Round = from.Number.Value, From = from.State.ToCode(), To = transition.To.ToCode(), At = audit.At.Iso() };
        if (await RoundState(connection, transaction, year, from.Number, dialect.ExclusiveLock, audit.At, cancellationToken) != from.State)
        {
            return false;
        }

        var recommendations = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM committee_recommendation WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken));
        if (recommendations != from.RecommendedBy.Count
            || (transition.MovementWatermark is { } watermark && await LastMovement(connection, transaction, year, cancellationToken) != watermark)
            || (transition.NextYearExists is { } nextYear && await YearExists(connection, transaction, year + 1, cancellationToken) != nextYear))
        {
            return false;
        }

        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE round_state SET state = @To, changed_at = {dialect.Instant("@At")} WHERE year = @Year AND round = @Round AND state = @From", parameters, transaction, cancellationToken: cancellationToken));
        if (changed != 1)
        {
            return false;
        }

        if (transition.DropsRecommendations)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM committee_recommendation WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken));
        }

        if (transition.Recommendation is { } committee)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO committee_recommendation (year, round, committee, recommended_by, recommended_at)
                VALUES (@Year, @Round, @Committee, @User, {dialect.Instant("@At")})
                ON CONFLICT (year, round, committee) DO UPDATE SET recommended_by = excluded.recommended_by, recommended_at = excluded.recommended_at
                """,
                new { Year = year, Round = from.Number.Value, Committee = committee, audit.User, At = audit.At.Iso() },
                transaction,
                cancellationToken: cancellationToken));
        }

        if (transition.Grants.Count > 0)
        {
            await YearCeiling.Check(connection, transaction, dialect, year, transition.Grants, [], cancellationToken);
            await dialect.InsertMovements(connection, transaction, year, transition.Grants, audit.At, cancellationToken);
        }

        if (transition.NextYearShifts.Count > 0)
        {
            await YearCeiling.Check(connection, transaction, dialect, year + 1, transition.NextYearShifts, [], cancellationToken);
            await dialect.InsertMovements(connection, transaction, year + 1, transition.NextYearShifts, audit.At, cancellationToken);
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
        return true;
    }

    /// <summary>A round's state inside a write, its row created as open when it has none yet, read with <paramref name="lockClause"/>.</summary>
    private async Task<RoundState> RoundState(DbConnection connection, DbTransaction transaction, int year, RoundNumber round, string lockClause, Instant at, CancellationToken cancellationToken)
    {
        var parameters = new { Year = year, Round = round.Value, At = at.Iso() };
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO round_state (year, round, state, changed_at) VALUES (@Year, @Round, 'open', {dialect.Instant("@At")}) ON CONFLICT (year, round) DO NOTHING",
            parameters,
            transaction,
            cancellationToken: cancellationToken));
        var code = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            $"SELECT state FROM round_state WHERE year = @Year AND round = @Round{lockClause}", parameters, transaction, cancellationToken: cancellationToken));
        return RoundStateCodes.Parse(code!);
    }
}

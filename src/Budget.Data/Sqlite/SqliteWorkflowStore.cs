using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Data.Sqlite;

/// <summary>Round states, recommendations, approval, the audit trail and users.</summary>
public sealed partial class SqliteBudgetStore
{
    internal static async Task InsertAudit(SqliteConnection connection, SqliteTransaction transaction, AuditEntry audit, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO audit_entry (year, at, user_name, user_id, action, target, before, after)
            VALUES (@Year, @At, @User, @UserId, @Action, @Target, @Before, @After)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new { audit.Year, At = audit.At.Iso(), audit.User, audit.UserId, audit.Action, audit.Target, audit.Before, audit.After },
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>A round without a state row has never changed: it is open.</summary>
    internal static async Task<RoundState> RoundStateOf(SqliteConnection connection, SqliteTransaction? transaction, int year, RoundNumber round, CancellationToken cancellationToken)
    {
        var code = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT state FROM round_state WHERE year = @Year AND round = @Round", new { Year = year, Round = round.Value }, transaction, cancellationToken: cancellationToken));
        return code is null ? RoundState.Open : RoundStateCodes.Parse(code);
    }

    public async Task<RoundStatus?> RoundStatus(int year, RoundNumber round, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var calendar = await FindYear(connection, transaction, year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var state = await RoundStateOf(connection, transaction, year, round, cancellationToken);
        var committees = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT committee FROM committee_recommendation WHERE year = @Year AND round = @Round ORDER BY committee",
            new { Year = year, Round = round.Value },
            transaction,
            cancellationToken: cancellationToken));
        return new RoundStatus(round, calendar.CutoffOf(round), state, committees.ToArray());
    }

    public async Task<bool> ChangeRoundState(int year, RoundNumber round, IReadOnlySet<RoundState> expected, RoundState target, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var current = await RoundStateOf(connection, transaction, year, round, cancellationToken);
        if (!expected.Contains(current))
        {
            return false;
        }

        await SetRoundState(connection, transaction, year, round, target, audit.At, cancellationToken);
        if (target == RoundState.Open)
        {
            // A reopened round's estimates may change, so the recommendations given on the old ones lapse.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM committee_recommendation WHERE year = @Year AND round = @Round", new { Year = year, Round = round.Value }, transaction, cancellationToken: cancellationToken));
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task SetRoundState(SqliteConnection connection, SqliteTransaction transaction, int year, RoundNumber round, RoundState state, Instant at, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO round_state (year, round, state, changed_at) VALUES (@Year, @Round, @State, @At)
            ON CONFLICT (year, round) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Year = year, Round = round.Value, State = state.ToCode(), At = at.Iso() }, transaction, cancellationToken: cancellationToken));
    }

    public async Task<bool> Recommend(int year, RoundNumber round, string committee, IReadOnlySet<string> allCommittees, Func<RoundState, AuditEntry> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allCommittees);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (await RoundStateOf(connection, transaction, year, round, cancellationToken) != RoundState.Submitted)
        {
            return false;
        }

        const string record = """
            INSERT INTO committee_recommendation (year, round, committee, recommended_by, recommended_at)
            VALUES (@Year, @Round, @Committee, @User, @At)
            ON CONFLICT (year, round, committee) DO UPDATE SET recommended_by = excluded.recommended_by, recommended_at = excluded.recommended_at
            """;
        var recommendedState = RoundState.Submitted;
        var entry = audit(RoundState.Recommended);
        var parameters = new { Year = year, Round = round.Value, Committee = committee, entry.User, At = entry.At.Iso() };
        await connection.ExecuteAsync(new CommandDefinition(record, parameters, transaction, cancellationToken: cancellationToken));
        var recommended = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT committee FROM committee_recommendation WHERE year = @Year AND round = @Round", parameters, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        if (allCommittees.IsSubsetOf(recommended))
        {
            recommendedState = RoundState.Recommended;
            await SetRoundState(connection, transaction, year, round, RoundState.Recommended, entry.At, cancellationToken);
        }

        await InsertAudit(connection, transaction, audit(recommendedState), cancellationToken);
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
        // Immediate: no estimate, movement or posting can slip in between reading the facts and granting on them.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (await RoundStateOf(connection, transaction, year, round, cancellationToken) != RoundState.Recommended)
        {
            return null;
        }

        var calendar = await FindYear(connection, transaction, year, cancellationToken);
        var facts = await AccountFacts(connection, transaction, year, round, calendar!.CutoffOf(round), cancellationToken);
        var movements = appropriations(facts);
        var entry = audit(movements);
        await YearCeiling.Check(connection, transaction, YearCeiling.SqliteMagnitudes, year, movements, [], cancellationToken);
        await InsertMovements(connection, transaction, year, movements, entry.At, cancellationToken);
        await SetRoundState(connection, transaction, year, round, RoundState.Approved, entry.At, cancellationToken);
        await InsertAudit(connection, transaction, entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return movements;
    }

    public async Task<IReadOnlyList<AuditRecord>> Audit(int? year, Instant? since, Instant? until, string? target, CancellationToken cancellationToken)
    {
        // Instants are stored in extended ISO form, which sorts chronologically only at equal precision; comparing
        // the parsed values after a coarse text filter keeps the range exact.
        const string sql = """
            SELECT audit_id AS Id, year AS Year, at AS At, user_name AS User, action AS Action, target AS Target, before AS Before, after AS After, user_id AS UserId
            FROM audit_entry
            WHERE (@Year IS NULL OR year = @Year)
              AND (@Target IS NULL OR target = @Target OR target LIKE @TargetPrefix ESCAPE '\')
            ORDER BY audit_id
            """;
        await using var connection = await Open(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, long? Year, string At, string User, string Action, string Target, string? Before, string? After, long? UserId)>(new CommandDefinition(
            sql,
            new { Year = year, Target = target, TargetPrefix = target is null ? null : EscapeLike(target.TrimEnd('/')) + "/%" },
            cancellationToken: cancellationToken));
        return rows
            .Select(r => new AuditRecord(r.Id, new AuditEntry(r.Year is { } y ? (int)y : null, Text.ToInstant(r.At), r.User, r.Action, r.Target, r.Before, r.After, r.UserId)))
            .Where(r => (since is null || r.Entry.At >= since) && (until is null || r.Entry.At <= until))
            .ToArray();
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    public async Task<StoredUser> CreateUser(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? committees, string keyHash, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(audit);
        const string sql = """
            INSERT INTO app_user (name, roles, committees, key_hash, created_at) VALUES (@Name, @Roles, @Committees, @KeyHash, @CreatedAt)
            RETURNING user_id
            """;
        await using var connection = await Open(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        long id;
        try
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                sql,
                new { Name = name, Roles = string.Join(' ', roles), Committees = committees is null ? null : string.Join('\n', committees), KeyHash = keyHash, CreatedAt = audit.At.Iso() },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == 2067 && e.Message.Contains("app_user.name", StringComparison.Ordinal))
        {
            // SQLITE_CONSTRAINT_UNIQUE on the name index
            throw new UserNameTakenException(name);
        }

        await InsertAudit(connection, transaction, audit with { Target = $"users/{id}" }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredUser(id, name, roles, committees, audit.At, null);
    }

    private const string UserColumns = "user_id AS Id, name AS Name, roles AS Roles, committees AS Committees, created_at AS CreatedAt, revoked_at AS RevokedAt";

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
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE app_user SET revoked_at = @At WHERE user_id = @Id AND revoked_at IS NULL", new { Id = id, At = audit.At.Iso() }, transaction, cancellationToken: cancellationToken));
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
            "SELECT key AS Key, value_ore AS ValueOre FROM year_setting WHERE year = @Year", new { Year = year }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => Amount.FromOre(r.ValueOre), StringComparer.Ordinal);
    }
}

using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>Users with hashed keys, and the audit trail.</summary>
public sealed partial class BudgetStore : IUserStore, IAuditReader
{
    private string UserColumns => $"user_id AS Id, name AS Name, roles AS Roles, committees AS Committees, {dialect.InstantText("created_at")} AS CreatedAt, {dialect.InstantText("revoked_at")} AS RevokedAt";

    public async Task<StoredUser> CreateUser(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? committees, string keyHash, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(audit);
        var sql = $"""
            INSERT INTO app_user (name, roles, committees, key_hash, created_at) VALUES (@Name, @Roles, @Committees, @KeyHash, {dialect.Instant("@CreatedAt")})
            RETURNING user_id
            """;
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        long id;
        try
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                sql,
                new { Name = name, Roles = string.Join(' ', roles), Committees = committees is null ? null : string.Join('\n', committees), KeyHash = keyHash, CreatedAt = audit.At.Iso() },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e, "app_user_name") || dialect.IsUniqueViolation(e, "app_user.name"))
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
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE app_user SET revoked_at = {dialect.Instant("@At")} WHERE user_id = @Id AND revoked_at IS NULL", new { Id = id, At = audit.At.Iso() }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return false;
        }

        await InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The trail in order, filtered by year and target in SQL; the time range is compared on the parsed instants,
    /// because SQLite keeps them as text that sorts chronologically only at equal precision.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> Audit(int? year, Instant? since, Instant? until, string? target, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT audit_id AS Id, year AS Year, {dialect.InstantText("at")} AS At, user_name AS User, action AS Action, target AS Target,
                   before AS Before, after AS After, user_id AS UserId
            FROM audit_entry
            WHERE (CAST(@Year AS bigint) IS NULL OR year = @Year)
              AND (CAST(@Target AS text) IS NULL OR target = @Target OR substr(target, 1, length(@TargetPrefix)) = @TargetPrefix)
            ORDER BY audit_id
            """;
        // "accounts/5.57.70" and "accounts/5.57.70/" name the same target: it and everything below it.
        target = target?.TrimEnd('/');
        await using var connection = await Open(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, long? Year, string At, string User, string Action, string Target, string? Before, string? After, long? UserId)>(new CommandDefinition(
            sql,
            new { Year = year, Target = target, TargetPrefix = target is null ? null : target + "/" },
            cancellationToken: cancellationToken));
        return rows
            .Select(r => new AuditRecord(r.Id, new AuditEntry(r.Year is { } y ? (int)y : null, Text.ToInstant(r.At), r.User, r.Action, r.Target, r.Before, r.After, r.UserId)))
            .Where(r => (since is null || r.Entry.At >= since) && (until is null || r.Entry.At <= until))
            .ToArray();
    }
}

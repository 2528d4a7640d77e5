using System.Security.Cryptography;
using System.Text;
using Budget.Application.Audit;
using NodaTime;

namespace Budget.Application.Users;

/// <summary>An API key as handed out: shown once to the administrator, stored only as <see cref="Hash"/>.</summary>
public sealed record IssuedKey(StoredUser User, string ApiKey);

/// <summary>
/// API keys: 32 bytes from the operating system's cryptographic RNG, base64url with a recognisable prefix (so a
/// leaked key is easy to spot in logs and scanners). Only the SHA-256 of a key is stored: a key has 256 bits of
/// entropy, so a fast unsalted hash cannot be reversed, and lookups stay a single indexed equality.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "bfk_";

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>Compares in time independent of where the two differ, so the bootstrap key cannot be guessed byte by byte.</summary>
    public static bool SameKey(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

/// <summary>Creates and revokes users; every change is audited.</summary>
public sealed class UserAdministration(IUserStore store, IClock clock)
{
    public async Task<IssuedKey> Create(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? committees, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var key = ApiKeys.Generate();
        var audit = AuditEntry.Of(null, clock.GetCurrentInstant(), actor, "user.create", "users", null, new { name, roles, committees });
        var user = await store.CreateUser(name, roles, committees, ApiKeys.Hash(key), audit, cancellationToken);
        return new IssuedKey(user, key);
    }

    public Task<bool> Revoke(long id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var audit = AuditEntry.Of(null, clock.GetCurrentInstant(), actor, "user.revoke", $"users/{id}", new { active = true }, new { active = false });
        return store.RevokeUser(id, audit, cancellationToken);
    }
}

/// <summary>Another user already has this name (names are unique, contract §7): 409.</summary>
public sealed class UserNameTakenException(string name) : Exception($"A user named '{Budget.Domain.Echo.Cut(name)}' already exists; names are unique.")
{
    public string Name { get; } = name;
}

namespace Budget.Application.Users;

/// <summary>The roles of the round workflow. An administrator holds every role and manages users.</summary>
public enum Role
{
    /// <summary>Økonomikonsulent: records estimates, submits a round.</summary>
    Consultant,

    /// <summary>Fagudvalg: recommends its part of a round.</summary>
    Committee,

    /// <summary>Kommunalbestyrelsen: approves a round's appropriations.</summary>
    Council,

    /// <summary>Økonomiafdelingen: imports data, records movements and postings, reopens rounds.</summary>
    Finance,

    /// <summary>Reads reports only.</summary>
    Reader,
}

public static class RoleCodes
{
    public const string Administrator = "admin";

    private static readonly (Role Role, string Code)[] Table =
    [
        (Role.Consultant, "consultant"),
        (Role.Committee, "committee"),
        (Role.Council, "council"),
        (Role.Finance, "finance"),
        (Role.Reader, "reader"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Code).ToArray();

    public static string ToCode(this Role role) => Table.Single(t => t.Role == role).Code;

    public static bool TryParse(string? code, out Role role)
    {
        foreach (var entry in Table)
        {
            if (entry.Code == code)
            {
                role = entry.Role;
                return true;
            }
        }

        role = default;
        return false;
    }
}

/// <summary>
/// Who is acting: a user's name, roles and, optionally, the committees the user is limited to (a consultant of one
/// committee cannot write another's estimates).
/// </summary>
public sealed record Actor(string Name, IReadOnlySet<Role> Roles, bool IsAdministrator, IReadOnlySet<string>? Committees)
{
    /// <summary>The stored user's id; null for the bootstrap key and the system.</summary>
    public long? Id { get; init; }

    /// <summary>The actor of the system itself (demo seeding, migrations).</summary>
    public static Actor System { get; } = new("system", new HashSet<Role>(Enum.GetValues<Role>()), true, null);

    public bool Has(Role role) => IsAdministrator || Roles.Contains(role);

    public bool MayActFor(string committee) => Committees is null || Committees.Contains(committee);
}

/// <summary>A user as stored (never with the key, only its hash).</summary>
public sealed record StoredUser(long Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string>? Committees, NodaTime.Instant CreatedAt, NodaTime.Instant? RevokedAt)
{
    public Actor ToActor() => new(
        Name,
        Roles.Select(r => RoleCodes.TryParse(r, out var role) ? (Role?)role : null).OfType<Role>().ToHashSet(),
        Roles.Contains(RoleCodes.Administrator),
        Committees?.ToHashSet(StringComparer.Ordinal)) { Id = Id };
}

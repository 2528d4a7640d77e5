using System.Security.Claims;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
using Budget.Application.Users;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Budget.Api.Users;

public sealed record UserRequest(string? Name, string[]? Roles, string[]? Committees);

public sealed record UserDto(long Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string>? Committees, Instant CreatedAt, Instant? RevokedAt)
{
    public static UserDto From(StoredUser user) => new(user.Id, user.Name, user.Roles, user.Committees, user.CreatedAt, user.RevokedAt);
}

/// <summary>
/// The user behind the key sent (<c>GET /api/me</c>), for the page's sign-in: <c>Roles</c> are the roles the user acts
/// with (an administrator holds every one), <c>Committees</c> the committees a scoped user is limited to (null: all).
/// </summary>
public sealed record MeDto(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string>? Committees, bool Administrator)
{
    public static MeDto From(Actor actor) => new(
        actor.Name,
        Enum.GetValues<Role>().Where(actor.Has).Select(r => r.ToCode()).ToArray(),
        actor.Committees?.Order(StringComparer.Ordinal).ToArray(),
        actor.IsAdministrator);
}

/// <summary>Contract §5: <c>{id, name, roles, apiKey}</c>; the key is shown here once and never again.</summary>
public sealed record CreatedUserDto(long Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string>? Committees, string ApiKey);

internal sealed class UserRequestValidator : AbstractValidator<UserRequest>
{
    private static readonly HashSet<string> Known = [.. RoleCodes.All, RoleCodes.Administrator];

    /// <summary>The names the audit trail gives the system and the bootstrap key: a user may not pose as them.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Actor.System.Name, ApiKeyAuthentication.BootstrapName };

    /// <summary>The reserved names as <see cref="AsRead"/> reads a name.</summary>
    private static readonly HashSet<string> ReservedAsRead = [.. Reserved.Select(AsRead)];

    /// <summary>Roles that act for the whole municipality, where a committee scope means nothing.</summary>
    private static readonly string[] Unscoped = [RoleCodes.Administrator, Role.Council.ToCode(), Role.Reader.ToCode()];

    public UserRequestValidator()
    {
        RuleFor(u => u.Name).NotEmpty().MaximumLength(200)
            .Must(n => n is null || Visible(n)).WithMessage("'Name' holds a control or invisible character (a line break, a zero-width space, …): a name is one line of visible text.")
            .Must(n => n is null || !ReservedAsRead.Contains(AsRead(n))).WithMessage($"'Name' may not be {string.Join(" or ", Reserved)}: those names are reserved for the audit trail.");
        RuleFor(u => u.Roles).NotEmpty().WithMessage("'Roles' must name at least one role.")
            .Must(r => r is null || r.Distinct(StringComparer.Ordinal).Count() == r.Length).WithMessage("'Roles' names a role twice.");
        RuleForEach(u => u.Roles).Must(Known.Contains).WithMessage($"'{{PropertyValue}}' is not a role; roles are {string.Join(", ", Known)}.");
        RuleFor(u => u.Committees).Must(c => c is null || c.Length > 0).WithMessage("'Committees' must name at least one committee, or be left out for all.")
            .Must(c => c is null || c.Length <= 100).WithMessage("'Committees' names at most 100 committees.");
        RuleFor(u => u.Committees).Null()
            .When(u => u.Roles is not null && u.Roles.Any(Unscoped.Contains))
            .WithMessage($"'Committees' cannot limit a user with the role {string.Join(", ", Unscoped)}: those roles act for the whole municipality.");
        RuleForEach(u => u.Committees).NotEmpty().MaximumLength(200).Must(c => c is null || Visible(c)).WithMessage("A committee name is one line of visible text.");
    }

    /// <summary>No control (Cc), format (Cf: zero-width space, direction marks, …) or line/paragraph separator: what an audit reader sees is the whole name, on one line.</summary>
    private static bool Visible(string text) =>
        !text.Any(c => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator);

    /// <summary>
    /// A name as a reader of the audit trail takes it: its letters and digits only, fullwidth forms as the ASCII they
    /// imitate (ｓｙｓｔｅｍ is system), lower case — so "Sys-tem" and "bootstrap admin" are the reserved names too.
    /// By hand: the product runs with invariant globalization, where string normalization leaves non-ASCII as it is.
    /// </summary>
    private static string AsRead(string name) =>
        new([.. name.Select(c => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c).Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
}

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Access.Administrator).AddEndpointFilter<ValidationFilter>();
        group.MapPost("/", CreateUser);
        group.MapGet("/", ListUsers);
        group.MapDelete("/{id:long}", RevokeUser);
        // Any role, never anonymous: with anonymous reading on, no key is no user, and the page stays signed out.
        app.MapGet("/api/me", Me).WithTags("Users").RequireAuthorization(Access.Read);
        return app;
    }

    /// <summary>Who the key sent belongs to: name, roles, committee scope.</summary>
    public static Ok<MeDto> Me(ClaimsPrincipal user) => TypedResults.Ok(MeDto.From(user.ToActor()));

    /// <summary>Creates a user and returns its API key, once.</summary>
    public static async Task<Results<Created<CreatedUserDto>, ProblemHttpResult>> CreateUser(UserRequest request, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken)
    {
        IssuedKey issued;
        try
        {
            issued = await users.Create(request.Name!.Trim(), request.Roles!, request.Committees, user.ToActor(), cancellationToken);
        }
        catch (UserNameTakenException taken)
        {
            return Problems.Conflict(taken.Message);
        }

        var created = issued.User;
        return TypedResults.Created($"/api/users/{created.Id}", new CreatedUserDto(created.Id, created.Name, created.Roles, created.Committees, issued.ApiKey));
    }

    public static async Task<Ok<UserDto[]>> ListUsers(IUserStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.Users(cancellationToken)).Select(UserDto.From).ToArray());

    /// <summary>Revokes a user's key at once; the user stays listed (with revokedAt) for the audit trail.</summary>
    public static async Task<Results<NoContent, NotFoundProblem>> RevokeUser(long id, ClaimsPrincipal user, UserAdministration users, CancellationToken cancellationToken) =>
        await users.Revoke(id, user.ToActor(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"There is no active user {id}.");
}

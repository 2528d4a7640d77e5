using System.Security.Claims;
using System.Text.Encodings.Web;
using Budget.Application;
using Budget.Application.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Budget.Api.Security;

/// <summary>The authentication settings of interchange contract §1.</summary>
internal sealed record AuthSettings(string? BootstrapKey, bool AnonymousRead)
{
    public static AuthSettings From(IConfiguration configuration, bool isEmbeddedDefault)
    {
        var key = configuration["Auth:BootstrapKey"];
        return new AuthSettings(
            string.IsNullOrWhiteSpace(key) ? null : key,
            configuration.GetValue<bool?>("Auth:AnonymousRead") ?? isEmbeddedDefault);
    }
}

internal static class BudgetClaims
{
    public const string Committee = "budget:committee";

    public static ClaimsPrincipal Principal(string name, IEnumerable<string> roles, IEnumerable<string>? committees)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (committees is not null)
        {
            claims.AddRange(committees.Select(c => new Claim(Committee, c)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthentication.SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The acting user of a request; only called on endpoints whose policy required an authenticated user.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        var codes = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray();
        var committees = principal.FindAll(Committee).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Actor(
            principal.Identity?.Name ?? "unknown",
            codes.Select(c => RoleCodes.TryParse(c, out var role) ? (Role?)role : null).OfType<Role>().ToHashSet(),
            codes.Contains(RoleCodes.Administrator),
            committees.Count == 0 ? null : committees);
    }
}

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header: the configured bootstrap key is an administrator holding every role;
/// any other key must be an active user's. A key that is sent but unknown fails authentication (401), even where
/// anonymous reading is allowed, so a typo in a key never silently degrades to anonymous access.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthSettings settings,
    IBudgetStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string BootstrapName = "bootstrap-admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        var key = values.Count == 1 ? values[0]?.Trim() : null;
        if (string.IsNullOrEmpty(key))
        {
            return AuthenticateResult.Fail($"Send exactly one non-empty {Header} header.");
        }

        if (settings.BootstrapKey is { } bootstrap && ApiKeys.SameKey(key, bootstrap))
        {
            return Success(BudgetClaims.Principal(BootstrapName, [.. RoleCodes.All, RoleCodes.Administrator], null));
        }

        var user = await store.FindUserByKeyHash(ApiKeys.Hash(key), Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail($"The {Header} is not a key of an active user (unknown or revoked).")
            : Success(BudgetClaims.Principal(user.Name, user.Roles, user.Committees));
    }

    private static AuthenticateResult Success(ClaimsPrincipal principal) => AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
}

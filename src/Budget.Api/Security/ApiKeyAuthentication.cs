using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Budget.Application;
using Budget.Application.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Budget.Api.Security;

/// <summary>
/// The authentication settings of interchange contract §1 and §7. Anonymous reading, when not configured, is on only
/// for the embedded default database while every address the server listens on is a loopback address: it is
/// decided once the server has started (<see cref="ResolveAnonymousRead"/>) and off until then.
/// </summary>
internal sealed class AuthSettings
{
    public const int MinBootstrapKeyLength = 32;

    private AuthSettings(string? bootstrapKey, bool? configuredAnonymousRead, bool isEmbeddedDefault)
    {
        BootstrapKey = bootstrapKey;
        ConfiguredAnonymousRead = configuredAnonymousRead;
        IsEmbeddedDefault = isEmbeddedDefault;
        AnonymousRead = configuredAnonymousRead ?? false;
    }

    public string? BootstrapKey { get; }

    public bool? ConfiguredAnonymousRead { get; }

    public bool IsEmbeddedDefault { get; }

    public bool AnonymousRead { get; private set; }

    /// <summary>Reads the settings; a bootstrap key shorter than 32 characters stops the start-up (contract §7).</summary>
    public static AuthSettings From(IConfiguration configuration, bool isEmbeddedDefault)
    {
        var key = configuration["Auth:BootstrapKey"];
        if (!string.IsNullOrWhiteSpace(key) && key.Trim().Length < MinBootstrapKeyLength)
        {
            throw new InvalidOperationException(
                $"Auth:BootstrapKey is {key.Trim().Length} characters long; it must have at least {MinBootstrapKeyLength} (it is an administrator's password: choose a long random one, e.g. `openssl rand -base64 33`).");
        }

        return new AuthSettings(string.IsNullOrWhiteSpace(key) ? null : key.Trim(), configuration.GetValue<bool?>("Auth:AnonymousRead"), isEmbeddedDefault);
    }

    /// <summary>Decides the default of anonymous reading from the addresses the server listens on, and says why.</summary>
    public string ResolveAnonymousRead(IReadOnlyCollection<string> addresses)
    {
        if (ConfiguredAnonymousRead is { } configured)
        {
            AnonymousRead = configured;
            return $"Auth:AnonymousRead is {(configured ? "on" : "off")} (configured).";
        }

        var loopbackOnly = addresses.All(IsLoopback);
        AnonymousRead = IsEmbeddedDefault && loopbackOnly;
        return AnonymousRead
            ? "Auth:AnonymousRead is on (default: the embedded database, listening on loopback only): reports are readable without a key."
            : $"Auth:AnonymousRead is off (default: {(IsEmbeddedDefault ? "the server listens beyond loopback" : "a configured database")}): every request needs an API key.";
    }

    /// <summary>http://localhost:5000, http://127.0.0.1:8080 and http://[::1]:80 are loopback; http://+:80, http://*:80, http://[::]:80 and other hosts are not.</summary>
    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://any", StringComparison.Ordinal).Replace("://*", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}

/// <summary>
/// Failed key attempts per client address (contract §7): at most 30 a minute, then 429 with Retry-After until the
/// minute is over. Only failures draw from the limit, so a valid key is never slowed, whoever else fails.
/// </summary>
internal sealed class FailedKeyThrottle : IDisposable
{
    public const int PermitsPerMinute = 30;
    public const string Throttled = "budget:throttled";

    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Records a failed attempt; false (with the seconds to wait) when the address has used up its minute.</summary>
    public bool TryRecordFailure(HttpContext context, out int retryAfterSeconds)
    {
        using var lease = limiter.AttemptAcquire(Partition(context.Connection.RemoteIpAddress));
        retryAfterSeconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        return lease.IsAcquired;
    }

    /// <summary>An IPv4 address is one client; an IPv6 client usually holds a whole /64, so the /64 is one partition.</summary>
    private static string Partition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => limiter.Dispose();
}

internal static class BudgetClaims
{
    public const string Committee = "budget:committee";
    public const string UserId = "budget:user-id";

    public static ClaimsPrincipal Principal(string name, IEnumerable<string> roles, IEnumerable<string>? committees, long? userId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        if (userId is { } id)
        {
            claims.Add(new Claim(UserId, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

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
            committees.Count == 0 ? null : committees)
        {
            Id = long.TryParse(principal.FindFirst(UserId)?.Value, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null,
        };
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
    FailedKeyThrottle throttle,
    IUserStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
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
            return Failed($"Send exactly one non-empty {Header} header.");
        }

        if (settings.BootstrapKey is { } bootstrap && ApiKeys.SameKey(key, bootstrap))
        {
            return Success(BudgetClaims.Principal(BootstrapName, [.. RoleCodes.All, RoleCodes.Administrator], null));
        }

        var user = await store.FindUserByKeyHash(ApiKeys.Hash(key), Context.RequestAborted);
        return user is null
            ? Failed($"The {Header} is not a key of an active user (unknown or revoked).")
            : Success(BudgetClaims.Principal(user.Name, user.Roles, user.Committees, user.Id));
    }

    private AuthenticateResult Failed(string message)
    {
        // The authentication middleware runs this once per request; the item keeps a second call from counting twice.
        if (!Context.Items.ContainsKey(FailedKeyThrottle.Throttled) && !throttle.TryRecordFailure(Context, out var retryAfter))
        {
            Context.Items[FailedKeyThrottle.Throttled] = retryAfter;
        }

        return AuthenticateResult.Fail(message);
    }

    private static AuthenticateResult Success(ClaimsPrincipal principal) => AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
}

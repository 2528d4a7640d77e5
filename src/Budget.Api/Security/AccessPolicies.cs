using Budget.Application.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Budget.Api.Security;

/// <summary>Met by a user holding any of <see cref="AnyOf"/> (an administrator holds all).</summary>
internal sealed class RoleRequirement(params Role[] anyOf) : IAuthorizationRequirement
{
    public IReadOnlyList<Role> AnyOf { get; } = anyOf;

    public override string ToString() => string.Join(" or ", AnyOf.Select(r => r.ToCode()));
}

/// <summary>
/// Reading: any role; with <see cref="Anonymous"/>, also nobody at all when anonymous reading is on and no key was
/// sent — only reports, the follow-up and what the page needs to show them (contract §7).
/// </summary>
internal sealed class ReadRequirement(bool anonymous) : IAuthorizationRequirement
{
    public bool Anonymous { get; } = anonymous;
}

internal sealed class AdministratorRequirement : IAuthorizationRequirement;

internal sealed class AccessHandler(AuthSettings settings) : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        var authenticated = context.User.Identity?.IsAuthenticated == true;
        var actor = authenticated ? context.User.ToActor() : null;
        foreach (var requirement in context.PendingRequirements.ToArray())
        {
            var met = requirement switch
            {
                RoleRequirement role => actor is not null && role.AnyOf.Any(actor.Has),
                AdministratorRequirement => actor?.IsAdministrator == true,
                ReadRequirement read => actor is not null && (actor.IsAdministrator || actor.Roles.Count > 0)
                    || (read.Anonymous && !authenticated && settings.AnonymousRead && context.Resource is HttpContext http && !http.Request.Headers.ContainsKey(ApiKeyAuthentication.Header)),
                _ => false,
            };
            if (met)
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>The policies of the workflow roles (docs/workflow.md has the table).</summary>
internal static class Access
{
    /// <summary>Any role; never anonymous.</summary>
    public const string Read = "read";

    /// <summary>Reports, the follow-up and the lists the page needs for them: any role, or anonymous when Auth:AnonymousRead is on.</summary>
    public const string Reports = "reports";
    public const string Finance = "finance";
    public const string Estimates = "consultant-or-finance";
    public const string Committee = "committee";
    public const string Council = "council";
    public const string Administrator = "admin";
    public const string Audit = "any-role";

    public static IServiceCollection AddBudgetAccess(this IServiceCollection services, AuthSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<FailedKeyThrottle>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, AccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResults>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => p.AddRequirements(new ReadRequirement(anonymous: false)))
            .AddPolicy(Reports, p => p.AddRequirements(new ReadRequirement(anonymous: true)))
            .AddPolicy(Finance, p => p.AddRequirements(new RoleRequirement(Role.Finance)))
            .AddPolicy(Estimates, p => p.AddRequirements(new RoleRequirement(Role.Consultant, Role.Finance)))
            .AddPolicy(Committee, p => p.AddRequirements(new RoleRequirement(Role.Committee)))
            .AddPolicy(Council, p => p.AddRequirements(new RoleRequirement(Role.Council)))
            .AddPolicy(Audit, p => p.AddRequirements(new RoleRequirement(Enum.GetValues<Role>())))
            .AddPolicy(Administrator, p => p.AddRequirements(new AdministratorRequirement()))
            // An endpoint that names no policy needs a role: nothing is open, or anonymously readable, by accident.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new ReadRequirement(anonymous: false)).Build());
        return services;
    }
}

/// <summary>Answers 401 and 403 as RFC 9457 ProblemDetails that say what was missing.</summary>
internal sealed class ProblemAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && context.Items.TryGetValue(FailedKeyThrottle.Throttled, out var wait) && wait is int retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many failed key attempts",
                detail: $"More than {FailedKeyThrottle.PermitsPerMinute} requests with an unknown {ApiKeyAuthentication.Header} came from this address within a minute; try again in {retryAfter} seconds.").ExecuteAsync(context);
            return;
        }

        if (authorizeResult.Challenged || (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated != true))
        {
            var failure = (await context.AuthenticateAsync(ApiKeyAuthentication.SchemeName)).Failure;
            context.Response.Headers.WWWAuthenticate = ApiKeyAuthentication.Header;
            await TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Authentication required",
                detail: failure?.Message ?? $"Send an API key in the {ApiKeyAuthentication.Header} header.").ExecuteAsync(context);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var needed = authorizeResult.AuthorizationFailure?.FailedRequirements.Select(r => r switch
            {
                RoleRequirement role => $"the role {role}",
                AdministratorRequirement => "the administrator role (admin)",
                _ => "a role",
            }).FirstOrDefault() ?? "another role";
            await TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: $"{context.User.Identity?.Name} does not hold {needed}.").ExecuteAsync(context);
            return;
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}

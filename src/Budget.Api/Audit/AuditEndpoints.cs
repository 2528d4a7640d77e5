using System.Text.Json;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;

namespace Budget.Api.Audit;

/// <summary>
/// Contract §5 and §7: <c>{at, user, userId, action, target, before, after}</c>; before and after are the JSON the
/// write recorded; userId is null for the bootstrap key and the system.
/// </summary>
public sealed record AuditEntryDto(long Id, Instant At, string User, long? UserId, string Action, string Target, JsonElement? Before, JsonElement? After)
{
    public static AuditEntryDto From(AuditRecord record) => new(
        record.Id,
        record.Entry.At,
        record.Entry.User,
        record.Entry.UserId,
        record.Entry.Action,
        record.Entry.Target,
        Parse(record.Entry.Before),
        Parse(record.Entry.After));

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>The audit trail (revisionsspor): read-only, in the order the writes were accepted.</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder year, IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        year.MapGet("/audit", YearAudit).WithTags("Audit").RequireAuthorization(Access.Audit);
        app.MapGet("/api/audit", AllAudit).WithTags("Audit").AddEndpointFilter<ValidationFilter>().RequireAuthorization(Access.Administrator);
        return year;
    }

    /// <summary>
    /// A year's audit trail, optionally from/to a date (yyyy-MM-dd, whole days in UTC) or instant, and for a target
    /// (e.g. <c>budget-years/2014/rounds/1</c>, which also matches the round's estimates).
    /// </summary>
    public static async Task<Results<Ok<AuditEntryDto[]>, ValidationProblem, NotFoundProblem>> YearAudit(
        int year, [AsParameters] AuditParameters parameters, IYearStore years, IAuditReader store, CancellationToken cancellationToken)
    {
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        return TypedResults.Ok(await Query(year, parameters, store, cancellationToken));
    }

    /// <summary>The whole trail, including user administration (which belongs to no year).</summary>
    public static async Task<Ok<AuditEntryDto[]>> AllAudit([AsParameters] AuditParameters parameters, IAuditReader store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Query(null, parameters, store, cancellationToken));

    private static async Task<AuditEntryDto[]> Query(int? year, AuditParameters parameters, IAuditReader store, CancellationToken cancellationToken)
    {
        var target = string.IsNullOrWhiteSpace(parameters.Target) ? null : parameters.Target.Trim();
        var records = await store.Audit(year, AuditParameters.Bound(parameters.From, endOfDay: false), AuditParameters.Bound(parameters.To, endOfDay: true), target, cancellationToken);
        return records.Select(AuditEntryDto.From).ToArray();
    }
}

/// <summary>The audit trail's query: <c>from</c>/<c>to</c> as dates (whole days in UTC) or instants, and a target.</summary>
public sealed record AuditParameters(string? From, string? To, string? Target)
{
    public static bool IsBound(string? text) => string.IsNullOrWhiteSpace(text) || LocalDatePattern.Iso.Parse(text).Success || InstantPattern.ExtendedIso.Parse(text).Success;

    /// <summary>A date's first instant (from) or last (to), or the instant given; validated by <see cref="AuditParametersValidator"/>.</summary>
    public static Instant? Bound(string? text, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var date = LocalDatePattern.Iso.Parse(text);
        if (date.Success)
        {
            var start = (endOfDay ? date.Value.PlusDays(1) : date.Value).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            return endOfDay ? start - Duration.Epsilon : start;
        }

        return InstantPattern.ExtendedIso.Parse(text).Value;
    }
}

internal sealed class AuditParametersValidator : AbstractValidator<AuditParameters>
{
    public AuditParametersValidator()
    {
        RuleFor(p => p.From).Must(AuditParameters.IsBound).OverridePropertyName("from")
            .WithMessage((_, v) => $"from must be a date (yyyy-MM-dd) or an instant (yyyy-MM-ddTHH:mm:ssZ), not '{Budget.Domain.Echo.Cut(v)}'");
        RuleFor(p => p.To).Must(AuditParameters.IsBound).OverridePropertyName("to")
            .WithMessage((_, v) => $"to must be a date (yyyy-MM-dd) or an instant (yyyy-MM-ddTHH:mm:ssZ), not '{Budget.Domain.Echo.Cut(v)}'");
        RuleFor(p => p.Target).Must(t => t is not { Length: > 500 }).OverridePropertyName("target").WithMessage("target is longer than 500 characters");
    }
}

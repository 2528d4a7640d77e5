using System.Text.Json;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
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
        app.MapGet("/api/audit", AllAudit).WithTags("Audit").RequireAuthorization(Access.Administrator);
        return year;
    }

    /// <summary>
    /// A year's audit trail, optionally from/to a date (yyyy-MM-dd, whole days in UTC) or instant, and for a target
    /// (e.g. <c>budget-years/2014/rounds/1</c>, which also matches the round's estimates).
    /// </summary>
    public static async Task<Results<Ok<AuditEntryDto[]>, ValidationProblem, NotFound<ProblemDetails>>> YearAudit(
        int year, string? from, string? to, string? target, IYearStore years, IAuditReader store, CancellationToken cancellationToken)
    {
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        return await Query(year, from, to, target, store, cancellationToken);
    }

    /// <summary>The whole trail, including user administration (which belongs to no year).</summary>
    public static Task<Results<Ok<AuditEntryDto[]>, ValidationProblem, NotFound<ProblemDetails>>> AllAudit(
        string? from, string? to, string? target, IAuditReader store, CancellationToken cancellationToken) =>
        Query(null, from, to, target, store, cancellationToken);

    private static async Task<Results<Ok<AuditEntryDto[]>, ValidationProblem, NotFound<ProblemDetails>>> Query(
        int? year, string? from, string? to, string? target, IAuditReader store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var since = Bound(from, endOfDay: false, "from", errors);
        var until = Bound(to, endOfDay: true, "to", errors);
        if (target is { Length: > 500 })
        {
            errors["target"] = ["target is longer than 500 characters"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var records = await store.Audit(year, since, until, string.IsNullOrWhiteSpace(target) ? null : target.Trim(), cancellationToken);
        return TypedResults.Ok(records.Select(AuditEntryDto.From).ToArray());
    }

    private static Instant? Bound(string? text, bool endOfDay, string field, Dictionary<string, string[]> errors)
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

        var instant = InstantPattern.ExtendedIso.Parse(text);
        if (instant.Success)
        {
            return instant.Value;
        }

        errors[field] = [$"{field} must be a date (yyyy-MM-dd) or an instant (yyyy-MM-ddTHH:mm:ssZ), not '{text}'"];
        return null;
    }
}

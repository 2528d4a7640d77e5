using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
using Budget.Application.Estimates;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace Budget.Api.Estimates;

public sealed record PersonsRequest(int AnciennityWeek, string? Activity, [property: JsonRequired] decimal FullYearPersons);

/// <summary>Extension of contract §4 for refusion-bearing benefit accounts: the gross payments and persons by anciennity band.</summary>
public sealed record GrossRequestDto([property: JsonRequired] decimal Amount, PersonsRequest[]? Persons);

/// <summary>Contract §4; give <c>estimate</c> (net), or for a benefit account <c>gross</c>, from which the net is derived.</summary>
/// <remarks><c>timeShift</c> (round 3, contract §9): the part of the variance that moves to next year; same sign as the variance, at most its size.</remarks>
public sealed record EstimateRequest(decimal? Estimate, string? Explanation, decimal[]? OutYears, decimal? RequestedAppropriation, GrossRequestDto? Gross = null, decimal? TimeShift = null);

public sealed record GrossDto(decimal Amount, decimal Refusion, decimal Net, string RuleSet, IReadOnlyList<PersonsRequest> Persons)
{
    public static GrossDto? From(GrossBasis? basis) => basis is null ? null : new(
        basis.Gross.Kroner,
        basis.Refusion.Kroner,
        basis.Net.Kroner,
        basis.RuleSet,
        basis.Persons.Select(p => new PersonsRequest(p.AnciennityWeek, p.Activity?.ToCode(), p.FullYearPersons)).ToArray());
}

public sealed record EstimateDto(int Year, int Round, string Account, decimal Estimate, string Explanation, IReadOnlyList<decimal> OutYears, decimal? RequestedAppropriation, long Version, Instant RecordedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GrossDto? Gross = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? TimeShift = null)
{
    public static EstimateDto From(StoredEstimate stored) => new(
        stored.Year,
        stored.Estimate.Round.Value,
        stored.Estimate.Account.Value,
        stored.Estimate.Estimate.Kroner,
        stored.Estimate.Explanation,
        stored.Estimate.OutYears.ToList().Select(a => a.Kroner).ToArray(),
        stored.Estimate.RequestedAppropriation?.Kroner,
        stored.Version,
        stored.RecordedAt,
        GrossDto.From(stored.Estimate.Basis),
        stored.Estimate.TimeShift?.Kroner);
}

internal sealed class EstimateRequestValidator : AbstractValidator<EstimateRequest>
{
    public EstimateRequestValidator()
    {
        RuleFor(e => e.Estimate).NotNull().When(e => e.Gross is null).WithMessage("'Estimate' is required (or, for a benefit account, 'Gross').");
        RuleFor(e => e.Estimate).Null().When(e => e.Gross is not null).WithMessage("Give 'Estimate' or 'Gross', not both: with 'Gross' the estimate is derived.");
        RuleFor(e => e.Estimate!.Value).IsKroner().OverridePropertyName("Estimate").When(e => e.Estimate is not null);
        RuleFor(e => e.Gross!.Amount).IsKroner().OverridePropertyName("Gross.Amount").When(e => e.Gross is not null);
        RuleFor(e => e.Gross!.Persons).NotEmpty().OverridePropertyName("Gross.Persons").WithMessage("'Gross.Persons' must give the full-year persons of at least one anciennity band.").When(e => e.Gross is not null);
        RuleForEach(e => e.Gross!.Persons).NotNull().WithMessage("An anciennity band cannot be null.").ChildRules(p =>
        {
            p.RuleFor(x => x.AnciennityWeek).InclusiveBetween(1, 10_000);
            p.RuleFor(x => x.FullYearPersons).InclusiveBetween(0m, 1_000_000m).Must(v => decimal.Round(v, 4) == v).WithMessage("'FullYearPersons' has at most 4 decimals.");
            p.RuleFor(x => x.Activity).Must(a => a is null || ActivityCodes.TryParse(a, out _)).WithMessage($"'{{PropertyValue}}' is not an activity; activities are {string.Join(", ", ActivityCodes.All)}.");
        }).OverridePropertyName("Gross.Persons").When(e => e.Gross?.Persons is not null);
        RuleFor(e => e.Explanation).MaximumLength(4000);
        RuleFor(e => e.OutYears).NotNull().WithMessage("'OutYears' is required: 4 amounts (next budget year and three out-years).")
            .Must(y => y is null || y.Length == OutYearConsequences.Count).WithMessage("'OutYears' must hold exactly 4 amounts.");
        RuleForEach(e => e.OutYears).IsKroner();
        RuleFor(e => e.RequestedAppropriation!.Value).IsKroner().OverridePropertyName("RequestedAppropriation").When(e => e.RequestedAppropriation is not null);
        RuleFor(e => e.TimeShift!.Value).IsKroner().OverridePropertyName("TimeShift").When(e => e.TimeShift is not null);
    }
}

public static class EstimateEndpoints
{
    public static RouteGroupBuilder MapEstimateEndpoints(this RouteGroupBuilder year)
    {
        var group = year.MapGroup("/rounds/{round:int}/estimates").WithTags("Estimates");
        group.MapGet("/{account}", GetEstimate).RequireAuthorization(Access.Read);
        group.MapPut("/{account}", PutEstimate).RequireAuthorization(Access.Estimates);
        return year;
    }

    public static async Task<Results<Ok<EstimateDto>, NotFoundProblem, ProblemHttpResult>> GetEstimate(
        int year, int round, string account, HttpResponse response, IEstimateStore store, CancellationToken cancellationToken)
    {
        if (!RoundNumber.TryOf(round, out var roundNumber) || !AccountId.TryParse(account, out var id, out _))
        {
            return Problems.NotFound($"No estimate for account '{account}' in round {round} of {year}.");
        }

        var stored = await store.FindEstimate(year, roundNumber, id, cancellationToken);
        if (stored is null)
        {
            return Problems.NotFound($"No estimate for account '{account}' in round {round} of {year}.");
        }

        response.Headers.ETag = ETagOf(stored.Version);
        return TypedResults.Ok(EstimateDto.From(stored));
    }

    /// <summary>Records the estimate (anslået regnskab) of an account in a round. Changing an existing one needs If-Match.</summary>
    public static async Task<Results<Ok<EstimateDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> PutEstimate(
        int year, int round, string account, EstimateRequest request, HttpRequest httpRequest, HttpResponse response, ClaimsPrincipal user, EstimateRecording recording, CancellationToken cancellationToken)
    {
        if (!RoundNumber.TryOf(round, out var roundNumber))
        {
            return Problems.Invalid("round", $"round must be 1, 2 or 3, not {round}.");
        }

        if (!AccountId.TryParse(account, out var id, out var error))
        {
            return Problems.Invalid("account", error!);
        }

        var estimate = new AccountEstimate(
            roundNumber,
            id,
            Amount.Of(request.Estimate ?? 0m),
            request.Explanation ?? "",
            OutYearConsequences.From(request.OutYears!.Select(Amount.Of).ToArray()),
            request.RequestedAppropriation is { } requested ? Amount.Of(requested) : null)
        {
            TimeShift = request.TimeShift is { } shift ? Amount.Of(shift) : null,
        };
        var gross = request.Gross is { } g
            ? new GrossRequest(Amount.Of(g.Amount), g.Persons!.Select(p => new PersonsInBand(p.AnciennityWeek, p.Activity is null ? null : ActivityCodes.TryParse(p.Activity, out var a) ? a : null, p.FullYearPersons)).ToArray())
            : null;
        var result = await recording.Record(year, estimate, ExpectedFrom(httpRequest.Headers.IfMatch), user.ToActor(), cancellationToken, gross);
        switch (result.Status)
        {
            case EstimateWriteStatus.Saved:
                response.Headers.ETag = ETagOf(result.Saved!.Version);
                return TypedResults.Ok(EstimateDto.From(result.Saved));
            case EstimateWriteStatus.YearNotFound:
                return Problems.NotFound($"Budget year {year} does not exist.");
            case EstimateWriteStatus.AccountNotFound:
                return Problems.NotFound($"Account '{id}' does not exist in {year}.");
            case EstimateWriteStatus.Invalid:
                return Problems.Invalid(result.Field!, result.Message!);
            case EstimateWriteStatus.Forbidden:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Forbidden",
                    detail: $"{user.Identity?.Name} may only record estimates for the committees it is limited to, and account '{id}' belongs to another.");
            case EstimateWriteStatus.RoundLocked:
                return Problems.Conflict($"Round {round} of {year} is {result.State!.Value.ToCode()}: its estimates are locked. Finance can reopen a submitted round.");
            case EstimateWriteStatus.PreconditionRequired:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status428PreconditionRequired,
                    title: "Precondition required",
                    detail: "An estimate is already recorded: send If-Match with its ETag (GET it first) so that no one else's change is overwritten.");
            default:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status412PreconditionFailed,
                    title: "Precondition failed",
                    detail: "The estimate has changed since the ETag sent in If-Match: fetch it again and reapply the change.");
        }
    }

    internal static string ETagOf(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static ExpectedVersion ExpectedFrom(Microsoft.Extensions.Primitives.StringValues ifMatch)
    {
        if (ifMatch.Count == 0)
        {
            return new ExpectedVersion.None();
        }

        if (!EntityTagHeaderValue.TryParseList(ifMatch, out var tags) || tags.Count != 1)
        {
            return new ExpectedVersion.Unrecognised();
        }

        var tag = tags[0];
        if (tag.Equals(EntityTagHeaderValue.Any))
        {
            return new ExpectedVersion.Any();
        }

        // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches, so W/"1" is a stale version (412).
        var value = tag.IsWeak ? null : tag.Tag.Value?.Trim('"');
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? new ExpectedVersion.Exactly(version)
            : new ExpectedVersion.Unrecognised();
    }
}

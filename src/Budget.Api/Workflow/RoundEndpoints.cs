using System.Security.Claims;
using System.Text.Json.Serialization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application.Workflow;
using Budget.Domain.Appropriations;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Budget.Api.Workflow;

public sealed record RecommendRequest(string? Committee);

public sealed record ApproveRequest(LocalDate? DecidedOn, string? Reference);

public sealed record GrantedDto(string Account, decimal Amount, LocalDate DecidedOn, string? Reference, string? DecidedBy);

/// <summary>Contract §5: <c>{round, cutoff, state}</c>, plus who has recommended and, after approval, what was granted.</summary>
/// <remarks><c>shifted</c>: after an approval of round 3, the next year's time-shift movements it stored (contract §9).</remarks>
public sealed record RoundDto(int Round, LocalDate Cutoff, string State, IReadOnlyList<string> RecommendedBy, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GrantedDto>? Granted = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GrantedDto>? Shifted = null)
{
    public static RoundDto From(Round status, IReadOnlyList<AppropriationMovement>? granted = null, IReadOnlyList<AppropriationMovement>? shifted = null) => new(
        status.Number.Value,
        status.Cutoff,
        status.State.ToCode(),
        status.RecommendedBy,
        granted?.Select(Dto).ToArray(),
        shifted?.Select(Dto).ToArray());

    private static GrantedDto Dto(AppropriationMovement m) => new(m.Account.Value, m.Amount.Kroner, m.DecidedOn, m.Reference, m.DecidedBy);
}

internal sealed class RecommendRequestValidator : AbstractValidator<RecommendRequest>
{
    public RecommendRequestValidator() => RuleFor(r => r.Committee).NotEmpty().MaximumLength(200);
}

internal sealed class ApproveRequestValidator : AbstractValidator<ApproveRequest>
{
    public ApproveRequestValidator()
    {
        RuleFor(r => r.DecidedOn).NotNull().WithMessage("'DecidedOn' is required (yyyy-MM-dd): the date of the council's decision.");
        RuleFor(r => r.Reference).MaximumLength(200);
    }
}

/// <summary>The estimate round workflow of contract §5: open → submitted → recommended → approved.</summary>
public static class RoundEndpoints
{
    public static RouteGroupBuilder MapRoundEndpoints(this RouteGroupBuilder year)
    {
        var group = year.MapGroup("/rounds/{round:int}").WithTags("Round workflow");
        group.MapGet("/", GetRound).RequireAuthorization(Access.Reports);
        group.MapPost("/submit", Submit).RequireAuthorization(Access.Estimates);
        group.MapPost("/recommend", Recommend).RequireAuthorization(Access.Committee);
        group.MapPost("/approve", Approve).RequireAuthorization(Access.Council);
        group.MapPost("/reopen", Reopen).RequireAuthorization(Access.Finance);
        return year;
    }

    public static async Task<Results<Ok<RoundDto>, NotFoundProblem, ProblemHttpResult>> GetRound(int year, int round, RoundWorkflow workflow, CancellationToken cancellationToken)
    {
        if (!RoundNumber.TryOf(round, out var number))
        {
            return NoSuchRound(year, round);
        }

        var status = await workflow.Status(year, number, cancellationToken);
        return status is null ? Problems.NotFound($"Budget year {year} does not exist.") : TypedResults.Ok(RoundDto.From(status));
    }

    /// <summary>Submits the round: its estimates lock and the committees can recommend.</summary>
    public static Task<Results<Ok<RoundDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Submit(int year, int round, ClaimsPrincipal user, RoundWorkflow workflow, CancellationToken cancellationToken) =>
        Run(year, round, "submit", number => workflow.Submit(year, number, user.ToActor(), cancellationToken));

    /// <summary>Records one committee's recommendation of a submitted round.</summary>
    public static Task<Results<Ok<RoundDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Recommend(int year, int round, RecommendRequest request, ClaimsPrincipal user, RoundWorkflow workflow, CancellationToken cancellationToken) =>
        Run(year, round, "recommend", number => workflow.Recommend(year, number, request.Committee!, user.ToActor(), cancellationToken));

    /// <summary>The council's approval: every requested appropriation becomes an estimate-appropriation movement, in one transaction.</summary>
    public static Task<Results<Ok<RoundDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Approve(int year, int round, ApproveRequest request, ClaimsPrincipal user, RoundWorkflow workflow, CancellationToken cancellationToken) =>
        Run(year, round, "approve", number => workflow.Approve(year, number, request.DecidedOn!.Value, request.Reference, user.ToActor(), cancellationToken));

    /// <summary>Finance reopens a submitted or recommended round so estimates can be corrected.</summary>
    public static Task<Results<Ok<RoundDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Reopen(int year, int round, ClaimsPrincipal user, RoundWorkflow workflow, CancellationToken cancellationToken) =>
        Run(year, round, "reopen", number => workflow.Reopen(year, number, user.ToActor(), cancellationToken));

    private static readonly Dictionary<string, string> Needs = new(StringComparer.Ordinal)
    {
        ["submit"] = "open",
        ["recommend"] = "submitted",
        ["approve"] = "recommended",
        ["reopen"] = "submitted or recommended",
    };

    private static async Task<Results<Ok<RoundDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Run(int year, int round, string transition, Func<RoundNumber, Task<WorkflowResult>> action)
    {
        if (!RoundNumber.TryOf(round, out var number))
        {
            return NoSuchRound(year, round);
        }

        var result = await action(number);
        switch (result.Status)
        {
            case WorkflowStatus.Done:
                return TypedResults.Ok(RoundDto.From(result.Round!, result.Granted, result.Shifted));
            case WorkflowStatus.YearNotFound:
                return Problems.NotFound($"Budget year {year} does not exist.");
            case WorkflowStatus.Invalid:
                return Problems.Invalid(result.Field!, result.Message!);
            case WorkflowStatus.Forbidden:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: result.Message);
            default:
                var state = result.Round!.State.ToCode();
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Wrong round state",
                    detail: $"Round {round} of {year} is {state}; {transition} needs it {Needs[transition]}.",
                    extensions: new Dictionary<string, object?> { ["state"] = state });
        }
    }

    private static NotFoundProblem NoSuchRound(int year, int round) => Problems.NotFound($"{year} has no round {round}: rounds are 1, 2 and 3.");
}

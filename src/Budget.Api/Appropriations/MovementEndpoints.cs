using System.Security.Claims;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Budget.Api.Appropriations;

public sealed record MovementRequest(string? Account, string? Kind, decimal Amount, LocalDate? DecidedOn, string? Reference, string? DecidedBy);

public sealed record MovementDto(string Account, string Kind, decimal Amount, LocalDate DecidedOn, string? Reference, string? DecidedBy);

public sealed record PostingRequest(string? Account, LocalDate? PostedOn, decimal Amount);

public sealed record PostingsAddedDto(int Postings);

internal sealed class MovementRequestValidator : AbstractValidator<MovementRequest>
{
    public MovementRequestValidator()
    {
        RuleFor(m => m.Account).IsAccountId();
        RuleFor(m => m.Kind).Must(k => MovementKindCodes.TryParse(k, out _))
            .WithMessage($"'Kind' must be one of {string.Join(", ", MovementKindCodes.All)}.");
        RuleFor(m => m.Amount).IsKroner();
        RuleFor(m => m.DecidedOn).NotNull().WithMessage("'DecidedOn' is required (yyyy-MM-dd).");
        RuleFor(m => m.Reference).MaximumLength(200);
        RuleFor(m => m.DecidedBy).MaximumLength(200);
    }
}

internal sealed class PostingRequestsValidator : AbstractValidator<PostingRequest[]>
{
    public const int MaxPostings = 10_000;

    public PostingRequestsValidator()
    {
        RuleFor(p => p).NotEmpty().WithMessage("Send at least one posting.")
            .Must(p => p is null || p.Length <= MaxPostings).WithMessage($"Send at most {MaxPostings} postings in one request (larger sets go through the dataset import).");
        RuleForEach(p => p).ChildRules(posting =>
        {
            posting.RuleFor(p => p.Account).IsAccountId();
            posting.RuleFor(p => p.PostedOn).NotNull().WithMessage("'PostedOn' is required (yyyy-MM-dd).");
            posting.RuleFor(p => p.Amount).IsKroner();
        });
    }
}

public static class MovementEndpoints
{
    public static IEndpointRouteBuilder MapMovementEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/budget-years/{year:int}").WithTags("Appropriations").AddEndpointFilter<ValidationFilter>().RequireAuthorization(Access.Finance);
        group.MapPost("/movements", AddMovement);
        group.MapPost("/postings", AddPostings);
        return app;
    }

    /// <summary>Records an appropriation movement. Movements are never edited: a correction is another movement.</summary>
    public static async Task<Results<Created<MovementDto>, ValidationProblem, ProblemHttpResult>> AddMovement(
        int year, MovementRequest request, ClaimsPrincipal user, IYearStore years, IAppropriationStore store, IClock clock, CancellationToken cancellationToken)
    {
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        var account = AccountId.Parse(request.Account!);
        var found = await years.FindAccount(year, account, cancellationToken);
        if (found is null)
        {
            return Problems.Invalid("account", $"Account '{account}' does not exist in {year}.");
        }

        if (!DecisionWindow.Contains(year, request.DecidedOn!.Value))
        {
            return Problems.Invalid("decidedOn", DecisionWindow.Problem(year, request.DecidedOn!.Value) + ".");
        }

        var actor = user.ToActor();
        if (!actor.MayActFor(found.Committee))
        {
            return Problems.Forbidden($"{actor.Name} may only record movements for the committees it is limited to, and account '{account}' belongs to {found.Committee}.");
        }

        var movement = new AppropriationMovement(account, MovementKindCodes.Parse(request.Kind!), Amount.Of(request.Amount), request.DecidedOn!.Value, request.Reference, request.DecidedBy);
        var dto = new MovementDto(account.Value, movement.Kind.ToCode(), movement.Amount.Kroner, movement.DecidedOn, movement.Reference, movement.DecidedBy);
        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, "movement.add", $"budget-years/{year}/accounts/{account}", null, dto);
        await store.AddMovements(year, [movement], audit, cancellationToken);
        return TypedResults.Created($"/api/budget-years/{year}/accounts/{Uri.EscapeDataString(account.Value)}/history", dto);
    }

    /// <summary>Adds postings (consumption), all or none.</summary>
    public static async Task<Results<Ok<PostingsAddedDto>, ValidationProblem, ProblemHttpResult>> AddPostings(
        int year, PostingRequest[] request, ClaimsPrincipal user, IYearStore years, IAppropriationStore store, IClock clock, CancellationToken cancellationToken)
    {
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        var known = (await years.Accounts(year, cancellationToken)).ToDictionary(a => a.Id);
        var actor = user.ToActor();
        var errors = new Dictionary<string, string[]>();
        var outOfScope = new List<string>();
        for (var i = 0; i < request.Length; i++)
        {
            var account = AccountId.Parse(request[i].Account!);
            if (!known.TryGetValue(account, out var found))
            {
                errors[$"[{i}].Account"] = [$"Account '{account}' does not exist in {year}."];
            }
            else if (!actor.MayActFor(found.Committee))
            {
                outOfScope.Add($"[{i}] {account} ({found.Committee})");
            }

            if (request[i].PostedOn!.Value.Year != year)
            {
                errors[$"[{i}].PostedOn"] = [$"{request[i].PostedOn:yyyy-MM-dd} is not in the budget year {year}."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (outOfScope.Count > 0)
        {
            return Problems.Forbidden($"{actor.Name} may only record postings for the committees it is limited to; outside them: {string.Join(", ", outOfScope.Take(20))}{(outOfScope.Count > 20 ? ", …" : "")}. Nothing was stored.");
        }

        var postings = request.Select(p => new Posting(AccountId.Parse(p.Account!), p.PostedOn!.Value, Amount.Of(p.Amount))).ToArray();
        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, "postings.add", $"budget-years/{year}/postings", null, new
        {
            postings = postings.Length,
            amount = postings.Aggregate(Amount.Zero, (sum, p) => sum + p.Amount).Kroner,
            accounts = postings.Select(p => p.Account.Value).Distinct().Order(StringComparer.Ordinal).ToArray(),
        });
        await store.AddPostings(year, postings, audit, cancellationToken);
        return TypedResults.Ok(new PostingsAddedDto(postings.Length));
    }
}

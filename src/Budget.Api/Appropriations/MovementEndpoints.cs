using System.Text.Json.Serialization;
using System.Security.Claims;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
using Budget.Application.Appropriations;
using Microsoft.AspNetCore.Mvc;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Budget.Api.Appropriations;

public sealed record MovementRequest(string? Account, string? Kind, [property: JsonRequired] decimal Amount, LocalDate? DecidedOn, string? Reference, string? DecidedBy);

public sealed record MovementDto(string Account, string Kind, decimal Amount, LocalDate DecidedOn, string? Reference, string? DecidedBy);

public sealed record PostingRequest(string? Account, LocalDate? PostedOn, [property: JsonRequired] decimal Amount);

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
        RuleForEach(p => p).NotNull().WithMessage("A posting cannot be null.").ChildRules(posting =>
        {
            posting.RuleFor(p => p.Account).IsAccountId();
            posting.RuleFor(p => p.PostedOn).NotNull().WithMessage("'PostedOn' is required (yyyy-MM-dd).");
            posting.RuleFor(p => p.Amount).IsKroner();
        });
    }
}

public static class MovementEndpoints
{
    public static RouteGroupBuilder MapMovementEndpoints(this RouteGroupBuilder year)
    {
        year.MapPost("/movements", AddMovement).WithTags("Appropriations").RequireAuthorization(Access.Finance);
        year.MapPost("/postings", AddPostings).WithTags("Appropriations").RequireAuthorization(Access.Finance);
        return year;
    }

    /// <summary>Records an appropriation movement. Movements are never edited: a correction is another movement.</summary>
    public static async Task<Results<Created<MovementDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> AddMovement(
        int year, MovementRequest request, ClaimsPrincipal user, AppropriationRecording recording, CancellationToken cancellationToken)
    {
        var account = AccountId.Parse(request.Account!);
        var movement = new AppropriationMovement(account, MovementKindCodes.Parse(request.Kind!), Amount.Of(request.Amount), request.DecidedOn!.Value, request.Reference, request.DecidedBy);
        var dto = new MovementDto(account.Value, movement.Kind.ToCode(), movement.Amount.Kroner, movement.DecidedOn, movement.Reference, movement.DecidedBy);
        var result = await recording.AddMovement(year, movement, user.ToActor(), dto, cancellationToken);
        return result.Status switch
        {
            RecordingStatus.Recorded => TypedResults.Created($"/api/budget-years/{year}/accounts/{Uri.EscapeDataString(account.Value)}/history", dto),
            RecordingStatus.YearNotFound => Problems.NotFound($"Budget year {year} does not exist."),
            RecordingStatus.OutOfScope => Problems.Forbidden(result.Message!),
            _ => TypedResults.ValidationProblem(result.Errors!),
        };
    }

    /// <summary>Adds postings (consumption), all or none.</summary>
    public static async Task<Results<Ok<PostingsAddedDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> AddPostings(
        int year, PostingRequest[] request, ClaimsPrincipal user, AppropriationRecording recording, CancellationToken cancellationToken)
    {
        var postings = request.Select(p => new Posting(AccountId.Parse(p.Account!), p.PostedOn!.Value, Amount.Of(p.Amount))).ToArray();
        var result = await recording.AddPostings(year, postings, user.ToActor(), cancellationToken);
        return result.Status switch
        {
            RecordingStatus.Recorded => TypedResults.Ok(new PostingsAddedDto(postings.Length)),
            RecordingStatus.YearNotFound => Problems.NotFound($"Budget year {year} does not exist."),
            RecordingStatus.OutOfScope => Problems.Forbidden(result.Message!),
            _ => TypedResults.ValidationProblem(result.Errors!),
        };
    }
}

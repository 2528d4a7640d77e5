using System.Security.Claims;
using System.Text.Json.Serialization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application.FollowUp;
using Budget.Application.YearEnd;
using Budget.Domain;
using Budget.Domain.Accounts;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Budget.Domain.YearEnd;
using Budget.Reports;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Budget.Api.YearEnd;

public sealed record CloseRequest(LocalDate? ClosedOn);

/// <summary>Contract §9: <c>{year, state, closedOn}</c>.</summary>
public sealed record YearStateDto(int Year, string State, LocalDate? ClosedOn)
{
    public static YearStateDto From(YearEndState state) => new(state.Year, state.StateCode, state.ClosedOn);
}

/// <summary>The carry-over table's query: <c>by</c> (account, activity-area or committee; default account) and <c>format</c>.</summary>
public sealed record CarryOverParameters(string? By, string? Format);

/// <summary>One row of contract §9's carry-over table; amounts in kroner, <c>share</c> a fraction 0–1, <c>cap</c> a percentage.</summary>
public sealed record CarryOverRowDto(
    string? Committee,
    string? ActivityArea,
    string? Account,
    decimal CorrectedBudget,
    decimal Accounts,
    decimal Result,
    string? Policy,
    decimal? Share,
    decimal? Cap,
    decimal Proposed,
    string? Flag,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountName = null)
{
    public static CarryOverRowDto From(CarryOverRow row) => new(
        row.Committee,
        row.ActivityArea,
        row.Account?.Id.Value,
        row.CorrectedBudget.Kroner,
        row.Accounts.Kroner,
        row.Result.Kroner,
        row.Policy,
        row.Share,
        row.CapPercent,
        row.Proposed.Kroner,
        row.Flag?.Code(),
        row.Account?.Name);
}

/// <summary>
/// Contract §9: <c>{year, rows, total}</c>, with what the figures are as of: <c>state</c> (open: a preview as of
/// today; closed: the accounts as of the closing date), <c>asOf</c>, <c>by</c>, <c>unit</c> and, once approved,
/// <c>carryOversApprovedOn</c>.
/// </summary>
public sealed record CarryOversDto(int Year, string State, LocalDate AsOf, LocalDate? CarryOversApprovedOn, string By, string Unit, IReadOnlyList<CarryOverRowDto> Rows, CarryOverRowDto Total);

public sealed record CarryOverOverrideRequest(string? Account, decimal? Amount);

public sealed record ApproveCarryOversRequest(LocalDate? DecidedOn, string? Reference, CarryOverOverrideRequest[]? Overrides);

/// <summary>Contract §9: <c>{movements: n, total}</c>, with the year the movements went into and their date.</summary>
public sealed record CarryOversApprovedDto(int Movements, decimal Total, int Into, LocalDate DecidedOn);

internal sealed class CloseRequestValidator : AbstractValidator<CloseRequest>
{
    public CloseRequestValidator() =>
        RuleFor(r => r.ClosedOn).NotNull().WithMessage("'ClosedOn' is required (yyyy-MM-dd): the date the year's accounts are closed.");
}

internal sealed class CarryOverParametersValidator : AbstractValidator<CarryOverParameters>
{
    public static readonly string[] Groupings = ["account", "activity-area", "committee"];

    public CarryOverParametersValidator()
    {
        RuleFor(p => p.By).Must(b => b is null || Groupings.Contains(b)).OverridePropertyName("by")
            .WithMessage((_, v) => $"by must be one of {string.Join(", ", Groupings)}, not '{Echo.Cut(v)}'");
        RuleFor(p => p.Format).Must(f => f is null || Reports.ReportEndpoints.Formats.Contains(f)).OverridePropertyName("format")
            .WithMessage((_, v) => $"format must be one of {string.Join(", ", Reports.ReportEndpoints.Formats)}, not '{Echo.Cut(v)}'");
    }
}

internal sealed class ApproveCarryOversRequestValidator : AbstractValidator<ApproveCarryOversRequest>
{
    public ApproveCarryOversRequestValidator()
    {
        RuleFor(r => r.DecidedOn).NotNull().WithMessage("'DecidedOn' is required (yyyy-MM-dd): the date of the council's decision.");
        RuleFor(r => r.Reference).MaximumLength(200);
        RuleFor(r => r.Overrides).Must(o => o is null || o.Length <= AmountCeilings.MaxAccountsPerYear)
            .WithMessage($"At most {AmountCeilings.MaxAccountsPerYear} overrides (one per account of the year).");
        RuleForEach(r => r.Overrides).NotNull().WithMessage("An override cannot be null.").ChildRules(o =>
        {
            o.RuleFor(x => x.Account).IsAccountId();
            o.RuleFor(x => x.Amount).NotNull().WithMessage("'Amount' is required: the carry-over the council decides for the account, in kroner (0 carries nothing).");
            o.RuleFor(x => x.Amount!.Value).IsKroner().OverridePropertyName("Amount").When(x => x.Amount is not null);
        });
    }
}

/// <summary>Year-end (contract §9, docs/year-end.md): closing the accounts, the carry-over case and its approval.</summary>
public static class YearEndEndpoints
{
    public static RouteGroupBuilder MapYearEndEndpoints(this RouteGroupBuilder year)
    {
        year.MapPost("/close", Close).WithTags("Year-end").RequireAuthorization(Access.Finance);
        year.MapGet("/carry-overs", GetCarryOvers).WithTags("Year-end").RequireAuthorization(Access.Read);
        year.MapPost("/carry-overs/approve", Approve).WithTags("Year-end").RequireAuthorization(Access.Council);
        return year;
    }

    /// <summary>Closes the year's accounts: afterwards its postings, estimates and round transitions are refused (409).</summary>
    public static async Task<Results<Ok<YearStateDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Close(
        int year, CloseRequest request, ClaimsPrincipal user, YearClosing closing, CancellationToken cancellationToken)
    {
        var result = await closing.Close(year, request.ClosedOn!.Value, user.ToActor(), cancellationToken);
        return result.Status == YearEndStatus.Done ? TypedResults.Ok(YearStateDto.From(result.State!)) : Refused<Ok<YearStateDto>>(year, result);
    }

    /// <summary>Per account (or activity area, committee): result, policy, share, cap and the carry-over proposed into next year.</summary>
    public static async Task<Results<Ok<CarryOversDto>, FileContentHttpResult, ContentHttpResult, ValidationProblem, NotFoundProblem>> GetCarryOvers(
        int year, [AsParameters] CarryOverParameters parameters, CarryOverCase carryOvers, CancellationToken cancellationToken)
    {
        var by = parameters.By ?? "account";
        var grouping = QueryValues.Grouping(by);
        var preview = await carryOvers.Preview(year, grouping, cancellationToken);
        if (preview is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        var report = preview.Report;
        if (parameters.Format is { } format and not "json")
        {
            var document = CarryOverDocument.Of(report, preview.State.IsClosed);
            var name = $"carry-overs-{year}-{by}";
            return format switch
            {
                "csv" => TypedResults.File(CsvRenderer.Render(document), "text/csv; charset=utf-8", name + ".csv"),
                "xlsx" => TypedResults.File(XlsxRenderer.Render(document), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"),
                _ => TypedResults.Content(HtmlRenderer.Render(document), "text/html; charset=utf-8"),
            };
        }

        return TypedResults.Ok(new CarryOversDto(
            year,
            preview.State.StateCode,
            report.AsOf,
            preview.State.CarryOversApprovedOn,
            by,
            "kr",
            report.Rows.Select(CarryOverRowDto.From).ToArray(),
            CarryOverRowDto.From(report.Total)));
    }

    /// <summary>The council approves the carry-over case: one carry_over movement per account with an amount, in next year, once.</summary>
    public static async Task<Results<Ok<CarryOversApprovedDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Approve(
        int year, ApproveCarryOversRequest request, ClaimsPrincipal user, CarryOverCase carryOvers, CancellationToken cancellationToken)
    {
        var overrides = (request.Overrides ?? []).Select(o => new CarryOverOverride(AccountId.Parse(o.Account!), Amount.Of(o.Amount!.Value))).ToArray();
        var result = await carryOvers.Approve(year, request.DecidedOn!.Value, request.Reference, overrides, user.ToActor(), cancellationToken);
        return result.Status == YearEndStatus.Done
            ? TypedResults.Ok(new CarryOversApprovedDto(result.Movements.Count, result.Movements.Sum(m => m.Amount).Kroner, year + 1, request.DecidedOn.Value))
            : Refused<Ok<CarryOversApprovedDto>>(year, result);
    }

    private static Results<T, ValidationProblem, NotFoundProblem, ProblemHttpResult> Refused<T>(int year, YearEndResult result)
        where T : IResult => result.Status switch
        {
            YearEndStatus.YearNotFound => Problems.NotFound($"Budget year {year} does not exist."),
            YearEndStatus.NextYearNotFound => Problems.NotFound(result.Message!),
            YearEndStatus.Forbidden => Problems.Forbidden(result.Message!),
            YearEndStatus.Invalid => TypedResults.ValidationProblem(result.Errors!),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Wrong year state",
                detail: result.Message,
                extensions: new Dictionary<string, object?>
                {
                    ["state"] = result.State?.StateCode,
                    ["closedOn"] = result.State?.ClosedOn?.ToString("yyyy-MM-dd", null),
                    ["carryOversApprovedOn"] = result.State?.CarryOversApprovedOn?.ToString("yyyy-MM-dd", null),
                }),
        };
}

/// <summary>The carry-over policies are rule data: loaded and validated once at start-up, like the refusion rules.</summary>
internal static class CarryOverPolicySetup
{
    /// <summary>From <c>Budget:RulesPath</c> when set (the file must be there), else the copy embedded from data/rules.</summary>
    public static CarryOverPolicies Load(IConfiguration configuration)
    {
        var folder = configuration["Budget:RulesPath"];
        return string.IsNullOrWhiteSpace(folder)
            ? CarryOverPolicyData.LoadEmbedded(typeof(CarryOverPolicySetup).Assembly)
            : CarryOverPolicyData.LoadFolder(folder);
    }
}

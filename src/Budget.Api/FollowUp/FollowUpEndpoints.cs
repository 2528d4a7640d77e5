using System.Text.Json.Serialization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Reports;
using Budget.Application.FollowUp;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;

namespace Budget.Api.FollowUp;

/// <summary>One row of the follow-up report; see the interchange contract, section 3. Amounts in kroner.</summary>
public sealed record FollowUpRowDto(
    string? Committee,
    string? ActivityArea,
    string? Account,
    string? Group,
    decimal OriginalBudget,
    decimal PriorEstimateShifts,
    decimal CarryOvers,
    decimal CouncilDecisions,
    decimal TechnicalReallocations,
    decimal EstimateAppropriations,
    decimal SupplementaryAppropriations,
    decimal CorrectedBudget,
    decimal Consumption,
    decimal? ConsumptionPercent,
    decimal Estimate,
    decimal VarianceToCorrected,
    decimal VarianceToOriginal,
    IReadOnlyList<decimal> OutYears,
    int EstimatesMissing,
    string? AccountName = null,
    string? Block = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? BenefitGross = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? BenefitRefusion = null)
{
    public static FollowUpRowDto From(FollowUpRow row) => From(row.Figures) with
    {
        Committee = row.Committee,
        ActivityArea = row.ActivityArea,
        Account = row.Account?.Id.Value,
        Group = row.Group,
        AccountName = row.Account?.Name,
        Block = row.Block?.ToCode(),
    };

    public static FollowUpRowDto From(FollowUpFigures f) => new(
        null, null, null, null,
        f.OriginalBudget.Kroner,
        f.Appropriations.PriorEstimateShifts.Kroner,
        f.Appropriations.CarryOvers.Kroner,
        f.Appropriations.CouncilDecisions.Kroner,
        f.Appropriations.TechnicalReallocations.Kroner,
        f.Appropriations.EstimateAppropriations.Kroner,
        f.SupplementaryAppropriations.Kroner,
        f.CorrectedBudget.Kroner,
        f.Consumption.Kroner,
        f.ConsumptionPercent,
        f.Estimate.Kroner,
        f.VarianceToCorrected.Kroner,
        f.VarianceToOriginal.Kroner,
        f.OutYears.ToList().Select(a => a.Kroner).ToArray(),
        f.EstimatesMissing,
        BenefitGross: f.Benefit?.Gross.Kroner,
        BenefitRefusion: f.Benefit?.Refusion.Kroner);
}

public sealed record FollowUpDto(int Year, int Round, LocalDate AsOf, string By, string Unit, IReadOnlyList<FollowUpRowDto> Rows, FollowUpRowDto Total);

public sealed record RoundFiguresDto(int Round, LocalDate AsOf, decimal CorrectedBudget, decimal Estimate, decimal VarianceToCorrected, int EstimatesMissing, string? Explanation);

public sealed record RoundChangeDto(int From, int To, decimal CorrectedBudget, decimal Estimate, decimal VarianceToCorrected);

public sealed record RoundComparisonRowDto(
    string? Committee,
    string? ActivityArea,
    string? Account,
    string? Group,
    string? AccountName,
    string? Block,
    IReadOnlyList<RoundFiguresDto?> Rounds,
    IReadOnlyList<RoundChangeDto> Changes)
{
    /// <param name="withExplanations">False for anonymous readers: explanations are the consultants' words (contract §7).</param>
    public static RoundComparisonRowDto From(RoundComparisonRow row, bool withExplanations) => new(
        row.Committee,
        row.ActivityArea,
        row.Account?.Id.Value,
        row.Group,
        row.Account?.Name,
        row.Block?.ToCode(),
        row.Rounds.Select(r => r is null ? null : new RoundFiguresDto(r.Round.Value, r.AsOf, r.CorrectedBudget.Kroner, r.Estimate.Kroner, r.VarianceToCorrected.Kroner, r.EstimatesMissing, withExplanations ? r.Explanation : null)).ToArray(),
        row.Changes.Select(c => new RoundChangeDto(c.From.Value, c.To.Value, c.CorrectedBudget.Kroner, c.Estimate.Kroner, c.VarianceToCorrected.Kroner)).ToArray());
}

public sealed record RoundComparisonDto(int Year, string By, string Unit, IReadOnlyList<int> Reported, IReadOnlyList<RoundComparisonRowDto> Rows, RoundComparisonRowDto Total);

public static class FollowUpEndpoints
{
    public static RouteGroupBuilder MapFollowUpEndpoints(this RouteGroupBuilder year)
    {
        year.MapGet("/follow-up", GetFollowUp).WithName("GetFollowUp").WithTags("Follow-up").RequireAuthorization(Access.Reports);
        year.MapGet("/round-comparison", GetRoundComparison).WithName("GetRoundComparison").WithTags("Follow-up").RequireAuthorization(Access.Reports);
        return year;
    }

    /// <summary>Follow-up report (budgetopfølgning) for a round, grouped, as of the round's cut-off or a given date.</summary>
    public static async Task<Results<Ok<FollowUpDto>, FileContentHttpResult, ContentHttpResult, ValidationProblem, NotFoundProblem>> GetFollowUp(
        int year, [AsParameters] FollowUpParameters parameters, FollowUpQuery query, CancellationToken cancellationToken)
    {
        var grouping = QueryValues.Grouping(parameters.By);
        var report = await query.Report(year, QueryValues.Round(parameters.Round), grouping, QueryValues.Date(parameters.AsOf), cancellationToken);
        if (report is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        if (parameters.Format is { } format and not "json")
        {
            // The same rows as the JSON, through the committee papers' renderers (kroner with øre).
            var document = FollowUpDocument.Of(report);
            var name = $"follow-up-{report.Year}-{report.Round}-{FollowUpGroupings.Code(grouping)}";
            return format switch
            {
                "csv" => TypedResults.File(CsvRenderer.Render(document), "text/csv; charset=utf-8", name + ".csv"),
                "xlsx" => TypedResults.File(XlsxRenderer.Render(document), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"),
                _ => TypedResults.Content(HtmlRenderer.Render(document), "text/html; charset=utf-8"),
            };
        }

        return TypedResults.Ok(new FollowUpDto(
            report.Year,
            report.Round.Value,
            report.AsOf,
            FollowUpGroupings.Code(grouping),
            "kr",
            report.Rows.Select(FollowUpRowDto.From).ToArray(),
            FollowUpRowDto.From(report.Total)));
    }

    /// <summary>Estimate and variance per row in rounds 1–3, each as of its cut-off, and what changed between them.</summary>
    public static async Task<Results<Ok<RoundComparisonDto>, ValidationProblem, NotFoundProblem>> GetRoundComparison(
        int year, [AsParameters] ComparisonParameters parameters, FollowUpQuery query, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var grouping = QueryValues.Grouping(parameters.By);
        var signedIn = user.Identity?.IsAuthenticated == true;
        var report = await query.Comparison(year, grouping, cancellationToken);
        if (report is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        return TypedResults.Ok(new RoundComparisonDto(
            report.Year,
            FollowUpGroupings.Code(grouping),
            "kr",
            report.Reported.Select(r => r.Value).ToArray(),
            report.Rows.Select(r => RoundComparisonRowDto.From(r, signedIn)).ToArray(),
            RoundComparisonRowDto.From(report.Total, signedIn)));
    }
}

using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Reports;
using Budget.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Budget.Api.Reports;

/// <summary>The committee papers (docs/reports.md) as JSON, CSV, XLSX or printable HTML.</summary>
public static class ReportEndpoints
{
    internal static readonly string[] Formats = ["json", "csv", "xlsx", "html"];

    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder year)
    {
        year.MapGet("/reports", ListReports).WithTags("Reports").RequireAuthorization(Access.Reports);
        year.MapGet("/reports/{kind}", GetReport).WithTags("Reports").RequireAuthorization(Access.Reports);
        return year;
    }

    public static Ok<string[]> ListReports(int year) => TypedResults.Ok(CommitteePapers.Kinds.ToArray());

    /// <summary>
    /// A report for a round (and optionally one committee). <c>format</c>: json (default), csv, xlsx, html;
    /// <c>unit=thousands</c> rounds to 1.000 kr. (<c>rounding</c>: half-away-from-zero or half-to-even;
    /// <c>keepTotals=true</c> makes printed rows add up to printed subtotals and totals at every level);
    /// <c>priceLevel=Y</c> converts the out-years report to Y's price level.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ContentHttpResult, Ok<object>, ValidationProblem, NotFoundProblem>> GetReport(
        int year, string kind, [AsParameters] ReportParameters parameters, CommitteePapers papers, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var roundNumber = QueryValues.Round(parameters.Round ?? "1");
        var committee = parameters.Committee;
        var format = parameters.Format ?? "json";
        var rule = parameters.Rounding is "half-to-even" ? RoundingRule.HalfToEven : RoundingRule.HalfAwayFromZero;
        var (document, problem) = await papers.Build(kind, year, roundNumber, string.IsNullOrWhiteSpace(committee) ? null : committee, parameters.By, cancellationToken, Cases.CaseQuery.Year(parameters.PriceLevel));
        if (problem is not null)
        {
            return problem.NotFound ? Problems.NotFound(problem.Message) : Problems.Invalid(problem.Field, problem.Message);
        }

        // Anonymous reading covers the figures, never the consultants' explanations (contract §7).
        if (user.Identity?.IsAuthenticated != true)
        {
            document = document!.WithoutColumns(ReportDocument.ExplanationColumns);
        }

        if (parameters.Unit == "thousands")
        {
            document = document!.InThousands(rule, parameters.KeepTotals == "true");
        }

        var name = $"{kind}-{year}-{roundNumber}{(committee is null ? "" : "-" + Slug(committee))}";
        return format switch
        {
            "csv" => TypedResults.File(CsvRenderer.Render(document!), "text/csv; charset=utf-8", name + ".csv"),
            "xlsx" => TypedResults.File(XlsxRenderer.Render(document!), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"),
            "html" => TypedResults.Content(HtmlRenderer.Render(document!), "text/html; charset=utf-8"),
            _ => TypedResults.Ok(JsonShape.Of(document!)),
        };
    }

    private static string Slug(string text) =>
        new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) && c < 128 ? c : '-').ToArray()).Trim('-');
}

/// <summary>A committee paper's query: round (default 1), committee, by, format, unit, rounding, keepTotals.</summary>
public sealed record ReportParameters(string? Round, string? Committee, string? By, string? Format, string? Unit, string? Rounding, string? KeepTotals, string? PriceLevel = null);

internal sealed class ReportParametersValidator : AbstractValidator<ReportParameters>
{
    public ReportParametersValidator()
    {
        RuleFor(p => p.Round).Must(r => QueryValues.IsRound(r ?? "1")).OverridePropertyName("round").WithMessage((_, v) => $"round must be 1, 2 or 3, not '{Echo.Cut(v)}'");
        RuleFor(p => p.Format).Must(f => f is null || ReportEndpoints.Formats.Contains(f)).OverridePropertyName("format")
            .WithMessage((_, v) => $"format must be one of {string.Join(", ", ReportEndpoints.Formats)}, not '{Echo.Cut(v)}'");
        RuleFor(p => p.Unit).Must(u => u is null or "kr" or "thousands").OverridePropertyName("unit").WithMessage((_, v) => $"unit must be kr or thousands, not '{Echo.Cut(v)}'");
        RuleFor(p => p.Rounding).Must(r => r is null or "half-to-even" or "half-away-from-zero").OverridePropertyName("rounding")
            .WithMessage((_, v) => $"rounding must be half-away-from-zero or half-to-even, not '{Echo.Cut(v)}'");
        RuleFor(p => p.KeepTotals).Must(k => k is null or "true" or "false").OverridePropertyName("keepTotals").WithMessage((_, v) => $"keepTotals must be true or false, not '{Echo.Cut(v)}'");
        RuleFor(p => p.PriceLevel).Must(Cases.CaseQuery.IsYear).OverridePropertyName("priceLevel").WithMessage((_, v) => $"priceLevel must be a year from 2000 to 2100, not '{Echo.Cut(v)}'");
    }
}

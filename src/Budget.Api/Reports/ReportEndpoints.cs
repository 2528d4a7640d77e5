using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Reports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Budget.Api.Reports;

/// <summary>The committee papers (docs/reports.md) as JSON, CSV, XLSX or printable HTML.</summary>
public static class ReportEndpoints
{
    private static readonly string[] Formats = ["json", "csv", "xlsx", "html"];

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
    /// <c>keepTotals=true</c> makes printed rows add up to printed totals).
    /// </summary>
    public static async Task<IResult> GetReport(
        int year, string kind, string? round, string? committee, string? by, string? format, string? unit, string? rounding, string? keepTotals,
        CommitteePapers papers, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var roundNumber = default(RoundNumber);
        if (!int.TryParse(round ?? "1", System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r) || !RoundNumber.TryOf(r, out roundNumber))
        {
            errors["round"] = [$"round must be 1, 2 or 3, not '{round}'"];
        }

        format ??= "json";
        if (!Formats.Contains(format))
        {
            errors["format"] = [$"format must be one of {string.Join(", ", Formats)}, not '{format}'"];
        }

        if (unit is not null and not "kr" and not "thousands")
        {
            errors["unit"] = [$"unit must be kr or thousands, not '{unit}'"];
        }

        var rule = RoundingRule.HalfAwayFromZero;
        if (rounding is "half-to-even")
        {
            rule = RoundingRule.HalfToEven;
        }
        else if (rounding is not null and not "half-away-from-zero")
        {
            errors["rounding"] = [$"rounding must be half-away-from-zero or half-to-even, not '{rounding}'"];
        }

        if (keepTotals is not null and not "true" and not "false")
        {
            errors["keepTotals"] = [$"keepTotals must be true or false, not '{keepTotals}'"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (document, problem) = await papers.Build(kind, year, roundNumber, string.IsNullOrWhiteSpace(committee) ? null : committee, by, cancellationToken);
        if (problem is not null)
        {
            return problem.NotFound ? Problems.NotFound(problem.Message) : Problems.Invalid(problem.Field, problem.Message);
        }

        // Anonymous reading covers the figures, never the consultants' explanations (contract §7).
        if (user.Identity?.IsAuthenticated != true)
        {
            document = document!.WithoutColumns(ReportDocument.ExplanationColumns);
        }

        if (unit == "thousands")
        {
            document = document!.InThousands(rule, keepTotals == "true");
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

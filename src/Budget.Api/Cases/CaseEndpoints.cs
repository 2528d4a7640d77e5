using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Budget.Api.Appropriations;
using Budget.Api.Estimates;
using Budget.Api.Hosting;
using Budget.Api.Reports;
using Budget.Api.Security;
using Budget.Application;
using Budget.Application.Cases;
using Budget.Domain;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using Budget.Reports;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace Budget.Api.Cases;

/// <summary>A case line (contract §10): four yearly <c>amounts</c>, or <c>annual</c> with <c>from</c> and optionally <c>to</c> (its last day).</summary>
public sealed record CaseLineRequest(string? Account, decimal[]? Amounts, decimal? Annual, LocalDate? From, LocalDate? To, string? Classification);

/// <summary>A financing row: an account and its share of the lines; <c>classification</c> is an extension for catalogues.</summary>
public sealed record CaseFinancingRequest(string? Account, [property: JsonRequired] decimal Share, string? Classification);

/// <summary>Contract §10; <c>priceLevel</c> (extension) is the year of the case's price and wage level, default the budget year.</summary>
public sealed record CaseRequest(string? Reference, string? Title, bool? Permanent, bool? CashNeutral, string? Catalogue, int? PriceLevel, CaseLineRequest?[]? Lines, CaseFinancingRequest?[]? Financing);

public sealed record CaseApproveRequest(LocalDate? DecidedOn, string? Reference);

public sealed record CaseRowDto(
    string Account,
    string? Name,
    string? Committee,
    string? ActivityArea,
    string Kind,
    string? Classification,
    IReadOnlyList<decimal> Amounts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Annual,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LocalDate? From,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LocalDate? To,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Share);

public sealed record CaseSubtotalsDto(IReadOnlyList<decimal> Lines, IReadOnlyList<decimal> Financing);

public sealed record CaseApprovalDto(int Version, LocalDate DecidedOn, string? Reference, Instant ApprovedAt, string ApprovedBy);

public sealed record CaseVersionDto(int Version, Instant RecordedAt, string RecordedBy);

/// <summary>
/// A case as contract §10 gives it — <c>years</c>, <c>rows</c> (<c>kind</c> line | financing, <c>amounts</c>) and
/// <c>total</c> — with, compatibly, its own fields, the <c>subtotals</c> of lines and financing, the approval, the
/// versions and, after an approval, the <c>movements</c> it granted.
/// </summary>
public sealed record CaseDto(
    long Id,
    int Year,
    string Reference,
    string Title,
    bool Permanent,
    bool CashNeutral,
    string? Catalogue,
    int PriceLevel,
    int CasePriceLevel,
    int Version,
    int LatestVersion,
    CaseApprovalDto? Approved,
    string Unit,
    bool KeepTotals,
    IReadOnlyList<int> Years,
    IReadOnlyList<CaseRowDto> Rows,
    CaseSubtotalsDto Subtotals,
    IReadOnlyList<decimal> Total,
    IReadOnlyList<CaseVersionDto> Versions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MovementDto>? Movements = null)
{
    public static CaseDto From(StoredCase stored, CaseTable table, bool keepTotals, IReadOnlyList<AppropriationMovement>? movements = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(table);
        var value = stored.Case;
        return new CaseDto(
            stored.Id,
            value.Year,
            value.Reference,
            value.Title,
            value.Permanent,
            value.CashNeutral,
            value.Catalogue,
            table.PriceLevel,
            value.PriceLevel,
            stored.Version,
            stored.LatestVersion,
            stored.Approval is { } a ? new CaseApprovalDto(a.Version, a.DecidedOn, a.Reference, a.ApprovedAt, a.ApprovedBy) : null,
            table.Unit,
            keepTotals,
            value.Years,
            table.Rows.Select(r => new CaseRowDto(r.Source.Account.Value, r.Account?.Name, r.Account?.Committee, r.Account?.ActivityArea, r.Source.Kind.ToCode(), r.Source.Classification?.ToCode(), r.Amounts,
                r.Source.Annual?.Kroner, r.Source.From, r.Source.To, r.Source.Share)).ToArray(),
            new CaseSubtotalsDto(table.Lines, table.Financing),
            table.Total,
            stored.Versions.Select(v => new CaseVersionDto(v.Version, v.RecordedAt, v.RecordedBy)).ToArray(),
            movements?.Select(m => new MovementDto(m.Account.Value, m.Kind.ToCode(), m.Amount.Kroner, m.DecidedOn, m.Reference, m.DecidedBy)).ToArray());
    }
}

public sealed record CaseSummaryDto(long Id, string Reference, string Title, bool Permanent, bool CashNeutral, string? Catalogue, int PriceLevel, int Version, bool Approved, LocalDate? DecidedOn, IReadOnlyList<decimal> Net);

/// <summary>Contract §10's catalogue: per-year totals per class and net; <c>unclassified</c> (extension) holds rows of no known class (never in a catalogue).</summary>
public sealed record CatalogueDto(
    int Year,
    string? Catalogue,
    int? PriceLevel,
    string Unit,
    bool KeepTotals,
    IReadOnlyList<int> Years,
    IReadOnlyList<CaseSummaryDto> Cases,
    IReadOnlyList<decimal> Service,
    IReadOnlyList<decimal> Transfer,
    IReadOnlyList<decimal> Income,
    IReadOnlyList<decimal> OneOff,
    IReadOnlyList<decimal> Unclassified,
    IReadOnlyList<decimal> Net);

/// <summary>The query of a case: unit, rounding, keepTotals (as the reports), priceLevel, version, format.</summary>
public sealed record CaseParameters(string? Unit, string? Rounding, string? KeepTotals, string? PriceLevel, string? Version, string? Format);

/// <summary>The query of the case list: catalogue, and as for one case unit, rounding, keepTotals, priceLevel, format.</summary>
public sealed record CatalogueParameters(string? Catalogue, string? Unit, string? Rounding, string? KeepTotals, string? PriceLevel, string? Format);

internal static class CaseQuery
{
    public static bool IsYear(string? text) => text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100);

    public static int? Year(string? text) => text is null ? null : int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    public static RoundingRule Rule(string? rounding) => rounding is "half-to-even" ? RoundingRule.HalfToEven : RoundingRule.HalfAwayFromZero;

    public static void Common<T>(AbstractValidator<T> validator, Func<T, string?> unit, Func<T, string?> rounding, Func<T, string?> keepTotals, Func<T, string?> priceLevel, Func<T, string?> format)
    {
        validator.RuleFor(p => unit(p)).Must(u => u is null or "kr" or "thousands").OverridePropertyName("unit").WithMessage((_, v) => $"unit must be kr or thousands, not '{Echo.Cut(v)}'");
        validator.RuleFor(p => rounding(p)).Must(r => r is null or "half-to-even" or "half-away-from-zero").OverridePropertyName("rounding")
            .WithMessage((_, v) => $"rounding must be half-away-from-zero or half-to-even, not '{Echo.Cut(v)}'");
        validator.RuleFor(p => keepTotals(p)).Must(k => k is null or "true" or "false").OverridePropertyName("keepTotals").WithMessage((_, v) => $"keepTotals must be true or false, not '{Echo.Cut(v)}'");
        validator.RuleFor(p => priceLevel(p)).Must(IsYear).OverridePropertyName("priceLevel").WithMessage((_, v) => $"priceLevel must be a year from 2000 to 2100, not '{Echo.Cut(v)}'");
        validator.RuleFor(p => format(p)).Must(f => f is null || ReportEndpoints.Formats.Contains(f)).OverridePropertyName("format")
            .WithMessage((_, v) => $"format must be one of {string.Join(", ", ReportEndpoints.Formats)}, not '{Echo.Cut(v)}'");
    }
}

internal sealed class CaseParametersValidator : AbstractValidator<CaseParameters>
{
    public CaseParametersValidator()
    {
        CaseQuery.Common(this, p => p.Unit, p => p.Rounding, p => p.KeepTotals, p => p.PriceLevel, p => p.Format);
        RuleFor(p => p.Version).Must(v => v is null || (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)).OverridePropertyName("version")
            .WithMessage((_, v) => $"version must be a whole number from 1, not '{Echo.Cut(v)}'");
    }
}

internal sealed class CatalogueParametersValidator : AbstractValidator<CatalogueParameters>
{
    public CatalogueParametersValidator()
    {
        CaseQuery.Common(this, p => p.Unit, p => p.Rounding, p => p.KeepTotals, p => p.PriceLevel, p => p.Format);
        RuleFor(p => p.Catalogue).MaximumLength(CaseLimits.MaxCatalogue).OverridePropertyName("catalogue");
    }
}

internal sealed class CaseRequestValidator : AbstractValidator<CaseRequest>
{
    public CaseRequestValidator()
    {
        RuleFor(c => c.Reference).NotEmpty().MaximumLength(CaseLimits.MaxReference);
        RuleFor(c => c.Title).NotEmpty().MaximumLength(CaseLimits.MaxTitle);
        RuleFor(c => c.Permanent).NotNull().WithMessage("'Permanent' is required: true for a permanent (varig) case, false for a temporary one.");
        RuleFor(c => c.CashNeutral).NotNull().WithMessage("'CashNeutral' is required: true when lines and financing must add up to 0 in every year.");
        RuleFor(c => c.Catalogue).MaximumLength(CaseLimits.MaxCatalogue);
        RuleFor(c => c.PriceLevel).InclusiveBetween(2000, 2100);
        RuleFor(c => c.Lines).NotEmpty().WithMessage("'Lines' must hold at least one line.")
            .Must(l => l is null || l.Length <= CaseLimits.MaxLines).WithMessage($"At most {CaseLimits.MaxLines} lines.");
        RuleFor(c => c.Financing).Must(f => f is null || f.Length <= CaseLimits.MaxFinancing).WithMessage($"At most {CaseLimits.MaxFinancing} financing rows.");
        RuleForEach(c => c.Lines).NotNull().ChildRules(line =>
        {
            line.RuleFor(l => l!.Account).IsAccountId().OverridePropertyName("Account");
            line.RuleFor(l => l!.Amounts).Must(a => a is null || a.Length == CaseAmounts.Count).OverridePropertyName("Amounts").WithMessage($"'Amounts' holds exactly {CaseAmounts.Count} amounts: the budget year and the three years after it.");
            line.RuleForEach(l => l!.Amounts).IsKroner().OverridePropertyName("Amounts");
            line.RuleFor(l => l!.Annual!.Value).IsKroner().OverridePropertyName("Annual").When(l => l!.Annual is not null);
            line.RuleFor(l => l!.Classification).Must(c => c is null || CaseCodes.TryParseClass(c, out _)).OverridePropertyName("Classification")
                .WithMessage($"'Classification' must be one of {string.Join(", ", CaseCodes.ClassCodes)}.");
        });
        RuleForEach(c => c.Financing).NotNull().ChildRules(row =>
        {
            row.RuleFor(f => f!.Account).IsAccountId().OverridePropertyName("Account");
            row.RuleFor(f => f!.Share).GreaterThan(0m).LessThanOrEqualTo(1m).OverridePropertyName("Share")
                .Must(s => decimal.Round(s, CaseLimits.MaxShareDecimals) == s).WithMessage($"'Share' has at most {CaseLimits.MaxShareDecimals} decimals.");
            row.RuleFor(f => f!.Classification).Must(c => c is null || CaseCodes.TryParseClass(c, out _)).OverridePropertyName("Classification")
                .WithMessage($"'Classification' must be one of {string.Join(", ", CaseCodes.ClassCodes)}.");
        });
    }
}

internal sealed class CaseApproveRequestValidator : AbstractValidator<CaseApproveRequest>
{
    public CaseApproveRequestValidator()
    {
        RuleFor(r => r.DecidedOn).NotNull().WithMessage("'DecidedOn' is required (yyyy-MM-dd): the date of the council's decision.");
        RuleFor(r => r.Reference).MaximumLength(200);
    }
}

/// <summary>Appropriation cases (contract §10, docs/cases.md): create, read (one, or a catalogue), revise, approve.</summary>
public static class CaseEndpoints
{
    public static RouteGroupBuilder MapCaseEndpoints(this RouteGroupBuilder year)
    {
        var group = year.MapGroup("/cases").WithTags("Cases");
        group.MapPost("/", CreateCase).RequireAuthorization(Access.Finance);
        group.MapGet("/", ListCases).RequireAuthorization(Access.Read);
        group.MapGet("/{id:long}", GetCase).RequireAuthorization(Access.Read);
        group.MapPut("/{id:long}", ReviseCase).RequireAuthorization(Access.Finance);
        group.MapPost("/{id:long}/approve", ApproveCase).RequireAuthorization(Access.Council);
        return year;
    }

    private static CaseInput Input(CaseRequest request) => new(
        request.Reference!,
        request.Title!,
        request.Permanent!.Value,
        request.CashNeutral!.Value,
        string.IsNullOrWhiteSpace(request.Catalogue) ? null : request.Catalogue,
        request.PriceLevel,
        request.Lines!.Select(l => new CaseLineInput(l!.Account!, l.Amounts?.Select(Amount.Of).ToArray(), l.Annual is { } a ? Amount.Of(a) : null, l.From, l.To, l.Classification)).ToArray(),
        (request.Financing ?? []).Select(f => new CaseFinancingInput(f!.Account!, f.Share, f.Classification)).ToArray());

    /// <summary>Records a case (version 1): lines phased, financing split to the øre, cash-neutrality checked.</summary>
    public static async Task<Results<Created<CaseDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> CreateCase(
        int year, CaseRequest request, ClaimsPrincipal user, HttpResponse response, CaseRecording recording, IYearStore years, PriceIndex prices, ServiceClassification classification, CancellationToken cancellationToken)
    {
        var result = await recording.Create(year, Input(request), user.ToActor(), cancellationToken);
        if (result.Status != CaseStatus.Done)
        {
            return Refused<Created<CaseDto>>(year, null, result);
        }

        var stored = result.Case!;
        response.Headers.ETag = EstimateEndpoints.ETagOf(stored.Version);
        var table = CaseTable.Of(stored.Case, await Accounts(years, year, cancellationToken), prices, classification);
        return TypedResults.Created($"/api/budget-years/{year}/cases/{stored.Id.ToString(CultureInfo.InvariantCulture)}", CaseDto.From(stored, table, keepTotals: false));
    }

    /// <summary>
    /// One case: in kroner, or <c>unit=thousands</c> (with <c>keepTotals=true</c> the rounded rows add up to the rounded
    /// subtotals and total); <c>priceLevel=Y</c> converts it; <c>version=n</c> reads an earlier version; <c>format</c> csv, xlsx or html.
    /// </summary>
    public static async Task<Results<Ok<CaseDto>, FileContentHttpResult, ContentHttpResult, ValidationProblem, NotFoundProblem>> GetCase(
        int year, long id, [AsParameters] CaseParameters parameters, HttpResponse response, CaseRecording recording, IYearStore years, PriceIndex prices, ServiceClassification classification, IClock clock, CancellationToken cancellationToken)
    {
        var stored = await recording.Find(year, id, CaseQuery.Year(parameters.Version), cancellationToken);
        if (stored is null)
        {
            return Problems.NotFound(parameters.Version is null ? $"{year} has no case {id}." : $"{year} has no case {id} in version {parameters.Version}.");
        }

        var level = CaseQuery.Year(parameters.PriceLevel);
        if (level is { } target && prices.Problem(stored.Case.PriceLevel, target, stored.Case.Rows.Select(r => CaseTable.IndexKindOf(r, classification))) is { } problem)
        {
            return Problems.Invalid("priceLevel", $"Case {id} cannot be converted from {stored.Case.PriceLevel} P/L to {target} P/L: {problem}.");
        }

        var keepTotals = parameters.KeepTotals == "true";
        var table = CaseTable.Of(stored.Case, await Accounts(years, year, cancellationToken), prices, classification, level);
        var document = CaseDocuments.Case(stored, table, clock.GetCurrentInstant().InUtc().Date);
        if (parameters.Unit == "thousands")
        {
            table = table.InThousands(CaseQuery.Rule(parameters.Rounding), keepTotals);
            document = document.InThousands(CaseQuery.Rule(parameters.Rounding), keepTotals);
        }

        response.Headers.ETag = EstimateEndpoints.ETagOf(stored.LatestVersion);
        return Rendered<CaseDto>(parameters.Format, $"case-{year}-{id}", document) ?? TypedResults.Ok(CaseDto.From(stored, table, keepTotals));
    }

    /// <summary>A new version of a case not yet approved; send If-Match with the ETag of the version revised.</summary>
    public static async Task<Results<Ok<CaseDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> ReviseCase(
        int year, long id, CaseRequest request, HttpRequest httpRequest, HttpResponse response, ClaimsPrincipal user, CaseRecording recording, IYearStore years, PriceIndex prices, ServiceClassification classification, CancellationToken cancellationToken)
    {
        int? expected = null;
        if (httpRequest.Headers.IfMatch.Count > 0)
        {
            if (!EntityTagHeaderValue.TryParseList(httpRequest.Headers.IfMatch, out var tags) || tags.Count != 1 || tags[0].IsWeak // compared strongly (RFC 9110 §13.1.1)
                || !int.TryParse(tags[0].Tag.Value?.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", detail: "If-Match must hold the one ETag of the case's latest version (GET the case first).");
            }

            expected = version;
        }

        var result = await recording.Revise(year, id, Input(request), expected, user.ToActor(), cancellationToken);
        if (result.Status != CaseStatus.Done)
        {
            return Refused<Ok<CaseDto>>(year, id, result);
        }

        response.Headers.ETag = EstimateEndpoints.ETagOf(result.Case!.Version);
        return TypedResults.Ok(CaseDto.From(result.Case, CaseTable.Of(result.Case.Case, await Accounts(years, year, cancellationToken), prices, classification), keepTotals: false));
    }

    /// <summary>The council approves a case: its budget-year amounts become council-decision movements, in one transaction.</summary>
    public static async Task<Results<Ok<CaseDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> ApproveCase(
        int year, long id, CaseApproveRequest request, ClaimsPrincipal user, CaseRecording recording, IYearStore years, PriceIndex prices, ServiceClassification classification, CancellationToken cancellationToken)
    {
        var result = await recording.Approve(year, id, request.DecidedOn!.Value, request.Reference, user.ToActor(), cancellationToken);
        if (result.Status != CaseStatus.Done)
        {
            return Refused<Ok<CaseDto>>(year, id, result);
        }

        return TypedResults.Ok(CaseDto.From(result.Case!, CaseTable.Of(result.Case!.Case, await Accounts(years, year, cancellationToken), prices, classification), keepTotals: false, result.Movements));
    }

    /// <summary>
    /// The year's cases, or those of one savings catalogue (<c>catalogue=NAME</c>): per case its net per year, and per
    /// class (service, transfer, income, one-off) and net. Cases at different price levels need <c>priceLevel</c>.
    /// </summary>
    public static async Task<Results<Ok<CatalogueDto>, FileContentHttpResult, ContentHttpResult, ValidationProblem, NotFoundProblem>> ListCases(
        int year, [AsParameters] CatalogueParameters parameters, CaseRecording recording, PriceIndex prices, ServiceClassification classification, IClock clock, CancellationToken cancellationToken)
    {
        var catalogue = string.IsNullOrWhiteSpace(parameters.Catalogue) ? null : parameters.Catalogue;
        var cases = await recording.List(year, catalogue, cancellationToken);
        if (cases is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        if (catalogue is not null && cases.Count == 0)
        {
            return Problems.NotFound($"{year} has no case in the catalogue '{Echo.Cut(catalogue)}'.");
        }

        var level = CaseQuery.Year(parameters.PriceLevel);
        if (level is { } target && cases.Select(c => prices.Problem(c.Case.PriceLevel, target, c.Case.Rows.Select(r => CaseTable.IndexKindOf(r, classification)))).FirstOrDefault(p => p is not null) is { } problem)
        {
            return Problems.Invalid("priceLevel", $"The cases cannot be converted to {target} P/L: {problem}.");
        }

        var (table, levels) = CatalogueTable.Of(year, cases, prices, classification, recording.ClassOf, level);
        if (table is null)
        {
            return Problems.Invalid("priceLevel", $"The cases are at the price levels {string.Join(", ", levels.Select(l => $"{l} P/L"))}; amounts of different levels are never added: give priceLevel=Y to convert them all to one.");
        }

        var keepTotals = parameters.KeepTotals == "true";
        var document = CaseDocuments.Catalogue(year, catalogue, table, clock.GetCurrentInstant().InUtc().Date);
        if (parameters.Unit == "thousands")
        {
            document = document.InThousands(CaseQuery.Rule(parameters.Rounding), keepTotals);
        }

        if (Rendered<CatalogueDto>(parameters.Format, $"cases-{year}{(catalogue is null ? "" : "-" + catalogue)}", document) is { } file)
        {
            return file;
        }

        // The JSON is read off the document, so it is rounded by the very function the files are.
        decimal[] Amounts(ReportRow row) => row.Cells.Skip(1).Select(c => c.Number ?? 0m).ToArray();
        var proposals = document.Tables[0].Rows;
        var classes = document.Tables[1].Rows;
        var unclassified = table.Totals.Unclassified.IsZero ? new decimal[CaseAmounts.Count] : Amounts(classes[4]);
        return TypedResults.Ok(new CatalogueDto(
            year,
            catalogue,
            table.PriceLevel,
            document.Unit,
            keepTotals,
            table.Years,
            table.Cases.Select((c, i) => new CaseSummaryDto(c.Case.Id, c.Case.Case.Reference, c.Case.Case.Title, c.Case.Case.Permanent, c.Case.Case.CashNeutral, c.Case.Case.Catalogue,
                c.Case.Case.PriceLevel, c.Case.Version, c.Case.Approval is not null, c.Case.Approval?.DecidedOn, Amounts(proposals[i]))).ToArray(),
            Amounts(classes[0]),
            Amounts(classes[1]),
            Amounts(classes[2]),
            Amounts(classes[3]),
            unclassified,
            Amounts(classes[^1])));
    }

    private static async Task<IReadOnlyDictionary<AccountId, Account>> Accounts(IYearStore years, int year, CancellationToken cancellationToken) =>
        (await years.Accounts(year, cancellationToken)).ToDictionary(a => a.Id);

    /// <summary>The document as a file or printable HTML when <paramref name="format"/> asks for one; null for JSON.</summary>
    private static Results<Ok<T>, FileContentHttpResult, ContentHttpResult, ValidationProblem, NotFoundProblem>? Rendered<T>(string? format, string name, ReportDocument document)
    {
        switch (format)
        {
            case "csv":
                return TypedResults.File(CsvRenderer.Render(document), "text/csv; charset=utf-8", name + ".csv");
            case "xlsx":
                return TypedResults.File(XlsxRenderer.Render(document), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
            case "html":
                return TypedResults.Content(HtmlRenderer.Render(document), "text/html; charset=utf-8");
            default:
                return null;
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string? detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    private static Results<T1, ValidationProblem, NotFoundProblem, ProblemHttpResult> Refused<T1>(int year, long? id, CaseResult result)
        where T1 : IResult => result.Status switch
        {
            CaseStatus.YearNotFound => Problems.NotFound($"Budget year {year} does not exist."),
            CaseStatus.NotFound => Problems.NotFound($"{year} has no case {id}."),
            CaseStatus.Invalid => TypedResults.ValidationProblem(result.Errors!),
            CaseStatus.OutOfScope => Problems.Forbidden(result.Message!),
            CaseStatus.Conflict => Problems.Conflict(result.Message!),
            CaseStatus.VersionConflict => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", $"Case {id} is at version {result.Case?.LatestVersion} now, not the version sent in If-Match: read it again and reapply the change."),
            CaseStatus.PreconditionRequired => Problem(StatusCodes.Status428PreconditionRequired, "Precondition required", $"Send If-Match with the ETag of case {id}'s latest version (GET it first) so that no one else's revision is overwritten."),
            _ => Problem(StatusCodes.Status422UnprocessableEntity, "Budget rule violated", result.Message),
        };
}

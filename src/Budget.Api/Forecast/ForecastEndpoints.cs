using System.Globalization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application.FollowUp;
using Budget.Application.Forecast;
using Budget.Domain;
using Budget.Domain.FollowUp;
using Budget.Domain.Forecast;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using NodaTime.Text;

namespace Budget.Api.Forecast;

/// <summary>The forecast methods of a row in kroner; a method that cannot be computed is null (contract §11).</summary>
public sealed record ForecastMethodsDto(decimal? Linear, decimal? Profile, decimal? LastYear);

/// <summary>
/// One row of the forecast (contract §11): the grouping members as in §3, the corrected budget, consumption and the
/// consultant's estimate of the round, the methods, the suggestion, its deviation from the corrected budget and the
/// ±5 % flag. Extensions: the account's name, the estimates missing in the row, last year's consumption by the same
/// day and the growth since, and the earlier years the profile averaged.
/// </summary>
public sealed record ForecastRowDto(
    string? Committee,
    string? ActivityArea,
    string? Account,
    string? Group,
    decimal CorrectedBudget,
    decimal Consumption,
    decimal Estimate,
    ForecastMethodsDto Methods,
    decimal? Suggested,
    decimal? DeviationPercent,
    string? Flag,
    string? AccountName,
    int EstimatesMissing,
    decimal? LastYearToDate,
    decimal? GrowthPercent,
    IReadOnlyList<int> ProfileYears)
{
    public static ForecastRowDto From(ForecastRow row) => new(
        row.Members.Committee,
        row.Members.ActivityArea,
        row.Members.Account?.Id.Value,
        row.Members.Group,
        row.CorrectedBudget.Kroner,
        row.Consumption.Kroner,
        row.Estimate.Kroner,
        new ForecastMethodsDto(row.Linear?.Kroner, row.Profile?.Kroner, row.LastYear?.Forecast?.Kroner),
        row.Suggested?.Kroner,
        row.DeviationPercent,
        row.Flag switch { BudgetDeviation.Over => "over", BudgetDeviation.Under => "under", _ => null },
        row.Members.Account?.Name,
        row.EstimatesMissing,
        row.LastYear?.ToDate.Kroner,
        row.LastYear?.GrowthPercent,
        row.ProfileYears);
}

/// <summary>The forecast as of a date; <c>round</c> is the round whose estimates stand beside it; <c>elapsedDays</c>/<c>daysInYear</c> the linear method's fraction.</summary>
public sealed record ForecastDto(int Year, LocalDate AsOf, string By, int Round, string Unit, int ElapsedDays, int DaysInYear, IReadOnlyList<ForecastRowDto> Rows);

public sealed record MonthDto(int Month, decimal ThisYear, decimal? LastYear, decimal? Difference, decimal ThisYearToDate, decimal? LastYearToDate);

public sealed record MonthRowDto(string? Committee, string? ActivityArea, string? Account, string? Group, string? AccountName, IReadOnlyList<MonthDto> Months);

/// <summary>Consumption by month (contract §11); <c>lastYear</c> is the year compared with, null when the database does not hold it.</summary>
public sealed record MonthComparisonDto(int Year, int? LastYear, string By, string Unit, IReadOnlyList<MonthRowDto> Rows);

public sealed record BacktestMethodDto(string Method, int Forecasts, decimal? Mape, decimal? Within5Percent, decimal? CommonMape, decimal? CommonWithin5Percent);

/// <summary>
/// The backtest (contract §11); extensions: the years found and tested, and the account-years every method could
/// forecast (<c>commonForecasts</c>), over which <c>commonMape</c> and <c>commonWithin5Percent</c> compare the methods
/// on the same cases.
/// </summary>
public sealed record BacktestDto(int From, int To, string AsOf, IReadOnlyList<int> Years, int CommonForecasts, IReadOnlyList<BacktestMethodDto> Methods);

/// <summary>The forecast's query: <c>asOf</c> (a date in the year), <c>by</c>, optional <c>round</c> (default: the round whose estimate stands on the date).</summary>
public sealed record ForecastParameters(string? AsOf, string? By, string? Round);

/// <summary>The month comparison's query: <c>by</c>.</summary>
public sealed record MonthComparisonParameters(string? By);

/// <summary>The backtest's query: <c>from</c>, <c>to</c> (years) and <c>asOf</c> (<c>MM-dd</c>).</summary>
public sealed record BacktestParameters(string? From, string? To, string? AsOf);

/// <summary>Parsing and checking of the forecast queries, one place for the codes both validators and handlers read.</summary>
internal static class ForecastQueryValues
{
    public static readonly FollowUpGrouping[] Groupings = [FollowUpGrouping.Account, FollowUpGrouping.ActivityArea, FollowUpGrouping.Committee];

    public static string GroupingList { get; } = string.Join(", ", Groupings.Select(FollowUpGroupings.Code));

    public static bool TryGrouping(string? code, out FollowUpGrouping grouping) =>
        FollowUpGroupings.TryParse(code, out grouping) && Groupings.Contains(grouping);

    public static FollowUpGrouping Grouping(string? code) => TryGrouping(code, out var grouping) ? grouping : throw new InvalidOperationException($"'{code}' was validated as a grouping.");

    public static IRuleBuilderOptions<T, string?> IsForecastGrouping<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => TryGrouping(v, out _)).OverridePropertyName("by").WithMessage((_, v) => $"by must be one of {GroupingList}, not '{Echo.Cut(v)}'");

    private static readonly AnnualDatePattern MonthDay = AnnualDatePattern.CreateWithInvariantCulture("MM'-'dd");

    public static bool TryMonthDay(string? text, out AnnualDate day)
    {
        var parsed = text is null ? null : MonthDay.Parse(text);
        day = parsed is { Success: true } ? parsed.Value : default;
        return parsed is { Success: true };
    }

    public static string Format(AnnualDate day) => MonthDay.Format(day);

    /// <summary>Budget years a backtest may name.</summary>
    public static bool TryYear(string? text, out int year) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year is >= 1000 and <= 9999;
}

internal sealed class ForecastParametersValidator : AbstractValidator<ForecastParameters>
{
    public ForecastParametersValidator()
    {
        RuleFor(p => p.AsOf).Must(v => v is not null && QueryValues.IsDate(v)).OverridePropertyName("asOf")
            .WithMessage((_, v) => v is null ? "asOf is required: the date (yyyy-MM-dd) in the year to forecast from" : $"asOf must be a date in the form yyyy-MM-dd, not '{Echo.Cut(v)}'");
        RuleFor(p => p.By).IsForecastGrouping();
        RuleFor(p => p.Round).Must(v => v is null || QueryValues.IsRound(v)).OverridePropertyName("round").WithMessage((_, v) => $"round must be 1, 2 or 3, not '{Echo.Cut(v)}'");
    }
}

internal sealed class MonthComparisonParametersValidator : AbstractValidator<MonthComparisonParameters>
{
    public MonthComparisonParametersValidator() => RuleFor(p => p.By).IsForecastGrouping();
}

internal sealed class BacktestParametersValidator : AbstractValidator<BacktestParameters>
{
    public BacktestParametersValidator()
    {
        RuleFor(p => p.From).Must(v => ForecastQueryValues.TryYear(v, out _)).OverridePropertyName("from").WithMessage((_, v) => $"from must be a year (1000–9999), not '{Echo.Cut(v)}'");
        RuleFor(p => p.To).Must(v => ForecastQueryValues.TryYear(v, out _)).OverridePropertyName("to").WithMessage((_, v) => $"to must be a year (1000–9999), not '{Echo.Cut(v)}'");
        RuleFor(p => p.AsOf).Must(v => ForecastQueryValues.TryMonthDay(v, out _)).OverridePropertyName("asOf")
            .WithMessage((_, v) => $"asOf must be a day of the year in the form MM-dd (e.g. 03-31), not '{Echo.Cut(v)}'");
        RuleFor(p => p).Must(p => !ForecastQueryValues.TryYear(p.From, out var from) || !ForecastQueryValues.TryYear(p.To, out var to) || (from <= to && to - from < ForecastQuery.MaxBacktestYears))
            .OverridePropertyName("to").WithMessage($"to must be from or a later year, at most {ForecastQuery.MaxBacktestYears - 1} years after it");
    }
}

/// <summary>
/// The forecast assistant (contract §11): the forecast of a year as of a date, consumption by month beside last year's,
/// and the backtest of the methods. Reports: readable by any role, and anonymously when <c>Auth:AnonymousRead</c> is on.
/// </summary>
public static class ForecastEndpoints
{
    public static IEndpointRouteBuilder MapForecastEndpoints(this IEndpointRouteBuilder app)
    {
        var year = app.MapGroup("/api/budget-years/{year:int}").WithTags("Forecast").AddEndpointFilter<ValidationFilter>().RequireAuthorization(Access.Reports);
        year.MapGet("/forecast", GetForecast).WithName("GetForecast");
        year.MapGet("/consumption-by-month", GetConsumptionByMonth).WithName("GetConsumptionByMonth");
        app.MapGroup("/api/forecast").WithTags("Forecast").AddEndpointFilter<ValidationFilter>().RequireAuthorization(Access.Reports)
            .MapGet("/backtest", GetBacktest).WithName("GetForecastBacktest");
        return app;
    }

    /// <summary>Linear, profile and last-year forecasts per row as of a date, beside the corrected budget and the round's estimate.</summary>
    public static async Task<Results<Ok<ForecastDto>, ValidationProblem, NotFoundProblem>> GetForecast(
        int year, [AsParameters] ForecastParameters parameters, ForecastQuery query, CancellationToken cancellationToken)
    {
        var asOf = QueryValues.Date(parameters.AsOf)!.Value;
        if (asOf.Year != year)
        {
            return Problems.Invalid("asOf", $"asOf must be a date in {year} (1 January to 31 December), not {asOf:yyyy-MM-dd}.");
        }

        var by = ForecastQueryValues.Grouping(parameters.By);
        var report = await query.Forecast(year, asOf, by, parameters.Round is null ? null : QueryValues.Round(parameters.Round), cancellationToken);
        if (report is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        return TypedResults.Ok(new ForecastDto(
            report.Year, report.AsOf, FollowUpGroupings.Code(by), report.Round.Value, "kr", report.ElapsedDays, report.DaysInYear,
            report.Rows.Select(ForecastRowDto.From).ToArray()));
    }

    /// <summary>Twelve months per row: this year, the same month last year, the difference, and both years to date.</summary>
    public static async Task<Results<Ok<MonthComparisonDto>, ValidationProblem, NotFoundProblem>> GetConsumptionByMonth(
        int year, [AsParameters] MonthComparisonParameters parameters, ForecastQuery query, CancellationToken cancellationToken)
    {
        var by = ForecastQueryValues.Grouping(parameters.By);
        var report = await query.ByMonth(year, by, cancellationToken);
        if (report is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        return TypedResults.Ok(new MonthComparisonDto(
            report.Year,
            report.HasLastYear ? report.Year - 1 : null,
            FollowUpGroupings.Code(by),
            "kr",
            report.Rows.Select(r => new MonthRowDto(
                r.Members.Committee,
                r.Members.ActivityArea,
                r.Members.Account?.Id.Value,
                r.Members.Group,
                r.Members.Account?.Name,
                r.Months.Select(m => new MonthDto(m.Month, m.ThisYear.Kroner, m.LastYear?.Kroner, m.Difference?.Kroner, m.ThisYearToDate.Kroner, m.LastYearToDate?.Kroner)).ToArray())).ToArray()));
    }

    /// <summary>Per method, over the account-years from–to in the database: forecasts made, mean absolute percentage error and share within ±5 %.</summary>
    public static async Task<Results<Ok<BacktestDto>, ValidationProblem>> GetBacktest(
        [AsParameters] BacktestParameters parameters, ForecastQuery query, CancellationToken cancellationToken)
    {
        ForecastQueryValues.TryYear(parameters.From, out var from);
        ForecastQueryValues.TryYear(parameters.To, out var to);
        ForecastQueryValues.TryMonthDay(parameters.AsOf, out var asOf);
        var report = await query.Backtest(from, to, asOf, cancellationToken);
        return TypedResults.Ok(new BacktestDto(
            report.From,
            report.To,
            ForecastQueryValues.Format(report.AsOf),
            report.Years,
            report.CommonForecasts,
            report.Methods.Select(m => new BacktestMethodDto(m.Method.ToCode(), m.Forecasts, m.Mape, m.Within5Percent, m.CommonMape, m.CommonWithin5Percent)).ToArray()));
    }
}

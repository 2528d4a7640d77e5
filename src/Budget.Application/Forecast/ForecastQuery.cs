using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Forecast;
using NodaTime;

namespace Budget.Application.Forecast;

/// <summary>
/// The forecast assistant's reads (domain.md §10): a year's forecast as of a date, consumption by month beside last
/// year's, and the backtest of the methods over years whose outcome is known. Earlier years are whatever years the
/// database holds before the one asked about.
/// </summary>
public sealed class ForecastQuery(IYearStore years, IFollowUpReader facts, IConsumptionReader consumption)
{
    /// <summary>The longest span of years one backtest covers.</summary>
    public const int MaxBacktestYears = 50;

    /// <summary>
    /// The forecast of <paramref name="year"/> as of <paramref name="asOf"/> (a date in the year), beside the estimates of
    /// <paramref name="round"/> (default: the round whose estimate stands on the date); null when the year does not exist.
    /// </summary>
    public async Task<ForecastReport?> Forecast(int year, LocalDate asOf, FollowUpGrouping by, RoundNumber? round, CancellationToken cancellationToken)
    {
        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var estimateRound = round ?? ForecastCalculator.CurrentRound(calendar, asOf);
        var current = await facts.AccountFacts(year, estimateRound, asOf, cancellationToken);
        var earlier = new List<PriorYear>();
        foreach (var prior in (await years.Years(cancellationToken)).Where(y => y < year))
        {
            earlier.Add(new PriorYear(prior, await ToDateAndYearEnd(prior, YearEndForecast.SameDayIn(prior, asOf), cancellationToken)));
        }

        return ForecastCalculator.Build(year, asOf, estimateRound, by, current, earlier);
    }

    /// <summary>Consumption by month with the year before beside it; null when the year does not exist.</summary>
    public async Task<MonthComparisonReport?> ByMonth(int year, FollowUpGrouping by, CancellationToken cancellationToken)
    {
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return null;
        }

        var thisYear = await consumption.ConsumptionByMonth(year, cancellationToken);
        var lastYear = await years.FindYear(year - 1, cancellationToken) is null ? null : await consumption.ConsumptionByMonth(year - 1, cancellationToken);
        return MonthComparison.Build(year, by, thisYear, lastYear);
    }

    /// <summary>The methods replayed on the years <paramref name="from"/>–<paramref name="to"/> that the database holds, as of the day <paramref name="asOf"/> of each.</summary>
    public async Task<BacktestReport> Backtest(int from, int to, AnnualDate asOf, CancellationToken cancellationToken)
    {
        var data = new List<BacktestYear>();
        foreach (var year in (await years.Years(cancellationToken)).Where(y => y <= to))
        {
            data.Add(new BacktestYear(year, await ToDateAndYearEnd(year, asOf.InYear(year), cancellationToken)));
        }

        return Domain.Forecast.Backtest.Run(from, to, asOf, data);
    }

    private async Task<IReadOnlyList<AccountYearToDate>> ToDateAndYearEnd(int year, LocalDate day, CancellationToken cancellationToken)
    {
        var read = await consumption.ConsumptionAsOf(year, [day, new LocalDate(year, 12, 31)], cancellationToken);
        return read.Select(a => new AccountYearToDate(a.Account, a.Amounts[0], a.Amounts[1])).ToArray();
    }
}

using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Forecast;

/// <summary>A forecast method, as the contract names it.</summary>
public enum ForecastMethod
{
    Linear,
    Profile,
    LastYear,
}

public static class ForecastMethodCodes
{
    public static string ToCode(this ForecastMethod method) => method switch
    {
        ForecastMethod.Linear => "linear",
        ForecastMethod.Profile => "profile",
        ForecastMethod.LastYear => "lastYear",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };
}

/// <summary>
/// How one method did: the account-years it could forecast, the mean absolute percentage error against the year's
/// actual consumption, and the share of forecasts within ±5 % of it (both in %, one decimal, half away from zero;
/// null without forecasts). <see cref="CommonMape"/> and <see cref="CommonWithin5Percent"/> are the same over the
/// account-years that every method could forecast, so that methods are compared on the same cases.
/// </summary>
public sealed record BacktestMethodResult(ForecastMethod Method, int Forecasts, decimal? Mape, decimal? Within5Percent, decimal? CommonMape, decimal? CommonWithin5Percent);

public sealed record BacktestReport(int From, int To, AnnualDate AsOf, IReadOnlyList<int> Years, int CommonForecasts, IReadOnlyList<BacktestMethodResult> Methods);

/// <summary>An account's consumption in a year by the backtest's day and at the year's end.</summary>
public sealed record BacktestYear(int Year, IReadOnlyList<AccountYearToDate> Accounts);

/// <summary>
/// Replays the forecast methods over years whose outcome is known: for every account of each year from
/// <c>from</c> to <c>to</c> with a non-zero year-end consumption (the actual), each method forecasts the year-end
/// from the consumption by the day (<see cref="YearEndForecast.SameDayIn"/> of the year) using only the years before
/// it, exactly as the forecast endpoint would have on that day; accounts are matched across years by account id.
/// </summary>
public static class Backtest
{
    /// <param name="years">Every year in the database up to <paramref name="to"/> (earlier years inform the profile).</param>
    public static BacktestReport Run(int from, int to, AnnualDate asOf, IReadOnlyList<BacktestYear> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        Preconditions.Require(from <= to, $"The backtest runs from a year to a later one, not {from} to {to}.");
        var byYear = years.ToDictionary(y => y.Year, y => y.Accounts.ToDictionary(a => a.Account.Id.Value, StringComparer.Ordinal));
        var tested = byYear.Keys.Where(y => y >= from && y <= to).Order().ToArray();
        var errors = Enum.GetValues<ForecastMethod>().ToDictionary(m => m, _ => new List<decimal>());
        var common = Enum.GetValues<ForecastMethod>().ToDictionary(m => m, _ => new List<decimal>());

        foreach (var year in tested)
        {
            var date = asOf.InYear(year);
            foreach (var (id, account) in byYear[year])
            {
                if (account.YearEnd.IsZero)
                {
                    continue;
                }

                var prior = byYear.Where(y => y.Key < year && y.Value.ContainsKey(id))
                    .Select(y => new PriorYearConsumption(y.Key, y.Value[id].ToDate, y.Value[id].YearEnd))
                    .ToArray();
                var forecasts = new Dictionary<ForecastMethod, Amount?>
                {
                    [ForecastMethod.Linear] = YearEndForecast.Linear(account.ToDate, date),
                    [ForecastMethod.Profile] = YearEndForecast.Profile(account.ToDate, prior),
                    [ForecastMethod.LastYear] = YearEndForecast.LastYear(account.ToDate, prior.Where(p => p.Year == year - 1).Cast<PriorYearConsumption?>().SingleOrDefault())?.Forecast,
                };
                var everyMethod = forecasts.Values.All(f => f is not null);
                foreach (var (method, forecast) in forecasts)
                {
                    if (forecast is { } f)
                    {
                        var error = AbsolutePercentageError(f, account.YearEnd);
                        errors[method].Add(error);
                        if (everyMethod)
                        {
                            common[method].Add(error);
                        }
                    }
                }
            }
        }

        var results = Enum.GetValues<ForecastMethod>().Select(m => new BacktestMethodResult(
            m, errors[m].Count, Mean(errors[m]), Within(errors[m]), Mean(common[m]), Within(common[m]))).ToArray();
        return new BacktestReport(from, to, asOf, tested, common[ForecastMethod.Linear].Count, results);
    }

    /// <summary>|forecast − actual| ÷ |actual| × 100, unrounded.</summary>
    public static decimal AbsolutePercentageError(Amount forecast, Amount actual)
    {
        Preconditions.Require(!actual.IsZero, "A percentage error needs a non-zero actual.");
        return Math.Abs((decimal)forecast.Ore - actual.Ore) * 100m / Math.Abs((decimal)actual.Ore);
    }

    private static decimal? Mean(List<decimal> errors) =>
        errors.Count == 0 ? null : decimal.Round(errors.Sum() / errors.Count, 1, MidpointRounding.AwayFromZero);

    private static decimal? Within(List<decimal> errors) =>
        errors.Count == 0 ? null : decimal.Round(errors.Count(e => e <= YearEndForecast.FlagPercent) * 100m / errors.Count, 1, MidpointRounding.AwayFromZero);
}

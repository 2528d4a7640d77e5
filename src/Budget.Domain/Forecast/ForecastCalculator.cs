using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Forecast;

/// <summary>An account's consumption in an earlier year by the same day as the forecast's date, and at that year's end.</summary>
public sealed record AccountYearToDate(Account Account, Amount ToDate, Amount YearEnd);

/// <summary>An earlier year's consumption per account, by the same day and at the year's end.</summary>
public sealed record PriorYear(int Year, IReadOnlyList<AccountYearToDate> Accounts);

/// <summary>
/// One row of a forecast: the follow-up's corrected budget, consumption and the consultant's estimate of the round
/// (the corrected budget where none is recorded, counted in <see cref="EstimatesMissing"/>), the three methods, and
/// the suggestion (the profile) measured against the corrected budget. The forecasts stand beside the estimate; they
/// never replace it.
/// </summary>
public sealed record ForecastRow(
    RowMembers Members,
    Amount CorrectedBudget,
    Amount Consumption,
    Amount Estimate,
    int EstimatesMissing,
    Amount? Linear,
    Amount? Profile,
    IReadOnlyList<int> ProfileYears,
    LastYearComparison? LastYear)
{
    /// <summary>The suggested year-end: the profile when there is one (domain.md §10: last year's profile), else none.</summary>
    public Amount? Suggested => Profile;

    public decimal? DeviationPercent => YearEndForecast.DeviationPercent(Suggested, CorrectedBudget);

    public BudgetDeviation? Flag => YearEndForecast.Flag(DeviationPercent);
}

/// <summary>A forecast of a year as of a date (prognose), rows by account, activity area or committee.</summary>
public sealed record ForecastReport(int Year, LocalDate AsOf, RoundNumber Round, FollowUpGrouping By, IReadOnlyList<ForecastRow> Rows)
{
    public int ElapsedDays => YearEndForecast.ElapsedDays(AsOf);

    public int DaysInYear => YearEndForecast.DaysInYear(Year);
}

/// <summary>
/// Builds a forecast from this year's per-account facts and earlier years' consumption. Each row's methods work on the
/// row's own sums (an activity area's consumption, and the area's consumption in earlier years, matched by committee
/// and area name; by account, matched by account id), so a row is forecast as the papers forecast it.
/// </summary>
public static class ForecastCalculator
{
    /// <param name="facts">This year's facts as of <paramref name="asOf"/> for <paramref name="round"/>.</param>
    /// <param name="priorYears">Earlier years (any order): each account's consumption by the same day (<see cref="YearEndForecast.SameDayIn"/>) and at year end.</param>
    public static ForecastReport Build(int year, LocalDate asOf, RoundNumber round, FollowUpGrouping by, IReadOnlyList<AccountFacts> facts, IReadOnlyList<PriorYear> priorYears)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(priorYears);
        Preconditions.Require(asOf.Year == year, $"A forecast of {year} is made as of a date in {year}, not {asOf:yyyy-MM-dd}.");
        Preconditions.Require(priorYears.All(p => p.Year < year), "Only earlier years inform a forecast.");

        // Per earlier year, the row sums (same day, year end) by row key.
        var earlier = priorYears
            .OrderBy(p => p.Year)
            .Select(p => (p.Year, Sums: p.Accounts
                .GroupBy(a => RowKey.Of(a.Account, by))
                .ToDictionary(g => g.Key, g => (ToDate: g.Sum(a => a.ToDate), YearEnd: g.Sum(a => a.YearEnd)))))
            .ToArray();

        var rows = RowKey.Rows(facts, f => f.Account, by).Select(row =>
        {
            var figures = row.Members.Aggregate(FollowUpFigures.Empty, (sum, f) => sum + f.Figures());
            var history = earlier
                .Where(e => e.Sums.ContainsKey(row.Key))
                .Select(e => new PriorYearConsumption(e.Year, e.Sums[row.Key].ToDate, e.Sums[row.Key].YearEnd))
                .ToArray();
            var usable = history.Where(h => !h.YearEnd.IsZero).ToArray();
            var profile = YearEndForecast.Profile(figures.Consumption, usable);
            var lastYear = history.Where(h => h.Year == year - 1).Cast<PriorYearConsumption?>().SingleOrDefault();
            return new ForecastRow(
                RowKey.Members(row.First, by),
                figures.CorrectedBudget,
                figures.Consumption,
                figures.Estimate,
                figures.EstimatesMissing,
                YearEndForecast.Linear(figures.Consumption, asOf),
                profile,
                profile is null ? [] : usable.Select(h => h.Year).ToArray(),
                YearEndForecast.LastYear(figures.Consumption, lastYear));
        }).ToArray();

        return new ForecastReport(year, asOf, round, by, rows);
    }

    /// <summary>
    /// The round whose estimate stands on a date: the latest round whose cut-off is on or before it, or round 1 before
    /// round 1's cut-off (its estimates are the first of the year).
    /// </summary>
    public static RoundNumber CurrentRound(RoundCalendar calendar, LocalDate asOf)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return RoundNumber.All.LastOrDefault(r => calendar.CutoffOf(r) <= asOf, RoundNumber.All[0]);
    }
}

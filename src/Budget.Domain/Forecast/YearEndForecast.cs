using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Forecast;

/// <summary>
/// One earlier year's consumption (forbrug) of a row: by the same day of the year as the forecast's date, and at the
/// year's end.
/// </summary>
public readonly record struct PriorYearConsumption(int Year, Amount ToDate, Amount YearEnd);

/// <summary>
/// The same period last year (samme periode sidste år) beside this year's consumption to date: last year's
/// consumption by the same day, the growth since (% of last year's, one decimal) and the year-end it leads to.
/// </summary>
public sealed record LastYearComparison(Amount ToDate, decimal? GrowthPercent, Amount? Forecast);

/// <summary>Where a forecast lies against the corrected budget: more than 5 % over or under it (domain.md §10).</summary>
public enum BudgetDeviation
{
    /// <summary>More than 5 % over: an institution makes an action plan (handleplan).</summary>
    Over,

    /// <summary>More than 5 % under: a conversation.</summary>
    Under,
}

/// <summary>
/// The year-end forecasts (prognose for årets forbrug) a consultant holds beside the estimate, computed from
/// consumption to date. Every forecast is computed exactly in decimal and rounded once to whole øre, half away from
/// zero (<see cref="Amount.RoundToOre"/>); a forecast that cannot be computed — no earlier year, nothing consumed by
/// this day in the earlier years, or a result beyond what an amount can hold — is null rather than a guess.
/// </summary>
public static class YearEndForecast
{
    /// <summary>The band around the corrected budget inside which a forecast is not flagged (± 5 %).</summary>
    public const decimal FlagPercent = 5m;

    // The largest forecast an amount holds (long øre); beyond it the method is "cannot be computed".
    private const decimal MaxKroner = long.MaxValue / 100m;

    /// <summary>The days from 1 January through <paramref name="asOf"/>, inclusive: 31 March 2014 → 90.</summary>
    public static int ElapsedDays(LocalDate asOf) => asOf.DayOfYear;

    /// <summary>365, or 366 in a leap year.</summary>
    public static int DaysInYear(int year) => CalendarSystem.Iso.GetDaysInYear(year);

    /// <summary>
    /// The same day of another year: the same month and day, except that 29 February becomes 28 February in a year
    /// without it (the day on which the earlier year had reached the same point of February).
    /// </summary>
    public static LocalDate SameDayIn(int year, LocalDate date) =>
        date.Month == 2 && date.Day == 29 && !CalendarSystem.Iso.IsLeapYear(year) ? new LocalDate(year, 2, 28) : new LocalDate(year, date.Month, date.Day);

    /// <summary>
    /// Straight line (lineær fremskrivning): consumption ÷ the elapsed fraction of the year, the days 1 January through
    /// <paramref name="asOf"/> inclusive ÷ the days in the year (31 March 2014: × 365/90; 31 March 2016: × 366/91).
    /// </summary>
    public static Amount? Linear(Amount consumption, LocalDate asOf) =>
        Kroner(consumption.Kroner, DaysInYear(asOf.Year), ElapsedDays(asOf));

    /// <summary>
    /// Last years' profile (forbrugsprofil): consumption ÷ the share of the year's consumption that earlier years had
    /// reached by the same day, the shares averaged (arithmetic mean) over the earlier years that had any consumption
    /// over the whole year. Null without such a year, or when their average share is not above 0 (nothing consumed by
    /// this day in the earlier years: no share to scale by).
    /// </summary>
    public static Amount? Profile(Amount consumption, IEnumerable<PriorYearConsumption> priorYears)
    {
        ArgumentNullException.ThrowIfNull(priorYears);
        var shares = priorYears.Where(p => !p.YearEnd.IsZero).Select(p => (decimal)p.ToDate.Ore / p.YearEnd.Ore).ToArray();
        if (shares.Length == 0)
        {
            return null;
        }

        // consumption ÷ (Σ shares / n) = consumption × n ÷ Σ shares: one division, then one rounding.
        var sum = shares.Sum();
        return sum <= 0m ? null : Kroner(consumption.Kroner, shares.Length, sum);
    }

    /// <summary>
    /// The same period last year: growth % = (consumption − last year's by the same day) ÷ |last year's| × 100 (one
    /// decimal, half away from zero), and the forecast = last year's year-end × consumption ÷ last year's by the same
    /// day (last year's year-end grown as much as the year so far). Null without last year; growth and forecast null
    /// when last year had consumed nothing by the same day.
    /// </summary>
    public static LastYearComparison? LastYear(Amount consumption, PriorYearConsumption? lastYear)
    {
        if (lastYear is not { } last)
        {
            return null;
        }

        if (last.ToDate.IsZero)
        {
            return new LastYearComparison(last.ToDate, null, null);
        }

        var growth = decimal.Round(((decimal)consumption.Ore - last.ToDate.Ore) * 100m / Math.Abs((decimal)last.ToDate.Ore), 1, MidpointRounding.AwayFromZero);
        return new LastYearComparison(last.ToDate, growth, Kroner(last.YearEnd.Kroner, consumption.Ore, last.ToDate.Ore));
    }

    /// <summary>
    /// A forecast against the corrected budget: (forecast − corrected budget) ÷ |corrected budget| × 100, one decimal,
    /// half away from zero. Dividing by the size of the budget keeps the sign convention for income rows too:
    /// + is extra cost or lower income. Null without a forecast or when the corrected budget is 0.
    /// </summary>
    public static decimal? DeviationPercent(Amount? forecast, Amount correctedBudget) =>
        forecast is not { } f || correctedBudget.IsZero
            ? null
            : decimal.Round(((decimal)f.Ore - correctedBudget.Ore) * 100m / Math.Abs((decimal)correctedBudget.Ore), 1, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Over above +5 %, under below −5 %, else none — judged on the deviation as shown (one decimal), so a flag never
    /// contradicts the figure beside it.
    /// </summary>
    public static BudgetDeviation? Flag(decimal? deviationPercent) => deviationPercent switch
    {
        > FlagPercent => BudgetDeviation.Over,
        < -FlagPercent => BudgetDeviation.Under,
        _ => null,
    };

    /// <summary>
    /// a × b ÷ c kroner, rounded once to øre; exact in decimal (28 significant digits) for every figure a municipality
    /// has. Null when c is 0 or the result is beyond an amount's range (or beyond a decimal's on the way).
    /// </summary>
    private static Amount? Kroner(decimal a, decimal b, decimal c)
    {
        if (c == 0m)
        {
            return null;
        }

        try
        {
            var quotient = a * b / c;
            return Math.Abs(quotient) > MaxKroner ? null : Amount.RoundToOre(quotient);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}

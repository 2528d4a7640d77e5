using NodaTime;

namespace Budget.Data;

/// <summary>
/// How consumption as of a date is read from the two posting aggregates: whole months from posting_month (cumulative
/// from 1 January through the end of <see cref="ThroughMonth"/>), plus the days of the current month up to the date
/// from posting_day when the date is not a month's last day. Postings always lie inside their budget year (the
/// import refuses others), so a date after 31 December reads the whole year and one before 1 January reads nothing.
/// </summary>
internal readonly record struct ConsumptionWindow(int ThroughMonth, LocalDate? DaysFrom, LocalDate DaysTo)
{
    public static ConsumptionWindow For(int year, LocalDate asOf)
    {
        if (asOf.Year < year)
        {
            return new ConsumptionWindow(0, null, asOf);
        }

        if (asOf.Year > year)
        {
            return new ConsumptionWindow(12, null, asOf);
        }

        var monthEnd = asOf.PlusDays(1).Month != asOf.Month;
        return monthEnd
            ? new ConsumptionWindow(asOf.Month, null, asOf)
            : new ConsumptionWindow(asOf.Month - 1, new LocalDate(asOf.Year, asOf.Month, 1), asOf);
    }
}

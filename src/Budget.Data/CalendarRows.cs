using Budget.Domain.Appropriations;

namespace Budget.Data;

/// <summary>A year's round calendar from the rows of <c>budget_year LEFT JOIN estimate_round</c>, on either provider.</summary>
internal static class CalendarRows
{
    /// <returns>Null when there are no rows: the year does not exist.</returns>
    public static RoundCalendar? ToCalendar(int year, IReadOnlyCollection<(long Year, long? Round, string? Cutoff)> rows)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var calendar = RoundCalendar.Default(year);
        foreach (var row in rows.Where(r => r.Round is not null))
        {
            calendar = calendar.WithCutoff(RoundNumber.Of((int)row.Round!.Value), Text.ToLocalDate(row.Cutoff!));
        }

        return calendar;
    }
}

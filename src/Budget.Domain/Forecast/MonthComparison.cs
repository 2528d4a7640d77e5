using Budget.Domain.FollowUp;
using Budget.Domain.Money;

namespace Budget.Domain.Forecast;

/// <summary>
/// One month of a row: this year's consumption in the month and last year's in the same month (null when last year
/// is not in the database or holds none of the row's accounts), their difference (this year − last year), and both
/// years' consumption from 1 January through the month's end.
/// </summary>
public sealed record MonthFigures(int Month, Amount ThisYear, Amount? LastYear, Amount ThisYearToDate, Amount? LastYearToDate)
{
    /// <summary>This year − last year: + is more consumed this year.</summary>
    public Amount? Difference => LastYear is { } last ? ThisYear - last : null;
}

public sealed record MonthComparisonRow(RowMembers Members, IReadOnlyList<MonthFigures> Months);

/// <summary>Consumption by month (forbrug pr. måned) with the same month last year beside it (domain.md §10).</summary>
public sealed record MonthComparisonReport(int Year, FollowUpGrouping By, bool HasLastYear, IReadOnlyList<MonthComparisonRow> Rows);

public static class MonthComparison
{
    public const int Months = 12;

    /// <param name="thisYear">Each account of the year with its 12 month totals, January first.</param>
    /// <param name="lastYear">The same for the year before; null when that year is not in the database.</param>
    public static MonthComparisonReport Build(int year, FollowUpGrouping by, IReadOnlyList<AccountConsumption> thisYear, IReadOnlyList<AccountConsumption>? lastYear)
    {
        ArgumentNullException.ThrowIfNull(thisYear);
        Preconditions.Require(thisYear.Concat(lastYear ?? []).All(a => a.Amounts.Count == Months), "Month totals come as twelve amounts, January first.");
        var earlier = lastYear?
            .GroupBy(a => RowKey.Of(a.Account, by))
            .ToDictionary(g => g.Key, g => SumByMonth(g));

        var rows = RowKey.Rows(thisYear, a => a.Account, by).Select(row =>
        {
            var months = SumByMonth(row.Members);
            var last = earlier is not null && earlier.TryGetValue(row.Key, out var found) ? found : null;
            var figures = new MonthFigures[Months];
            var toDate = Amount.Zero;
            Amount? lastToDate = last is null ? null : Amount.Zero;
            for (var m = 0; m < Months; m++)
            {
                toDate += months[m];
                lastToDate += last?[m];
                figures[m] = new MonthFigures(m + 1, months[m], last?[m], toDate, lastToDate);
            }

            return new MonthComparisonRow(RowKey.Members(row.First, by), figures);
        }).ToArray();

        return new MonthComparisonReport(year, by, lastYear is not null, rows);
    }

    private static Amount[] SumByMonth(IEnumerable<AccountConsumption> accounts)
    {
        var sums = new Amount[Months];
        foreach (var account in accounts)
        {
            for (var m = 0; m < Months; m++)
            {
                sums[m] += account.Amounts[m];
            }
        }

        return sums;
    }
}

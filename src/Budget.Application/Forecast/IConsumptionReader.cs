using Budget.Domain.Forecast;
using NodaTime;

namespace Budget.Application.Forecast;

/// <summary>
/// Consumption (forbrug) as stored — per account and day, and cumulative per month (decisions 0001 and 0007) — read
/// at several points of a year in one snapshot: what forecasts, backtests and month comparisons need. Every account
/// of the year is in the answer, in the year's account order, with 0 where nothing is posted; a year that does not
/// exist gives an empty list.
/// </summary>
public interface IConsumptionReader
{
    /// <summary>Each account's consumption as of each of <paramref name="dates"/> (postings on or before the date), in the order given.</summary>
    Task<IReadOnlyList<AccountConsumption>> ConsumptionAsOf(int year, IReadOnlyList<LocalDate> dates, CancellationToken cancellationToken);

    /// <summary>Each account's consumption in each month, January to December (twelve amounts).</summary>
    Task<IReadOnlyList<AccountConsumption>> ConsumptionByMonth(int year, CancellationToken cancellationToken);
}

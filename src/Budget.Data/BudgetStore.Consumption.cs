using System.Data.Common;
using Budget.Application.Forecast;
using Budget.Domain.Forecast;
using Budget.Domain.Money;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>The consumption reader: consumption at several dates of a year, and per month, from the two posting aggregates.</summary>
public sealed partial class BudgetStore : IConsumptionReader
{
    public async Task<IReadOnlyList<AccountConsumption>> ConsumptionAsOf(int year, IReadOnlyList<LocalDate> dates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dates);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var accounts = await Accounts(connection, transaction, year, null, cancellationToken);
        var byDate = new List<Dictionary<string, Amount>>(dates.Count);
        foreach (var date in dates)
        {
            byDate.Add(await ConsumptionAsOf(connection, transaction, year, date, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return accounts.Select(a => new AccountConsumption(a, byDate.Select(d => d.GetValueOrDefault(a.Id.Value)).ToArray())).ToArray();
    }

    /// <summary>
    /// Month totals from the cumulative month rows: a month's consumption is its cumulative total less the previous
    /// month's. The rows run from an account's first posting month through December (decision 0007), so a month before
    /// the first row has 0 and a later month always has its row.
    /// </summary>
    public async Task<IReadOnlyList<AccountConsumption>> ConsumptionByMonth(int year, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT account_id, month, cumulative_ore
            FROM posting_month
            WHERE year = @Year
            """;
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var accounts = await Accounts(connection, transaction, year, null, cancellationToken);
        var cumulative = new Dictionary<string, long?[]>(accounts.Count, StringComparer.Ordinal);
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new { Year = year }, transaction, cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                if (!cumulative.TryGetValue(id, out var months))
                {
                    cumulative[id] = months = new long?[MonthComparison.Months];
                }

                months[reader.GetInt32(1) - 1] = reader.GetInt64(2);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return accounts.Select(a =>
        {
            var rows = cumulative.GetValueOrDefault(a.Id.Value) ?? new long?[MonthComparison.Months];
            var months = new Amount[MonthComparison.Months];
            var before = 0L;
            for (var m = 0; m < months.Length; m++)
            {
                // A month without its row has the cumulative total of the month before (0 before the first row).
                var through = rows[m] ?? before;
                months[m] = Amount.FromOre(checked(through - before));
                before = through;
            }

            return new AccountConsumption(a, months);
        }).ToArray();
    }

    /// <summary>
    /// Consumption per account as of a date, read as <see cref="ConsumptionWindow"/> says: the cumulative row of the
    /// last whole month, plus the current month's days up to the date. Accounts with nothing posted are absent. The
    /// same two statements as the follow-up's hot path (<c>BudgetStore.FollowUp</c>), which reads them inline.
    /// </summary>
    private async Task<Dictionary<string, Amount>> ConsumptionAsOf(DbConnection connection, DbTransaction transaction, int year, LocalDate asOf, CancellationToken cancellationToken)
    {
        const string wholeMonthsSql = """
            SELECT account_id, cumulative_ore
            FROM posting_month
            WHERE year = @Year AND month = @Month
            """;
        var consumption = new Dictionary<string, Amount>(StringComparer.Ordinal);
        var window = ConsumptionWindow.For(year, asOf);
        if (window.ThroughMonth > 0)
        {
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(wholeMonthsSql, new { Year = year, Month = window.ThroughMonth }, transaction, cancellationToken: cancellationToken));
            while (await reader.ReadAsync(cancellationToken))
            {
                consumption[reader.GetString(0)] = Amount.FromOre(reader.GetInt64(1));
            }
        }

        if (window.DaysFrom is { } from)
        {
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(dialect.DaysConsumption(null), new { Year = year, DaysFrom = from.Iso(), DaysTo = window.DaysTo.Iso() }, transaction, cancellationToken: cancellationToken));
            while (await reader.ReadAsync(cancellationToken))
            {
                var account = reader.GetString(0);
                consumption[account] = consumption.GetValueOrDefault(account) + Amount.FromOre(dialect.DaysOre(reader, window.DaysTo.Day));
            }
        }

        return consumption;
    }
}

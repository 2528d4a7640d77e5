using Budget.Application;
using Budget.Application.AccountCards;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>One account's card (the page's account view), read in one snapshot.</summary>
public sealed partial class BudgetStore : IAccountCardReader
{
    public async Task<AccountCardFacts?> AccountCard(int year, AccountId account, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        var movementsSql = $"""
            SELECT kind AS Kind, amount_ore AS AmountOre, {dialect.DateText("decided_on")} AS DecidedOn, reference AS Reference, decided_by AS DecidedBy
            FROM movement WHERE year = @Year AND account_id = @AccountId
            ORDER BY movement_id
            """;
        var versionsSql = $"""
            SELECT round AS Round, account_id AS AccountId, estimate_ore AS EstimateOre, explanation AS Explanation,
                   out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
                   requested_ore AS RequestedOre, version AS Version, {dialect.InstantText("recorded_at")} AS RecordedAt,
                   gross_ore AS GrossOre, refusion_ore AS RefusionOre, basis AS Basis, time_shift_ore AS TimeShiftOre
            FROM estimate_version WHERE year = @Year AND round = @Round AND account_id = @AccountId
            ORDER BY version
            """;
        // posting_month has a row for every month from the account's first posting month through December (decision 0007).
        // The months are named so that each row is one key lookup (year, month, account) rather than a scan of the
        // year's rows, which carry their days (decisions 0029, 0032).
        const string monthsSql = """
            SELECT year AS Year, month AS Month, cumulative_ore AS CumulativeOre
            FROM posting_month WHERE year IN (@Year, @LastYear) AND month IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) AND account_id = @AccountId
            """;
        const string lastYearSql = "SELECT COUNT(*) FROM account WHERE year = @LastYear AND account_id = @AccountId";

        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var found = (await Accounts(connection, transaction, year, account, cancellationToken)).SingleOrDefault();
        if (found is null)
        {
            return null;
        }

        var parameters = new { Year = year, LastYear = year - 1, Round = round.Value, AccountId = account.Value };
        var movements = (await connection.QueryAsync<(string Kind, long AmountOre, string DecidedOn, string? Reference, string? DecidedBy)>(
                new CommandDefinition(movementsSql, parameters, transaction, cancellationToken: cancellationToken)))
            .Select(m => new AppropriationMovement(account, MovementKindCodes.Parse(m.Kind), Amount.FromOre(m.AmountOre), Text.ToLocalDate(m.DecidedOn), m.Reference, m.DecidedBy))
            .ToArray();
        var versions = (await connection.QueryAsync<EstimateRow>(new CommandDefinition(versionsSql, parameters, transaction, cancellationToken: cancellationToken)))
            .Select(r => new StoredEstimate(year, r.ToEstimate(), r.Version, Text.ToInstant(r.RecordedAt)))
            .ToArray();
        var months = (await connection.QueryAsync<(long Year, long Month, long CumulativeOre)>(new CommandDefinition(monthsSql, parameters, transaction, cancellationToken: cancellationToken))).ToArray();
        var thisYear = MonthEnds(months.Where(m => m.Year == year));

        var window = ConsumptionWindow.For(year, asOf);
        var consumption = window.ThroughMonth > 0 ? thisYear[window.ThroughMonth - 1] : Amount.Zero;
        if (window.DaysFrom is { } from)
        {
            // The days of the month up to the date, as the follow-up reads them (from the month row: decisions 0029, 0032).
            await using var days = await connection.ExecuteReaderAsync(new CommandDefinition(
                dialect.DaysConsumption("a.account_id = @AccountId"), new { Year = year, AccountId = account.Value, DaysFrom = from.Iso(), DaysTo = window.DaysTo.Iso() }, transaction, cancellationToken: cancellationToken));
            while (await days.ReadAsync(cancellationToken))
            {
                consumption += Amount.FromOre(dialect.DaysOre(days, window.DaysTo.Day));
            }
        }

        var heldLastYear = await connection.ExecuteScalarAsync<long>(new CommandDefinition(lastYearSql, parameters, transaction, cancellationToken: cancellationToken)) > 0;
        await transaction.CommitAsync(cancellationToken);
        return new AccountCardFacts(found, movements, versions, thisYear, consumption, heldLastYear ? MonthEnds(months.Where(m => m.Year == year - 1)) : null);

        // Months before the first posting month have no row: nothing was consumed yet.
        static Amount[] MonthEnds(IEnumerable<(long Year, long Month, long CumulativeOre)> rows)
        {
            var ends = new Amount[12];
            foreach (var row in rows.OrderBy(r => r.Month))
            {
                for (var month = (int)row.Month; month <= 12; month++)
                {
                    ends[month - 1] = Amount.FromOre(row.CumulativeOre);
                }
            }

            return ends;
        }
    }
}

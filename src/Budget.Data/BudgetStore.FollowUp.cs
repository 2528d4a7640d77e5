using System.Data.Common;
using Budget.Application;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Dapper;
using NodaTime;

namespace Budget.Data;

/// <summary>The follow-up reader: every report's per-account facts.</summary>
public sealed partial class BudgetStore : IFollowUpReader
{
    public async Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        // The version is taken before reading, so facts are never filed under a version older than what they show.
        var version = factsCache is { Enabled: true } ? factsCache.Version() : (long?)null;
        if (version is { } unchanged && factsCache!.TryGet(year, round.Value, asOf, unchanged, out var cached))
        {
            return cached;
        }

        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginRead(connection, cancellationToken);
        var facts = await AccountFacts(connection, transaction, year, round, asOf, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (version is { } read)
        {
            factsCache!.Put(year, round.Value, asOf, read, facts);
        }

        return facts;
    }

    /// <summary>
    /// Everything the follow-up needs per account, in one read transaction. The hot path of every report: it reads
    /// with plain data readers (a third of the time Dapper's materialisation takes for 5.000 accounts) and never
    /// touches more than one row per account and kind, whatever the number of postings (docs/performance.md).
    /// </summary>
    private async Task<IReadOnlyList<AccountFacts>> AccountFacts(DbConnection connection, DbTransaction transaction, int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        var movementsSql = $"""
            SELECT account_id, kind, CAST(SUM(amount_ore) AS bigint)
            FROM movement
            WHERE year = @Year AND decided_on <= {dialect.Date("@AsOf")}
            GROUP BY account_id, kind
            """;
        const string wholeMonthsSql = """
            SELECT account_id, cumulative_ore
            FROM posting_month
            WHERE year = @Year AND month = @Month
            """;
        var estimatesSql = $"""
            SELECT round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                   requested_ore, version, {dialect.InstantText("recorded_at")}, gross_ore, refusion_ore, basis
            FROM estimate WHERE year = @Year AND round = @Round
            """;

        var accounts = await Accounts(connection, transaction, year, null, cancellationToken);
        var appropriations = new Dictionary<string, AppropriationsByKind>(accounts.Count, StringComparer.Ordinal);
        foreach (var (account, kind, ore) in await Read(movementsSql, new { Year = year, AsOf = asOf.Iso() }, r => (r.GetString(0), r.GetString(1), r.GetInt64(2))))
        {
            appropriations[account] = appropriations.GetValueOrDefault(account).With(MovementKindCodes.Parse(kind), Amount.FromOre(ore));
        }

        var window = ConsumptionWindow.For(year, asOf);
        var consumption = new Dictionary<string, Amount>(accounts.Count, StringComparer.Ordinal);
        if (window.ThroughMonth > 0)
        {
            foreach (var (account, ore) in await Read(wholeMonthsSql, new { Year = year, Month = window.ThroughMonth }, r => (r.GetString(0), r.GetInt64(1))))
            {
                consumption[account] = Amount.FromOre(ore);
            }
        }

        if (window.DaysFrom is { } from)
        {
            foreach (var (account, ore) in await Read(dialect.DaysConsumption, new { Year = year, DaysFrom = from.Iso(), DaysTo = window.DaysTo.Iso() }, r => (r.GetString(0), r.GetInt64(1))))
            {
                consumption[account] = consumption.GetValueOrDefault(account) + Amount.FromOre(ore);
            }
        }

        var estimates = new Dictionary<string, AccountEstimate>(accounts.Count, StringComparer.Ordinal);
        foreach (var row in await Read(estimatesSql, new { Year = year, Round = round.Value }, r => new EstimateRow(
            r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7),
            r.IsDBNull(8) ? null : r.GetInt64(8), r.GetInt64(9), r.GetString(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetInt64(12), r.IsDBNull(13) ? null : r.GetString(13))))
        {
            estimates[row.AccountId] = row.ToEstimate();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var facts = new AccountFacts[accounts.Count];
        for (var i = 0; i < facts.Length; i++)
        {
            var id = accounts[i].Id.Value;
            facts[i] = new AccountFacts(accounts[i], appropriations.GetValueOrDefault(id), consumption.GetValueOrDefault(id), estimates.GetValueOrDefault(id));
        }

        return facts;

        async Task<List<T>> Read<T>(string sql, object parameters, Func<DbDataReader, T> map)
        {
            var rows = new List<T>();
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }
}

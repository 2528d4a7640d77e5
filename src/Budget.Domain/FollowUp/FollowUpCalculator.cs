using Budget.Domain.Appropriations;
using Budget.Domain.Accounts;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>
/// Computes a follow-up from per-account facts: every column per account, rolled up by summing the unrounded
/// account figures, so any grouping gives the same total. Rows are ordered by committee, then the row's key
/// (ordinal text order, so the result does not depend on the server's culture).
/// </summary>
public static class FollowUpCalculator
{
    public static FollowUpReport Build(int year, RoundNumber round, LocalDate asOf, FollowUpGrouping by, IEnumerable<AccountFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var accounts = facts.Select(f => (f.Account, Figures: f.Figures())).ToArray();
        var total = accounts.Aggregate(FollowUpFigures.Empty, (sum, a) => sum + a.Figures);

        var rows = by switch
        {
            FollowUpGrouping.Account => accounts
                .OrderBy(a => a.Account.Committee, StringComparer.Ordinal)
                .ThenBy(a => a.Account.ActivityArea, StringComparer.Ordinal)
                .ThenBy(a => a.Account.Id.Value, StringComparer.Ordinal)
                .Select(a => new FollowUpRow(a.Account.Committee, a.Account.ActivityArea, a.Account, a.Account.Group, a.Account.Block, a.Figures))
                .ToArray(),
            FollowUpGrouping.ActivityArea => Roll(accounts, a => (a.Committee, a.ActivityArea), k => new FollowUpRow(k.Committee, k.Key, null, null, null, FollowUpFigures.Empty)),
            FollowUpGrouping.Committee => Roll(accounts, a => (a.Committee, ""), k => new FollowUpRow(k.Committee, null, null, null, null, FollowUpFigures.Empty)),
            FollowUpGrouping.Group => Roll(accounts, a => (a.Committee, a.Group ?? ""), k => new FollowUpRow(k.Committee, null, null, k.Key.Length == 0 ? null : k.Key, null, FollowUpFigures.Empty)),
            FollowUpGrouping.Block => accounts
                .GroupBy(a => a.Account.Block)
                .OrderBy(g => g.Key)
                .Select(g => new FollowUpRow(null, null, null, null, g.Key, Sum(g.Select(a => a.Figures))))
                .ToArray(),
            FollowUpGrouping.Municipality => [new FollowUpRow(null, null, null, null, null, total)],
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };

        return new FollowUpReport(year, round, asOf, by, rows, total);
    }

    /// <summary>The follow-up of an in-memory year for a round, as of the round's cut-off unless a date is given.</summary>
    public static FollowUpReport Build(BudgetYear year, RoundNumber round, FollowUpGrouping by, LocalDate? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(year);
        var date = asOf ?? year.Calendar.CutoffOf(round);
        return Build(year.Year, round, date, by, AccountFacts.Of(year, round, date));
    }

    private static FollowUpRow[] Roll(
        IEnumerable<(Account Account, FollowUpFigures Figures)> accounts,
        Func<Account, (string Committee, string Key)> keyOf,
        Func<(string Committee, string Key), FollowUpRow> rowOf) =>
        accounts
            .GroupBy(a => keyOf(a.Account))
            .OrderBy(g => g.Key.Committee, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => rowOf(g.Key) with { Figures = Sum(g.Select(a => a.Figures)) })
            .ToArray();

    private static FollowUpFigures Sum(IEnumerable<FollowUpFigures> figures) =>
        figures.Aggregate(FollowUpFigures.Empty, (sum, f) => sum + f);
}

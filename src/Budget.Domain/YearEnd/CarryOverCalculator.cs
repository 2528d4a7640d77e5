using Budget.Domain.Accounts;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.YearEnd;

/// <summary>Why a proposed carry-over is not simply the policy's share of the result.</summary>
public enum CarryOverMarker
{
    /// <summary><c>capped</c>: the share of the result was larger than the policy's cap; the cap was carried.</summary>
    Capped,

    /// <summary><c>by-decision</c>: the policy (or the lack of one) leaves the amount to the council: 0 unless overridden.</summary>
    ByDecision,
}

/// <summary>
/// One account's carry-over (overførsel) out of a year: its corrected budget and accounts (regnskab: the year's
/// consumption), the result (accounts − corrected budget; negative = underspend), the policy that applies and the
/// amount it proposes to carry into the next year.
/// </summary>
public sealed record CarryOverLine(Account Account, Amount CorrectedBudget, Amount Accounts, CarryOverPolicy? Policy, decimal? Share, Amount Proposed, CarryOverMarker? Flag)
{
    /// <summary>Resultat: accounts − corrected budget. Negative is an underspend (mindreforbrug).</summary>
    public Amount Result => Accounts - CorrectedBudget;
}

/// <summary>A row of the carry-over table: one account, or the sum of an activity area's or a committee's accounts.</summary>
/// <remarks>
/// A grouped row shows a policy, share and cap only when every account in it has the same; its flag is
/// <c>by-decision</c> when any of its accounts awaits a decision, else <c>capped</c> when any was capped.
/// </remarks>
public sealed record CarryOverRow(
    string? Committee,
    string? ActivityArea,
    Account? Account,
    Amount CorrectedBudget,
    Amount Accounts,
    string? Policy,
    decimal? Share,
    decimal? CapPercent,
    Amount Proposed,
    CarryOverMarker? Flag)
{
    public Amount Result => Accounts - CorrectedBudget;
}

/// <summary>The carry-over case (overførselssag) of a year as of a date: rows and their total, and the lines per account.</summary>
public sealed record CarryOverReport(int Year, LocalDate AsOf, FollowUpGrouping By, IReadOnlyList<CarryOverLine> Lines, IReadOnlyList<CarryOverRow> Rows, CarryOverRow Total);

/// <summary>
/// The carry-over arithmetic (domain.md §8). Per account: result = accounts − corrected budget; share = the policy's
/// underspend share when the result is negative or zero, its overspend share when positive; proposed = −result × share,
/// rounded to whole øre half away from zero (<see cref="Amount.RoundToOre"/>); with a cap, |proposed| is at most
/// cap % × |corrected budget|, that limit truncated to whole øre so that a capped amount never exceeds the cap. A
/// by-decision policy, or no policy at all, proposes 0 and flags the row: only an override carries it.
/// Rows roll up by summing the unrounded account lines, so every grouping has the same total.
/// </summary>
public static class CarryOverCalculator
{
    public static CarryOverLine Line(Account account, Amount correctedBudget, Amount accounts, CarryOverPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (policy is null || policy.Mode == CarryOverMode.ByDecision)
        {
            return new CarryOverLine(account, correctedBudget, accounts, policy, null, Amount.Zero, CarryOverMarker.ByDecision);
        }

        var result = accounts - correctedBudget;
        var share = result.Ore > 0 ? policy.OverspendShare!.Value : policy.UnderspendShare!.Value;
        var proposed = Amount.RoundToOre(-result.Ore * share / 100m);
        if (policy.CapPercent is { } cap)
        {
            var limit = Amount.FromOre((long)decimal.Truncate(Math.Abs((decimal)correctedBudget.Ore) * cap / 100m));
            if (Math.Abs((decimal)proposed.Ore) > limit.Ore)
            {
                return new CarryOverLine(account, correctedBudget, accounts, policy, share, proposed.Ore < 0 ? -limit : limit, CarryOverMarker.Capped);
            }
        }

        return new CarryOverLine(account, correctedBudget, accounts, policy, share, proposed, null);
    }

    /// <param name="asOf">Movements decided and postings posted on or before it count (the facts are read as of it).</param>
    /// <param name="classOf">The account's service/transfer class, for policies that select by class; null when unclassified.</param>
    public static CarryOverReport Build(int year, LocalDate asOf, FollowUpGrouping by, IEnumerable<AccountFacts> facts, CarryOverPolicies policies, Func<Account, ExpenditureClass?> classOf)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(classOf);
        Preconditions.Require(by is FollowUpGrouping.Account or FollowUpGrouping.ActivityArea or FollowUpGrouping.Committee, "Carry-overs are shown per account, activity area or committee.");
        var on = CarryOverPolicies.InForceFor(year);
        var lines = facts
            .Select(f => Line(f.Account, f.Appropriations.CorrectedBudget, f.Consumption, policies.For(f.Account, classOf(f.Account), on)))
            .OrderBy(l => l.Account.Committee, StringComparer.Ordinal)
            .ThenBy(l => l.Account.ActivityArea, StringComparer.Ordinal)
            .ThenBy(l => l.Account.Id.Value, StringComparer.Ordinal)
            .ToArray();

        var rows = by switch
        {
            FollowUpGrouping.Account => lines.Select(l => Roll(l.Account.Committee, l.Account.ActivityArea, l.Account, [l])).ToArray(),
            FollowUpGrouping.ActivityArea => lines.GroupBy(l => (l.Account.Committee, l.Account.ActivityArea)).Select(g => Roll(g.Key.Committee, g.Key.ActivityArea, null, [.. g])).ToArray(),
            _ => lines.GroupBy(l => l.Account.Committee).Select(g => Roll(g.Key, null, null, [.. g])).ToArray(),
        };
        var total = Roll(null, null, null, lines) with { Policy = null, Share = null, CapPercent = null, Flag = null };
        return new CarryOverReport(year, asOf, by, lines, rows, total);
    }

    private static CarryOverRow Roll(string? committee, string? area, Account? account, IReadOnlyList<CarryOverLine> lines)
    {
        var policies = lines.Select(l => l.Policy).Distinct().ToArray();
        var shares = lines.Select(l => l.Share).Distinct().ToArray();
        var flag = lines.Any(l => l.Flag == CarryOverMarker.ByDecision) ? CarryOverMarker.ByDecision
            : lines.Any(l => l.Flag == CarryOverMarker.Capped) ? CarryOverMarker.Capped
            : (CarryOverMarker?)null;
        return new CarryOverRow(
            committee,
            area,
            account,
            lines.Sum(l => l.CorrectedBudget),
            lines.Sum(l => l.Accounts),
            policies.Length == 1 ? policies[0]?.Name : null,
            shares.Length == 1 ? shares[0] : null,
            policies.Length == 1 ? policies[0]?.CapPercent : null,
            lines.Sum(l => l.Proposed),
            flag);
    }

    public static string Code(this CarryOverMarker flag) => flag == CarryOverMarker.Capped ? "capped" : "by-decision";
}

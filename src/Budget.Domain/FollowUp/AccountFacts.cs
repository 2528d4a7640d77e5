using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Domain.Accounts;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>
/// What is known of one account as of a date: appropriations decided and consumption posted on or before it,
/// and the account's estimate in the round (if one is recorded). Storage can aggregate these without loading postings.
/// </summary>
public sealed record AccountFacts(Account Account, AppropriationsByKind Appropriations, Amount Consumption, AccountEstimate? Estimate)
{
    /// <summary>The facts of every account of an in-memory year for a round, as of a date.</summary>
    public static IReadOnlyList<AccountFacts> Of(BudgetYear year, RoundNumber round, LocalDate asOf)
    {
        ArgumentNullException.ThrowIfNull(year);
        var movements = year.Movements.ToLookup(m => m.Account);
        var consumption = year.Postings
            .Where(p => p.PostedOn <= asOf)
            .GroupBy(p => p.Account)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Amount));
        var estimates = year.Estimates.Where(e => e.Round == round).ToDictionary(e => e.Account);

        return year.Accounts
            .Select(a => new AccountFacts(
                a,
                AppropriationsByKind.AsOf(movements[a.Id], asOf),
                consumption.GetValueOrDefault(a.Id),
                estimates.GetValueOrDefault(a.Id)))
            .ToArray();
    }

    /// <summary>
    /// The account's follow-up figures. Without an estimate for the round the account is expected to end at its
    /// corrected budget (variance 0) and counts as one missing estimate.
    /// </summary>
    public FollowUpFigures Figures() => new(
        Appropriations,
        Consumption,
        Estimate?.Estimate ?? Appropriations.CorrectedBudget,
        Estimate?.OutYears ?? OutYearConsequences.None,
        Estimate is null ? 1 : 0,
        Estimate?.Basis is { } basis ? new Refusion.RefusionTotals(basis.Gross, basis.Refusion) : null);
}

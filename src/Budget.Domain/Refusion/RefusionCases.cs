using Budget.Domain.Money;

namespace Budget.Domain.Refusion;

public sealed record RefusionWeek(int Week, int Anciennity, RefusionRate Rate, Amount Amount, Amount Refusion);

public sealed record RefusionTotals(Amount Gross, Amount Refusion)
{
    public static RefusionTotals None { get; } = new(Amount.Zero, Amount.Zero);

    public Amount Net => Gross - Refusion;

    public static RefusionTotals operator +(RefusionTotals left, RefusionTotals right) =>
        new(left.Gross + right.Gross, left.Refusion + right.Refusion);

    public static RefusionTotals Add(RefusionTotals left, RefusionTotals right) => left + right;
}

public sealed record RefusionCaseResult(string Id, IReadOnlyList<RefusionWeek> Weeks, RefusionTotals Totals);

/// <summary>
/// A person's weekly benefit payments under a rule: week i (from 1) has anciennity firstWeek + i − 1 and its own
/// rate. Each week's refusion is rounded to øre half away from zero; totals are sums of the rounded weeks, so the
/// parts always add up to the whole.
/// </summary>
public static class RefusionCases
{
    public static RefusionCaseResult Calculate(string id, RefusionRule rule, int firstWeekAnciennity, IReadOnlyList<Amount> weeklyAmounts)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(weeklyAmounts);
        Preconditions.Require(firstWeekAnciennity >= 1, "The first week's anciennity is 1 or more.");
        var weeks = weeklyAmounts.Select((amount, i) =>
        {
            var anciennity = firstWeekAnciennity + i;
            var rate = rule.RefusionAt(anciennity);
            return new RefusionWeek(i + 1, anciennity, rate, amount, Amount.RoundToOre(amount.Kroner * rate.Percent / 100m));
        }).ToArray();
        var totals = new RefusionTotals(
            weeks.Aggregate(Amount.Zero, (sum, w) => sum + w.Amount),
            weeks.Aggregate(Amount.Zero, (sum, w) => sum + w.Refusion));
        return new RefusionCaseResult(id, weeks, totals);
    }
}

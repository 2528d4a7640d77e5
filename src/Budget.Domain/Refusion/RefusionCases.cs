using Budget.Domain.Money;
using NodaTime;
using NodaTime.Calendars;

namespace Budget.Domain.Refusion;

/// <summary>One week of a case: its anciennity, the rule that applied (none in a job week), the rate and the refusion.</summary>
public sealed record RefusionWeek(int Week, int Anciennity, RefusionRate Rate, Amount Amount, Amount Refusion, RefusionRule? Rule = null, bool InJob = false);

public sealed record RefusionTotals(Amount Gross, Amount Refusion)
{
    public static RefusionTotals None { get; } = new(Amount.Zero, Amount.Zero);

    public Amount Net => Gross - Refusion;

    public static RefusionTotals operator +(RefusionTotals left, RefusionTotals right) =>
        new(left.Gross + right.Gross, left.Refusion + right.Refusion);

    public static RefusionTotals Add(RefusionTotals left, RefusionTotals right) => left + right;

    public static RefusionTotals operator -(RefusionTotals left, RefusionTotals right) =>
        new(left.Gross - right.Gross, left.Refusion - right.Refusion);

    public static RefusionTotals Subtract(RefusionTotals left, RefusionTotals right) => left - right;
}

public sealed record RefusionCaseResult(string Id, IReadOnlyList<RefusionWeek> Weeks, RefusionTotals Totals);

/// <summary>
/// A person's weekly benefit payments: each week has its anciennity, its rule (one rule for the whole case, or one
/// per week when the case is dated and crosses a change of rule set) and its rate. Each week's refusion is rounded
/// to øre half away from zero; totals are sums of the rounded weeks, so the parts always add up to the whole.
/// </summary>
public static class RefusionCases
{
    public static RefusionCaseResult Calculate(string id, RefusionRule rule, int firstWeekAnciennity, IReadOnlyList<Amount> weeklyAmounts)
    {
        ArgumentNullException.ThrowIfNull(weeklyAmounts);
        return Calculate(id, _ => rule, firstWeekAnciennity, weeklyAmounts, new HashSet<int>());
    }

    /// <summary>
    /// Weeks are numbered from 1. A week in <paramref name="jobWeeks"/> is spent in a job: it carries no benefit and
    /// no refusion, and it does not count as a week on the benefit. Anciennity is the person's weeks on the benefit:
    /// <paramref name="firstWeekAnciennity"/> in the first benefit week, one more in each following benefit week, and
    /// back to 1 when the benefit resumes after at least the rule's <see cref="RefusionRule.ResetAfterWeeksInJob"/>
    /// weeks in a row in a job (ledighedsydelse: refusion returns after 9 months in a job). A job week shows the
    /// anciennity reached before it. Without job weeks, week i has anciennity firstWeekAnciennity + i − 1.
    /// </summary>
    public static RefusionCaseResult Calculate(string id, Func<int, RefusionRule> ruleOfWeek, int firstWeekAnciennity, IReadOnlyList<Amount> weeklyAmounts, IReadOnlySet<int> jobWeeks)
    {
        ArgumentNullException.ThrowIfNull(ruleOfWeek);
        ArgumentNullException.ThrowIfNull(weeklyAmounts);
        ArgumentNullException.ThrowIfNull(jobWeeks);
        Preconditions.Require(firstWeekAnciennity >= 1, "The first week's anciennity is 1 or more.");
        var weeks = new RefusionWeek[weeklyAmounts.Count];
        var reached = firstWeekAnciennity - 1;
        var weeksInJob = 0;
        for (var i = 0; i < weeks.Length; i++)
        {
            var week = i + 1;
            var amount = weeklyAmounts[i];
            if (jobWeeks.Contains(week))
            {
                Preconditions.Require(amount == Amount.Zero, $"Week {week} is in a job: it carries no benefit, so its amount must be 0.");
                weeksInJob++;
                weeks[i] = new RefusionWeek(week, reached, RefusionRate.Zero, amount, Amount.Zero, InJob: true);
                continue;
            }

            var rule = ruleOfWeek(week);
            reached = weeksInJob > 0 && rule.ResetAfterWeeksInJob is { } reset && weeksInJob >= reset ? 1 : reached + 1;
            weeksInJob = 0;
            var rate = rule.RefusionAt(reached);
            weeks[i] = new RefusionWeek(week, reached, rate, amount, Amount.RoundToOre(amount.Kroner * rate.Percent / 100m), rule);
        }

        var totals = new RefusionTotals(
            weeks.Aggregate(Amount.Zero, (sum, w) => sum + w.Amount),
            weeks.Aggregate(Amount.Zero, (sum, w) => sum + w.Refusion));
        return new RefusionCaseResult(id, weeks, totals);
    }
}

/// <summary>
/// Weeks as the rules see them: ISO weeks, Monday to Sunday. A budget year's weeks are its ISO weeks (week 1 holds
/// 4 January), and a week is governed by the rules in force on its Thursday — the day that decides which year an ISO
/// week belongs to — so a rule set that starts on the Monday of week 1 (the 2016 staircase, 4 January 2016) governs
/// that whole year and none of the year before.
/// </summary>
public static class RuleWeeks
{
    /// <summary>The date whose rules govern the week starting on <paramref name="monday"/>.</summary>
    public static LocalDate GoverningDate(LocalDate monday) => monday.PlusDays(3);

    /// <summary>The Mondays of a budget year's ISO weeks (52 or 53).</summary>
    public static IReadOnlyList<LocalDate> MondaysOf(int year)
    {
        var rule = WeekYearRules.Iso;
        return Enumerable.Range(1, rule.GetWeeksInWeekYear(year))
            .Select(w => rule.GetLocalDate(year, w, IsoDayOfWeek.Monday))
            .ToArray();
    }
}

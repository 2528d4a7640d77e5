using Budget.Domain.Appropriations;
using Budget.Domain.Money;

namespace Budget.Domain.FollowUp;

/// <summary>
/// Every column of a budget follow-up (budgetopfølgning) for one row: the appropriation columns, consumption
/// (forbrug), the estimate (anslået regnskab) and out-year consequences. Variances and percentages are derived.
/// Sign: + = extra cost / lower income (merudgift/mindreindtægt), − = lower cost / extra income.
/// <see cref="Benefit"/> is the gross and refusion behind the estimates that were given as gross (benefit accounts);
/// null when none of the row's estimates was.
/// </summary>
public sealed record FollowUpFigures(
    AppropriationsByKind Appropriations,
    Amount Consumption,
    Amount Estimate,
    OutYearConsequences OutYears,
    int EstimatesMissing,
    Refusion.RefusionTotals? Benefit = null)
{
    public static FollowUpFigures Empty { get; } = new(AppropriationsByKind.None, Amount.Zero, Amount.Zero, OutYearConsequences.None, 0);

    public Amount OriginalBudget => Appropriations.OriginalBudget;

    public Amount SupplementaryAppropriations => Appropriations.SupplementaryAppropriations;

    public Amount CorrectedBudget => Appropriations.CorrectedBudget;

    /// <summary>(9) Afvigelse: estimate − corrected budget. Negative is an underspend (mindreforbrug).</summary>
    public Amount VarianceToCorrected => Estimate - CorrectedBudget;

    /// <summary>Afvigelse i forhold til oprindeligt budget: estimate − original budget.</summary>
    public Amount VarianceToOriginal => Estimate - OriginalBudget;

    /// <summary>Forbrug pct.: consumption / corrected budget × 100, one decimal; absent when the corrected budget is 0.</summary>
    public decimal? ConsumptionPercent => Percent.OneDecimal(Consumption, CorrectedBudget);

    public static FollowUpFigures operator +(FollowUpFigures left, FollowUpFigures right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new FollowUpFigures(
            left.Appropriations + right.Appropriations,
            left.Consumption + right.Consumption,
            left.Estimate + right.Estimate,
            left.OutYears + right.OutYears,
            left.EstimatesMissing + right.EstimatesMissing,
            left.Benefit is null ? right.Benefit : right.Benefit is null ? left.Benefit : left.Benefit + right.Benefit);
    }

    public static FollowUpFigures Add(FollowUpFigures left, FollowUpFigures right) => left + right;
}

/// <summary>Percentages of amounts, rounded to one decimal half away from zero.</summary>
public static class Percent
{
    public static decimal? OneDecimal(Amount part, Amount whole) =>
        whole.IsZero ? null : decimal.Round(part.Ore * 100m / whole.Ore, 1, MidpointRounding.AwayFromZero);
}

using Budget.Domain.Accounts;
using Budget.Domain.Money;

namespace Budget.Domain.Refusion;

/// <summary>
/// One line of a what-if scenario for a year: <see cref="Persons"/> full-year persons at <see cref="Monthly"/> kroner a
/// month. A benefit line has the refusion rule of its benefit, rule set and activity, and the persons' anciennity
/// week in the year's first week (<see cref="FirstWeekAnciennity"/>); a wage line has no rule (no refusion).
/// </summary>
public sealed record WhatIfLine(ExpenditureClass Class, decimal Persons, Amount Monthly, RefusionRule? Rule, int FirstWeekAnciennity = 1);

/// <summary>A line's year: gross = persons × monthly × 12, its refusion, and the average rate over the year's weeks.</summary>
public sealed record WhatIfLineResult(WhatIfLine Line, Amount Gross, Amount Refusion, decimal AverageRatePercent)
{
    public Amount Net => Gross - Refusion;
}

/// <summary>
/// A scenario's year: service and transfer expenditure each net of their refusion, gross before it, the refusion,
/// and net = service + transfer (= gross − refusion). Service and transfer are kept apart (domain.md §9, §11).
/// </summary>
public sealed record WhatIfTotals(Amount Service, Amount Transfer, Amount Gross, Amount Refusion)
{
    public static WhatIfTotals None { get; } = new(Amount.Zero, Amount.Zero, Amount.Zero, Amount.Zero);

    public Amount Net => Service + Transfer;

    public static WhatIfTotals operator -(WhatIfTotals left, WhatIfTotals right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new WhatIfTotals(left.Service - right.Service, left.Transfer - right.Transfer, left.Gross - right.Gross, left.Refusion - right.Refusion);
    }

    public static WhatIfTotals Subtract(WhatIfTotals left, WhatIfTotals right) => left - right;
}

public sealed record WhatIfScenarioResult(string Name, IReadOnlyList<WhatIfLineResult> Lines, WhatIfTotals Totals);

/// <summary>
/// What-if on refusion (domain.md §11): scenarios of lines for a group of people, each for one year, and each
/// scenario's difference from the first. A year is <see cref="WeeksInYear"/> weeks: the persons of a benefit line
/// start the year in anciennity week <see cref="WhatIfLine.FirstWeekAnciennity"/> and reach one week more each week,
/// so a line can cross the staircase's steps (2016) or the end of a benefit's refusion (ledighedsydelse after 78
/// weeks) within the year; the line's gross is spread evenly over the weeks.
/// </summary>
public static class RefusionWhatIf
{
    /// <summary>The weeks of a what-if year (twelve months, no calendar given).</summary>
    public const int WeeksInYear = 52;

    public const int MonthsInYear = 12;

    /// <summary>
    /// gross = persons × monthly × 12, rounded to øre half away from zero; refusion = persons × monthly × 12 × Σ(rate of
    /// each week) ÷ (52 × 100), computed from the unrounded gross and rounded once, to øre half away from zero
    /// (<see cref="Amount.RoundToOre"/>). The rate of a week is the state's share (<see cref="RefusionRule.RefusionAt"/>:
    /// co-financing rates are turned into refusion).
    /// </summary>
    public static WhatIfLineResult Line(WhatIfLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        Preconditions.Require(line.Persons >= 0m, "Full-year persons cannot be negative.");
        Preconditions.Require(line.FirstWeekAnciennity >= 1, "Anciennity weeks start at 1.");
        var gross = line.Persons * line.Monthly.Kroner * MonthsInYear;
        var rateWeeks = line.Rule is { } rule
            ? Enumerable.Range(line.FirstWeekAnciennity, WeeksInYear).Sum(week => rule.RefusionAt(week).Percent)
            : 0m;
        return new WhatIfLineResult(
            line,
            Amount.RoundToOre(gross),
            Amount.RoundToOre(gross * rateWeeks / (WeeksInYear * 100m)),
            rateWeeks / WeeksInYear);
    }

    public static WhatIfScenarioResult Scenario(string name, IReadOnlyList<WhatIfLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var results = lines.Select(Line).ToArray();
        var totals = results.Aggregate(WhatIfTotals.None, (sum, r) => new WhatIfTotals(
            sum.Service + (r.Line.Class == ExpenditureClass.Service ? r.Net : Amount.Zero),
            sum.Transfer + (r.Line.Class == ExpenditureClass.Transfer ? r.Net : Amount.Zero),
            sum.Gross + r.Gross,
            sum.Refusion + r.Refusion));
        return new WhatIfScenarioResult(name, results, totals);
    }

    /// <summary>Each scenario minus the first (the first's own difference is 0 in every member).</summary>
    public static IReadOnlyList<WhatIfTotals> Differences(IReadOnlyList<WhatIfScenarioResult> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        return scenarios.Count == 0 ? [] : scenarios.Select(s => s.Totals - scenarios[0].Totals).ToArray();
    }
}

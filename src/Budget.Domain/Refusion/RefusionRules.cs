using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Refusion;

/// <summary>What the person does in the week, for rule sets whose rate depends on it (before 2016).</summary>
public enum Activity
{
    Passive,
    JobOriented,
    Education,

    /// <summary>Partial return to work (delvis raskmelding), for sygedagpenge: refunded as job-oriented activation.</summary>
    PartialReturn,
}

public static class ActivityCodes
{
    private static readonly (Activity Activity, string Code)[] Table =
    [
        (Activity.Passive, "passive"),
        (Activity.JobOriented, "job-oriented"),
        (Activity.Education, "education"),
        (Activity.PartialReturn, "partial-return"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Code).ToArray();

    public static string ToCode(this Activity activity) => Table.Single(t => t.Activity == activity).Code;

    public static bool TryParse(string? code, out Activity activity)
    {
        foreach (var entry in Table)
        {
            if (entry.Code == code)
            {
                activity = entry.Activity;
                return true;
            }
        }

        activity = default;
        return false;
    }
}

/// <summary>Whether the data's rates are the state's refusion or the municipality's co-financing share (dagpenge from 2016).</summary>
public enum RateMeasure
{
    Refusion,
    CoFinancing,
}

/// <summary>Where a rule's numbers come from (law, circular, municipal paper), and the period it is valid for.</summary>
public sealed record Validity(LocalDate From, LocalDate? To, string Source)
{
    public bool Covers(LocalDate date) => date >= From && (To is null || date <= To);

    public bool Overlaps(Validity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (To is null || other.From <= To) && (other.To is null || From <= other.To);
    }

    public override string ToString() => $"{From:yyyy-MM-dd}–{(To is null ? "" : To.Value.ToString("yyyy-MM-dd", null))}";
}

/// <summary>
/// The refusion of one benefit under one rule set, for one activity (null: whatever the activity), in one period:
/// a rate schedule over anciennity weeks, expressed in the measure the source uses. <see cref="ResetAfterWeeksInJob"/>:
/// after that many weeks in a row in a job the anciennity starts again at week 1 (ledighedsydelse: refusion returns
/// after 9 months in a job); null when the sources give no such reset.
/// </summary>
public sealed record RefusionRule(string RuleSet, string Benefit, Activity? Activity, RateMeasure Measure, RateSchedule Schedule, Validity Validity, int? ResetAfterWeeksInJob = null)
{
    /// <summary>The state's share at an anciennity week, whatever measure the data was given in.</summary>
    public RefusionRate RefusionAt(int anciennityWeek)
    {
        var rate = Schedule.RateAt(anciennityWeek);
        return Measure == RateMeasure.CoFinancing ? rate.Complement : rate;
    }
}

/// <summary>Why a rule could not be found: which request member names something the data does not have.</summary>
public sealed record RuleLookupError(string Field, string Message);

/// <summary>All refusion rules, caps, thresholds and frames in force, as loaded from the rule data.</summary>
public sealed class RefusionRuleBook(
    IReadOnlyList<RefusionRule> rules,
    IReadOnlyList<OperatingCap> caps,
    IReadOnlyList<ThresholdScheme> thresholds,
    IReadOnlyList<MentorFrame> mentorFrames)
{
    public IReadOnlyList<RefusionRule> Rules => rules;

    public IReadOnlyList<OperatingCap> Caps => caps;

    public IReadOnlyList<ThresholdScheme> Thresholds => thresholds;

    public IReadOnlyList<MentorFrame> MentorFrames => mentorFrames;

    public IReadOnlyList<string> RuleSets => rules.Select(r => r.RuleSet).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The rule for a benefit under a rule set and activity, valid on <paramref name="on"/> (absent: the rule set's
    /// latest period). A rule without activity applies to every activity; an activity-dependent rule needs one.
    /// </summary>
    public (RefusionRule? Rule, RuleLookupError? Error) Find(string ruleSet, string benefit, Activity? activity, LocalDate? on = null)
    {
        var inSet = rules.Where(r => r.RuleSet == ruleSet).ToArray();
        if (inSet.Length == 0)
        {
            return (null, new RuleLookupError("ruleSet", $"'{ruleSet}' is not a rule set; known: {string.Join(", ", RuleSets)}."));
        }

        var forBenefit = inSet.Where(r => r.Benefit == benefit).ToArray();
        if (forBenefit.Length == 0)
        {
            return (null, new RuleLookupError("benefit", $"'{benefit}' is not a benefit of rule set {ruleSet}; known: {string.Join(", ", inSet.Select(r => r.Benefit).Distinct().Order(StringComparer.Ordinal))}."));
        }

        var valid = on is { } date ? forBenefit.Where(r => r.Validity.Covers(date)).ToArray() : forBenefit;
        if (valid.Length == 0)
        {
            return (null, new RuleLookupError("date", $"Rule set {ruleSet} has no rate for {benefit} valid on {on:yyyy-MM-dd}."));
        }

        var latest = valid.Max(r => r.Validity.From);
        var current = valid.Where(r => r.Validity.From == latest).ToArray();
        var rule = current.FirstOrDefault(r => r.Activity is null) ?? current.FirstOrDefault(r => r.Activity == activity);
        if (rule is not null)
        {
            return (rule, null);
        }

        var activities = string.Join(", ", current.Select(r => r.Activity!.Value.ToCode()));
        return activity is null
            ? (null, new RuleLookupError("activity", $"The {ruleSet} rate for {benefit} depends on the activity: give one of {activities}."))
            : (null, new RuleLookupError("activity", $"Rule set {ruleSet} has no rate for {benefit} in activity '{activity.Value.ToCode()}'; it has {activities}."));
    }

    /// <summary>
    /// The rule for a benefit and activity in force on a date, whatever its rule set: the rule set follows the date
    /// (a dated case, a budget year's weeks).
    /// </summary>
    public (RefusionRule? Rule, RuleLookupError? Error) FindInForce(string benefit, Activity? activity, LocalDate on)
    {
        if (!rules.Any(r => r.Benefit == benefit))
        {
            return (null, new RuleLookupError("benefit", $"'{benefit}' is not a benefit of the rule data; known: {string.Join(", ", rules.Select(r => r.Benefit).Distinct().Order(StringComparer.Ordinal))}."));
        }

        var ruleSet = RuleSetInForce(benefit, on);
        return ruleSet is null
            ? (null, new RuleLookupError("date", $"The rule data has no single rule set for {benefit} in force on {on:yyyy-MM-dd}."))
            : Find(ruleSet, benefit, activity, on);
    }

    /// <summary>The rule set in force for a benefit on a date: the one with a rule valid then (null if none or ambiguous).</summary>
    public string? RuleSetInForce(string benefit, LocalDate on)
    {
        var sets = rules.Where(r => r.Benefit == benefit && r.Validity.Covers(on)).Select(r => r.RuleSet).Distinct().ToArray();
        return sets.Length == 1 ? sets[0] : null;
    }
}

/// <summary>
/// The driftsloft: the state refunds <see cref="Rate"/> of a group's activation operating costs up to
/// <see cref="PerPerson"/> per full-year person. Sources disagree on some years' amounts, so every value is kept with
/// its set name and source, and one set per year and group is marked as the one in force.
/// </summary>
public sealed record OperatingCap(string CapSet, int Year, string Group, Amount PerPerson, RefusionRate Rate, bool InForce, string Source);

public sealed record OperatingCapResult(OperatingCap Cap, Amount CapAmount, Amount RefundableCosts, Amount Refusion);

public static class OperatingCaps
{
    /// <summary>
    /// cap = persons × amount per person; refusion = rate × min(costs, cap). Both products are rounded to øre half
    /// away from zero (persons may be fractional full-year persons).
    /// </summary>
    public static OperatingCapResult Calculate(OperatingCap cap, decimal fullYearPersons, Amount costs)
    {
        ArgumentNullException.ThrowIfNull(cap);
        Preconditions.Require(fullYearPersons >= 0m, "Full-year persons cannot be negative.");
        var capAmount = Amount.RoundToOre(cap.PerPerson.Kroner * fullYearPersons);
        var refundable = costs < capAmount ? costs : capAmount;
        var refusion = Amount.RoundToOre(refundable.Kroner * cap.Rate.Percent / 100m);
        return new OperatingCapResult(cap, capAmount, refundable, refusion);
    }
}

/// <summary>One band of a threshold scheme: <see cref="Rate"/> of the part of the costs above <see cref="Above"/> (up to the next band).</summary>
public sealed record ThresholdBand(Amount Above, RefusionRate Rate);

/// <summary>
/// The central refusion scheme for costly single cases (serviceloven § 176): per year, marginal rates on the part of
/// a case's yearly costs above each threshold.
/// </summary>
public sealed record ThresholdScheme(string Scheme, int Year, IReadOnlyList<ThresholdBand> Bands, string Source)
{
    public Amount RefusionOf(Amount costs)
    {
        var ordered = Bands.OrderBy(b => b.Above).ToArray();
        var total = 0m;
        for (var i = 0; i < ordered.Length; i++)
        {
            var upper = i + 1 < ordered.Length ? ordered[i + 1].Above : costs;
            var slice = (costs < upper ? costs : upper) - ordered[i].Above;
            if (slice.Ore > 0)
            {
                total += slice.Kroner * ordered[i].Rate.Percent / 100m;
            }
        }

        return Amount.RoundToOre(total);
    }
}

/// <summary>The mentor frame: refusion rate by target group within a yearly frame (e.g. 2.130.576 kr. in 2014).</summary>
public sealed record MentorFrame(int Year, string TargetGroup, RefusionRate Rate, Amount Frame, string Source)
{
    /// <summary>
    /// The costs within the frame get the rate, the costs above it nothing; at a rate of 0 (job-ready persons) no cost
    /// is refundable. Refusion = rate × min(costs, frame), rounded to øre half away from zero.
    /// </summary>
    public MentorFrameResult Calculate(Amount costs)
    {
        Preconditions.Require(costs >= Amount.Zero, "Mentor costs cannot be negative.");
        var refundable = Rate == RefusionRate.Zero ? Amount.Zero : costs < Frame ? costs : Frame;
        return new MentorFrameResult(this, refundable, Amount.RoundToOre(refundable.Kroner * Rate.Percent / 100m));
    }
}

public sealed record MentorFrameResult(MentorFrame Frame, Amount RefundableCosts, Amount Refusion);

using Budget.Application.Datasets;
using Budget.Domain;
using Budget.Domain.Refusion;

namespace Budget.Application.Refusion;

/// <summary>The rule data could not be loaded; the message lists every problem with file, line and column.</summary>
public sealed class RuleDataException(IReadOnlyList<DatasetError> errors)
    : Exception("The refusion rule data is invalid:" + string.Concat(errors.Select(e => $"\n  {e.File}.csv line {e.Line}{(e.Column is null ? "" : $", {e.Column}")}: {e.Message}")))
{
    public IReadOnlyList<DatasetError> Errors { get; } = errors;
}

/// <summary>
/// Loads the refusion rules, operating caps, central-scheme thresholds and mentor frames from the CSV files of
/// <c>data/rules/</c> (docs/refusion.md) and validates them as a whole: rates 0–100 %, week bands from week 1
/// without gap or overlap, no two periods of the same rule overlapping, exactly one cap in force per year and group.
/// </summary>
public static class RuleData
{
    public static readonly IReadOnlyList<string> FileNames = ["refusion-rates", "operating-caps", "central-refusion", "mentor-frames"];

    private const string AnyActivity = "*";

    public static RefusionRuleBook Load(IReadOnlyDictionary<string, Func<Stream>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new ErrorList();
        foreach (var name in FileNames.Where(n => !files.ContainsKey(n)))
        {
            errors.Add(new DatasetError(name, 0, null, "the file is missing"));
        }

        if (errors.Any)
        {
            throw new RuleDataException(errors.Items);
        }

        var rules = Rates(files["refusion-rates"], errors);
        var caps = Caps(files["operating-caps"], errors);
        var thresholds = Thresholds(files["central-refusion"], errors);
        var frames = Frames(files["mentor-frames"], errors);
        if (errors.Any)
        {
            throw new RuleDataException(errors.Items);
        }

        return new RefusionRuleBook(rules, caps, thresholds, frames);
    }

    /// <summary>The rule data files of a folder (<c>Budget:RulesPath</c>).</summary>
    public static RefusionRuleBook LoadFolder(string folder) =>
        Load(FileNames.Where(n => File.Exists(Path.Combine(folder, n + ".csv")))
            .ToDictionary(n => n, n => (Func<Stream>)(() => File.OpenRead(Path.Combine(folder, n + ".csv")))));

    /// <summary>The rule data files embedded in an assembly as <c>rules/NAME.csv</c> (the API and the CLI carry a copy of data/rules).</summary>
    public static RefusionRuleBook LoadEmbedded(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Load(FileNames
            .Where(n => assembly.GetManifestResourceInfo($"rules/{n}.csv") is not null)
            .ToDictionary(n => n, n => (Func<Stream>)(() => assembly.GetManifestResourceStream($"rules/{n}.csv")!)));
    }

    private sealed record RateRow(int Line, string RuleSet, string Benefit, Activity? Activity, WeekBand Band, RateMeasure Measure, Validity Validity, int? ResetAfterWeeksInJob);

    private static List<RefusionRule> Rates(Func<Stream> open, ErrorList errors)
    {
        const string file = "refusion-rates";
        var rows = new List<RateRow>();
        using (var table = CsvTable.Open(file, open(), ["rule_set", "benefit", "activity", "from_week", "to_week", "rate", "measure", "valid_from", "valid_to", "source"], ["reset_after_weeks_in_job"], errors))
        {
            if (table is null)
            {
                return [];
            }

            foreach (var row in table.Rows())
            {
                var ruleSet = row.Text("rule_set", maxLength: 50);
                var benefit = row.Text("benefit", maxLength: 100);
                var activityText = row.Raw("activity");
                Activity? activity = null;
                if (activityText != AnyActivity)
                {
                    if (ActivityCodes.TryParse(activityText, out var parsed))
                    {
                        activity = parsed;
                    }
                    else
                    {
                        row.Reject("activity", $"'{activityText}' is not an activity ({string.Join(", ", ActivityCodes.All)}, or * for any)");
                    }
                }

                var from = row.Integer("from_week", 1, 10_000);
                var to = row.Raw("to_week") == "" ? null : row.Integer("to_week", 1, 10_000);
                var rate = row.Decimal("rate", 0m, 100m, 2);
                var measure = row.Raw("measure") switch
                {
                    "refusion" => RateMeasure.Refusion,
                    "cofinancing" => RateMeasure.CoFinancing,
                    var other => Reject<RateMeasure>(row, "measure", $"'{other}' is not a measure (refusion or cofinancing)"),
                };
                var validity = ValidityOf(row);
                var reset = row.Raw("reset_after_weeks_in_job") == "" ? null : row.Integer("reset_after_weeks_in_job", 1, 520);
                if (from is not null && to is not null && to < from)
                {
                    row.Reject("to_week", $"week {to} is before from_week {from}");
                }

                if (!row.HasErrors)
                {
                    rows.Add(new RateRow(row.Line, ruleSet!, benefit!, activity, new WeekBand(from!.Value, to, RefusionRate.Of(rate!.Value), validity!.Source), measure, validity!, reset));
                }
            }
        }

        var rules = new List<RefusionRule>();
        foreach (var rule in rows.GroupBy(r => (r.RuleSet, r.Benefit, r.Activity, r.Validity.From, r.Validity.To)))
        {
            var first = rule.First();
            if (rule.Select(r => r.Measure).Distinct().Count() > 1)
            {
                errors.Add(new DatasetError(file, first.Line, "measure", $"{Describe(first)} mixes refusion and cofinancing rates"));
                continue;
            }

            if (rule.Select(r => r.ResetAfterWeeksInJob).Distinct().Count() > 1)
            {
                errors.Add(new DatasetError(file, rule.First(r => r.ResetAfterWeeksInJob != first.ResetAfterWeeksInJob).Line, "reset_after_weeks_in_job", $"{Describe(first)} gives different resets after weeks in a job in one period"));
                continue;
            }

            try
            {
                rules.Add(new RefusionRule(first.RuleSet, first.Benefit, first.Activity, first.Measure, RateSchedule.FromBands(rule.Select(r => r.Band)), first.Validity with { Source = string.Join(" | ", rule.Select(r => r.Validity.Source).Distinct()) }, first.ResetAfterWeeksInJob));
            }
            catch (BudgetRuleException e)
            {
                errors.Add(new DatasetError(file, first.Line, "from_week", $"{Describe(first)}: {e.Message}"));
            }
        }

        // Two rules answer the same question when they share rule set and benefit, their activities meet (equal, or
        // one applies to any) and their periods overlap: the data would then say two different things.
        var byBenefit = rows.GroupBy(r => (r.RuleSet, r.Benefit));
        foreach (var group in byBenefit)
        {
            var periods = group.GroupBy(r => (r.Activity, r.Validity.From, r.Validity.To)).Select(g => g.First()).ToArray();
            for (var i = 0; i < periods.Length; i++)
            {
                for (var j = i + 1; j < periods.Length; j++)
                {
                    var (a, b) = (periods[i], periods[j]);
                    var activitiesMeet = a.Activity is null || b.Activity is null || a.Activity == b.Activity;
                    if (activitiesMeet && a.Validity.Overlaps(b.Validity))
                    {
                        errors.Add(new DatasetError(file, b.Line, "valid_from", $"{Describe(b)} valid {b.Validity} overlaps line {a.Line} ({Describe(a)} valid {a.Validity})"));
                    }
                }
            }
        }

        return rules;
    }

    private static string Describe(RateRow row) => $"{row.RuleSet} {row.Benefit} ({row.Activity?.ToCode() ?? "any activity"})";

    private static T Reject<T>(CsvRow row, string column, string message)
        where T : struct
    {
        row.Reject(column, message);
        return default;
    }

    private static Validity? ValidityOf(CsvRow row)
    {
        var from = row.Date("valid_from");
        var to = row.Raw("valid_to") == "" ? null : row.Date("valid_to");
        var source = row.Text("source", maxLength: 1000);
        if (from is not null && to is not null && to < from)
        {
            row.Reject("valid_to", $"{to:yyyy-MM-dd} is before valid_from {from:yyyy-MM-dd}");
        }

        return from is null || source is null ? null : new Validity(from.Value, to, source);
    }

    private static List<OperatingCap> Caps(Func<Stream> open, ErrorList errors)
    {
        const string file = "operating-caps";
        var caps = new List<(int Line, OperatingCap Cap)>();
        using (var table = CsvTable.Open(file, open(), ["cap_set", "year", "group", "amount_per_person", "refusion_rate", "in_force", "source"], [], errors))
        {
            if (table is null)
            {
                return [];
            }

            foreach (var row in table.Rows())
            {
                var set = row.Text("cap_set", maxLength: 100);
                var year = row.Integer("year", 1970, 2100);
                var group = row.Text("group", maxLength: 100);
                var amount = row.Amount("amount_per_person");
                var rate = row.Decimal("refusion_rate", 0m, 100m, 2);
                var inForce = row.Raw("in_force") switch
                {
                    "yes" => true,
                    "no" => false,
                    var other => Reject<bool>(row, "in_force", $"'{other}' is not yes or no"),
                };
                var source = row.Text("source");
                if (amount is { } a && a.Ore <= 0)
                {
                    row.Reject("amount_per_person", "the cap per person must be positive");
                }

                if (!row.HasErrors)
                {
                    caps.Add((row.Line, new OperatingCap(set!, year!.Value, group!, amount!.Value, RefusionRate.Of(rate!.Value), inForce, source!)));
                }
            }
        }

        foreach (var duplicate in caps.GroupBy(c => (c.Cap.CapSet, c.Cap.Year, c.Cap.Group)).Where(g => g.Count() > 1))
        {
            errors.Add(new DatasetError(file, duplicate.Last().Line, "cap_set", $"{duplicate.Key.CapSet} has two values for {duplicate.Key.Group} in {duplicate.Key.Year}"));
        }

        foreach (var yearGroup in caps.GroupBy(c => (c.Cap.Year, c.Cap.Group)))
        {
            var inForce = yearGroup.Count(c => c.Cap.InForce);
            if (inForce != 1)
            {
                errors.Add(new DatasetError(file, yearGroup.Last().Line, "in_force", $"{yearGroup.Key.Group} in {yearGroup.Key.Year} has {inForce} caps in force; exactly one must be"));
            }
        }

        return caps.Select(c => c.Cap).ToList();
    }

    private static List<ThresholdScheme> Thresholds(Func<Stream> open, ErrorList errors)
    {
        const string file = "central-refusion";
        var bands = new List<(int Line, string Scheme, int Year, ThresholdBand Band, string Source)>();
        using (var table = CsvTable.Open(file, open(), ["scheme", "year", "above", "rate", "source"], [], errors))
        {
            if (table is null)
            {
                return [];
            }

            foreach (var row in table.Rows())
            {
                var scheme = row.Text("scheme", maxLength: 100);
                var year = row.Integer("year", 1970, 2100);
                var above = row.Amount("above");
                var rate = row.Decimal("rate", 0m, 100m, 2);
                var source = row.Text("source");
                if (above is { } a && a.Ore < 0)
                {
                    row.Reject("above", "a threshold cannot be negative");
                }

                if (!row.HasErrors)
                {
                    bands.Add((row.Line, scheme!, year!.Value, new ThresholdBand(above!.Value, RefusionRate.Of(rate!.Value)), source!));
                }
            }
        }

        var schemes = new List<ThresholdScheme>();
        foreach (var scheme in bands.GroupBy(b => (b.Scheme, b.Year)))
        {
            var twice = scheme.GroupBy(b => b.Band.Above).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
            {
                errors.Add(new DatasetError(file, twice.Last().Line, "above", $"{scheme.Key.Scheme} {scheme.Key.Year} has the threshold {twice.Key.Kroner} twice"));
                continue;
            }

            schemes.Add(new ThresholdScheme(scheme.Key.Scheme, scheme.Key.Year, scheme.Select(b => b.Band).OrderBy(b => b.Above).ToArray(), string.Join(" | ", scheme.Select(b => b.Source).Distinct())));
        }

        return schemes;
    }

    private static List<MentorFrame> Frames(Func<Stream> open, ErrorList errors)
    {
        const string file = "mentor-frames";
        var frames = new List<(int Line, MentorFrame Frame)>();
        using (var table = CsvTable.Open(file, open(), ["year", "target_group", "rate", "frame", "source"], [], errors))
        {
            if (table is null)
            {
                return [];
            }

            foreach (var row in table.Rows())
            {
                var year = row.Integer("year", 1970, 2100);
                var group = row.Text("target_group", maxLength: 100);
                var rate = row.Decimal("rate", 0m, 100m, 2);
                var frame = row.Amount("frame");
                var source = row.Text("source");
                if (!row.HasErrors)
                {
                    frames.Add((row.Line, new MentorFrame(year!.Value, group!, RefusionRate.Of(rate!.Value), frame!.Value, source!)));
                }
            }
        }

        foreach (var duplicate in frames.GroupBy(f => (f.Frame.Year, f.Frame.TargetGroup)).Where(g => g.Count() > 1))
        {
            errors.Add(new DatasetError(file, duplicate.Last().Line, "target_group", $"{duplicate.Key.TargetGroup} appears twice in {duplicate.Key.Year}"));
        }

        return frames.Select(f => f.Frame).ToList();
    }
}

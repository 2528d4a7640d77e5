using System.Text.Json.Serialization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application.Refusion;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Budget.Api.Refusion;

/// <summary>Weeks <c>fromWeek</c>–<c>toWeek</c> (inclusive, numbered as the answer's <c>week</c>) spent in a job (contract §12).</summary>
public sealed record JobPeriodRequest(int FromWeek, int ToWeek);

/// <summary>
/// Contract §6 and §12: a case names its <c>ruleSet</c>, or gives <c>firstWeekStart</c> (the Monday of its first
/// listed week) and each week then follows the rule set in force on its date; <c>jobPeriods</c> are weeks in a job.
/// </summary>
public sealed record RefusionCaseRequest(string? Id, string? Benefit, string? RuleSet, int FirstWeekAnciennity, string? Activity, decimal[]? WeeklyAmounts, LocalDate? FirstWeekStart = null, JobPeriodRequest[]? JobPeriods = null);

/// <summary>Contract §6; <c>date</c> (optional extension) picks the rates valid on that date within the rule set.</summary>
public sealed record RefusionRequest(RefusionCaseRequest[]? Cases, LocalDate? Date);

/// <summary>
/// One week of a case (contract §6). A dated case (<c>firstWeekStart</c>) also says each week's <c>weekStart</c> and
/// <c>ruleSet</c>; a week in a job says <c>inJob</c>: these members are left out otherwise.
/// </summary>
public sealed record RefusionWeekDto(
    int Week,
    int Anciennity,
    decimal Rate,
    decimal Amount,
    decimal Refusion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LocalDate? WeekStart = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RuleSet = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InJob = null);

/// <summary>One case's totals; <c>weeks</c> only when the request asked for <c>detail=weeks</c> (contract §7), otherwise left out.</summary>
public sealed record RefusionCaseDto(
    string Id,
    decimal Gross,
    decimal Refusion,
    decimal Net,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RefusionWeekDto>? Weeks,
    string RuleSet,
    string Source);

public sealed record RefusionTotalDto(decimal Gross, decimal Refusion, decimal Net)
{
    public static RefusionTotalDto From(RefusionTotals totals) => new(totals.Gross.Kroner, totals.Refusion.Kroner, totals.Net.Kroner);
}

public sealed record RefusionResponse(IReadOnlyList<RefusionCaseDto> Cases, RefusionTotalDto Total);

/// <summary>Contract §6; <c>capSet</c> (optional extension) picks another of the year's sources than the one in force.</summary>
public sealed record OperatingCapRequest(int Year, string? Group, [property: JsonRequired] decimal FullYearPersons, [property: JsonRequired] decimal Costs, string? CapSet);

public sealed record OperatingCapResponse(decimal CapPerPerson, decimal Cap, decimal RefundableCosts, decimal Refusion, string CapSet, decimal Rate, string Source);

public sealed record CentralRefusionRequest(int Year, [property: JsonRequired] decimal Costs, string? Scheme);

public sealed record CentralRefusionResponse(string Scheme, int Year, decimal Costs, decimal Refusion, decimal Net, string Source);

/// <summary>Contract §12: mentor costs of a year for one target group (<c>aktivitetsparat</c> or <c>jobparat</c>).</summary>
public sealed record MentorFrameRequest(int Year, string? TargetGroup, [property: JsonRequired] decimal Costs);

public sealed record MentorFrameResponse(decimal Frame, decimal RefundableCosts, decimal Refusion, decimal Rate, string Source);

internal sealed class MentorFrameRequestValidator : AbstractValidator<MentorFrameRequest>
{
    public static readonly IReadOnlyList<string> TargetGroups = ["aktivitetsparat", "jobparat"];

    public MentorFrameRequestValidator()
    {
        RuleFor(r => r.Year).InclusiveBetween(1970, 2100);
        RuleFor(r => r.TargetGroup).NotEmpty().Must(g => g is null || TargetGroups.Contains(g))
            .WithMessage($"'{{PropertyValue}}' is not a target group; target groups are {string.Join(", ", TargetGroups)}.");
        RuleFor(r => r.Costs).IsKroner().GreaterThanOrEqualTo(0m);
    }
}

internal sealed class RefusionRequestValidator : AbstractValidator<RefusionRequest>
{
    public const int MaxCases = 10_000;
    public const int MaxWeeks = 520;

    /// <summary>Contract §7: one calculation covers at most this many weeks summed over its cases; beyond → 413.</summary>
    public const int MaxCaseWeeks = 100_000;

    public RefusionRequestValidator()
    {
        RuleFor(r => r.Cases).NotEmpty().WithMessage("'Cases' must hold at least one case.")
            .Must(c => c is null || c.Length <= MaxCases).WithMessage($"At most {MaxCases} cases per request.");
        // An oversized request is answered 413 by the endpoint; checking each of its weeks first (up to 10 000 cases × 520)
        // would spend the very time the limit is there to save.
        When(r => CaseWeeks(r) <= MaxCaseWeeks, () => RuleForEach(r => r.Cases).NotNull().WithMessage("A case cannot be null.").ChildRules(c =>
        {
            c.RuleFor(x => x.Id).NotEmpty().MaximumLength(200);
            c.RuleFor(x => x.Benefit).NotEmpty();
            c.RuleFor(x => x.RuleSet).NotEmpty().When(x => x.FirstWeekStart is null).WithMessage("Give 'RuleSet', or 'FirstWeekStart' for the rule set to follow each week's date.");
            c.RuleFor(x => x.RuleSet).Empty().When(x => x.FirstWeekStart is not null).WithMessage("Give 'RuleSet' or 'FirstWeekStart', not both: with 'FirstWeekStart' the rule set follows each week's date.");
            c.RuleFor(x => x.FirstWeekStart).Must(d => d is null || d.Value.DayOfWeek == IsoDayOfWeek.Monday)
                .WithMessage("'FirstWeekStart' is the Monday of the first listed week; {PropertyValue} is not a Monday.")
                .Must(d => d is null || (d.Value.Year >= 1970 && d.Value.Year <= 2100)).WithMessage("'FirstWeekStart' lies from 1970 to 2100.");
            c.RuleFor(x => x.JobPeriods).Must(p => p is null || p.Length <= MaxWeeks).WithMessage($"At most {MaxWeeks} job periods per case.")
                .Must(NotOverlap).WithMessage("Job periods overlap.");
            c.RuleForEach(x => x.JobPeriods).NotNull().WithMessage("A job period cannot be null.").ChildRules(j =>
            {
                j.RuleFor(p => p.FromWeek).InclusiveBetween(1, MaxWeeks);
                j.RuleFor(p => p.ToWeek).InclusiveBetween(1, MaxWeeks).GreaterThanOrEqualTo(p => p.FromWeek);
            });
            c.RuleFor(x => x).Must(x => x.JobPeriods is null || x.WeeklyAmounts is null || x.JobPeriods.All(p => p is null || p.ToWeek <= x.WeeklyAmounts.Length))
                .WithName("JobPeriods").WithMessage("A job period ends after the last listed week.");
            c.RuleFor(x => x).Must(x => x.WeeklyAmounts is null || JobWeeks(x).All(w => w > x.WeeklyAmounts.Length || x.WeeklyAmounts[w - 1] == 0m))
                .WithName("WeeklyAmounts").WithMessage("A week in a job carries no benefit: its amount must be 0.");
            c.RuleFor(x => x.FirstWeekAnciennity).InclusiveBetween(1, 10_000);
            c.RuleFor(x => x.Activity).Must(a => a is null || ActivityCodes.TryParse(a, out _))
                .WithMessage($"'{{PropertyValue}}' is not an activity; activities are {string.Join(", ", ActivityCodes.All)}.");
            c.RuleFor(x => x.WeeklyAmounts).NotEmpty().WithMessage("'WeeklyAmounts' must hold at least one week.")
                .Must(w => w is null || w.Length <= MaxWeeks).WithMessage($"At most {MaxWeeks} weeks per case.");
            c.RuleForEach(x => x.WeeklyAmounts).IsKroner();
        }));
    }

    /// <summary>The weeks (numbered from 1) a case spends in a job.</summary>
    public static HashSet<int> JobWeeks(RefusionCaseRequest item) =>
        (item.JobPeriods ?? []).Where(p => p is not null && p.FromWeek >= 1 && p.ToWeek >= p.FromWeek && p.ToWeek <= MaxWeeks)
            .SelectMany(p => Enumerable.Range(p.FromWeek, p.ToWeek - p.FromWeek + 1)).ToHashSet();

    private static bool NotOverlap(JobPeriodRequest[]? periods)
    {
        var ordered = (periods ?? []).Where(p => p is not null).OrderBy(p => p.FromWeek).ToArray();
        return ordered.Zip(ordered.Skip(1)).All(pair => pair.Second.FromWeek > pair.First.ToWeek);
    }

    /// <summary>The weeks of all cases together: the size of the calculation and of its per-week answer.</summary>
    public static long CaseWeeks(RefusionRequest request) => request.Cases?.Sum(c => (long)(c?.WeeklyAmounts?.Length ?? 0)) ?? 0;
}

internal sealed class OperatingCapRequestValidator : AbstractValidator<OperatingCapRequest>
{
    public OperatingCapRequestValidator()
    {
        RuleFor(r => r.Group).NotEmpty();
        RuleFor(r => r.FullYearPersons).InclusiveBetween(0m, 1_000_000m).Must(p => decimal.Round(p, 4) == p).WithMessage("'FullYearPersons' has at most 4 decimals.");
        RuleFor(r => r.Costs).IsKroner().GreaterThanOrEqualTo(0m);
    }
}

internal sealed class CentralRefusionRequestValidator : AbstractValidator<CentralRefusionRequest>
{
    public CentralRefusionRequestValidator() => RuleFor(r => r.Costs).IsKroner().GreaterThanOrEqualTo(0m);
}

/// <summary>State refusion (statsrefusion) of benefits, the operating cap (driftsloft) and the central refusion scheme, from the rule data.</summary>
public static class RefusionEndpoints
{
    public static IEndpointRouteBuilder MapRefusionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/refusion").WithTags("Refusion").AddEndpointFilter<ValidationFilter>().RequireAuthorization(Access.Read);
        group.MapPost("/calculate", Calculate);
        group.MapPost("/operating-cap", OperatingCap);
        group.MapPost("/central", Central);
        group.MapPost("/mentor-frame", MentorFrame);
        group.MapGet("/rules", ListRules);
        return app;
    }

    /// <summary>
    /// Per case and in total gross, refusion and net; with <c>detail=weeks</c> also per case and week anciennity, rate
    /// and refusion. At most <see cref="RefusionRequestValidator.MaxCaseWeeks"/> case-weeks (413 beyond).
    /// </summary>
    public static Results<Ok<RefusionResponse>, ValidationProblem, ProblemHttpResult> Calculate(RefusionRequest request, string? detail, RefusionRuleBook rules)
    {
        if (detail is not null and not "weeks")
        {
            return Problems.Invalid("detail", "detail must be 'weeks' (per-week detail) or left out (totals only).");
        }

        var caseWeeks = RefusionRequestValidator.CaseWeeks(request);
        if (caseWeeks > RefusionRequestValidator.MaxCaseWeeks)
        {
            return TypedResults.Problem(
                detail: $"A calculation covers at most {RefusionRequestValidator.MaxCaseWeeks} case-weeks (weekly amounts summed over the cases); this request has {caseWeeks}. Split it into several requests.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Too many case-weeks",
                extensions: new Dictionary<string, object?> { ["limit"] = RefusionRequestValidator.MaxCaseWeeks, ["caseWeeks"] = caseWeeks });
        }

        var withWeeks = detail == "weeks";
        var errors = new Dictionary<string, string[]>();
        var results = new List<(RefusionCaseResult Result, RefusionCaseRequest Item)>();
        for (var i = 0; i < request.Cases!.Length; i++)
        {
            var item = request.Cases[i];
            Activity? activity = item.Activity is null ? null : ActivityCodes.TryParse(item.Activity, out var parsed) ? parsed : null;
            var amounts = item.WeeklyAmounts!.Select(Amount.Of).ToArray();
            RuleLookupError? error = null;
            RefusionRule[] ruleOfWeek;
            if (item.FirstWeekStart is { } firstMonday)
            {
                // A dated case: each week under the rule set in force on its date (RuleWeeks.GoverningDate).
                ruleOfWeek = new RefusionRule[amounts.Length];
                for (var w = 0; w < amounts.Length && error is null; w++)
                {
                    (var rule, error) = rules.FindInForce(item.Benefit!, activity, RuleWeeks.GoverningDate(firstMonday.PlusWeeks(w)));
                    ruleOfWeek[w] = rule!;
                    if (error?.Field == "date")
                    {
                        error = error with { Field = "firstWeekStart", Message = $"Week {w + 1} (from {firstMonday.PlusWeeks(w):yyyy-MM-dd}): {error.Message}" };
                    }
                }
            }
            else
            {
                (var rule, error) = rules.Find(item.RuleSet!, item.Benefit!, activity, request.Date);
                ruleOfWeek = [rule!];
            }

            if (error is not null)
            {
                errors[error.Field == "date" ? "Date" : $"Cases[{i}].{char.ToUpperInvariant(error.Field[0])}{error.Field[1..]}"] = [error.Message];
                continue;
            }

            var weekRules = ruleOfWeek;
            results.Add((RefusionCases.Calculate(item.Id!, week => weekRules[Math.Min(week, weekRules.Length) - 1], item.FirstWeekAnciennity, amounts, RefusionRequestValidator.JobWeeks(item)), item));
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "A case names something the rule data does not have");
        }

        var total = results.Aggregate(RefusionTotals.None, (sum, r) => sum + r.Result.Totals);
        return TypedResults.Ok(new RefusionResponse(
            results.Select(r =>
            {
                var used = r.Result.Weeks.Where(w => w.Rule is not null).Select(w => w.Rule!).Distinct().ToArray();
                var dated = r.Item.FirstWeekStart;
                return new RefusionCaseDto(
                    r.Result.Id,
                    r.Result.Totals.Gross.Kroner,
                    r.Result.Totals.Refusion.Kroner,
                    r.Result.Totals.Net.Kroner,
                    withWeeks ? r.Result.Weeks.Select(w => new RefusionWeekDto(
                        w.Week, w.Anciennity, w.Rate.Percent, w.Amount.Kroner, w.Refusion.Kroner,
                        dated?.PlusWeeks(w.Week - 1), dated is null ? null : w.Rule?.RuleSet, w.InJob ? true : null)).ToArray() : null,
                    used.Length == 0 ? r.Item.RuleSet ?? "" : string.Join("+", used.Select(u => u.RuleSet).Distinct()),
                    string.Join(" | ", used.Select(u => u.Validity.Source).Distinct()));
            }).ToArray(),
            RefusionTotalDto.From(total)));
    }

    /// <summary>cap = persons × amount per person for the year and group; refusion = the rate (50 %) of the lesser of costs and cap.</summary>
    public static Results<Ok<OperatingCapResponse>, ValidationProblem> OperatingCap(OperatingCapRequest request, RefusionRuleBook rules)
    {
        var forGroup = rules.Caps.Where(c => c.Group == request.Group).ToArray();
        if (forGroup.Length == 0)
        {
            return Problems.Invalid("group", $"'{request.Group}' is not a cap group; groups are {string.Join(", ", rules.Caps.Select(c => c.Group).Distinct())}.");
        }

        var forYear = forGroup.Where(c => c.Year == request.Year).ToArray();
        if (forYear.Length == 0)
        {
            return Problems.Invalid("year", $"The rule data has no cap for {request.Group} in {request.Year}; it has {string.Join(", ", forGroup.Select(c => c.Year).Distinct().Order())}.");
        }

        var cap = request.CapSet is null ? forYear.Single(c => c.InForce) : forYear.FirstOrDefault(c => c.CapSet == request.CapSet);
        if (cap is null)
        {
            return Problems.Invalid("capSet", $"'{request.CapSet}' has no cap for {request.Group} in {request.Year}; sets are {string.Join(", ", forYear.Select(c => c.CapSet))}.");
        }

        var result = OperatingCaps.Calculate(cap, request.FullYearPersons, Amount.Of(request.Costs));
        return TypedResults.Ok(new OperatingCapResponse(cap.PerPerson.Kroner, result.CapAmount.Kroner, result.RefundableCosts.Kroner, result.Refusion.Kroner, cap.CapSet, cap.Rate.Percent, cap.Source));
    }

    /// <summary>The central refusion scheme for a costly single case: marginal rates above each threshold of the year.</summary>
    public static Results<Ok<CentralRefusionResponse>, ValidationProblem> Central(CentralRefusionRequest request, RefusionRuleBook rules)
    {
        var schemes = rules.Thresholds.Where(t => request.Scheme is null || t.Scheme == request.Scheme).ToArray();
        if (schemes.Length == 0)
        {
            return Problems.Invalid("scheme", $"'{request.Scheme}' is not a scheme; schemes are {string.Join(", ", rules.Thresholds.Select(t => t.Scheme).Distinct())}.");
        }

        var scheme = schemes.FirstOrDefault(t => t.Year == request.Year);
        if (scheme is null)
        {
            return Problems.Invalid("year", $"The rule data has no thresholds for {request.Year}; it has {string.Join(", ", schemes.Select(t => t.Year).Distinct().Order())}.");
        }

        var costs = Amount.Of(request.Costs);
        var refusion = scheme.RefusionOf(costs);
        return TypedResults.Ok(new CentralRefusionResponse(scheme.Scheme, scheme.Year, costs.Kroner, refusion.Kroner, (costs - refusion).Kroner, scheme.Source));
    }

    /// <summary>Mentor costs (contract §12): job-ready 0 %; activity-ready 50 % of the costs within the year's mentor frame, 0 % above it.</summary>
    public static Results<Ok<MentorFrameResponse>, ValidationProblem> MentorFrame(MentorFrameRequest request, RefusionRuleBook rules)
    {
        var forGroup = rules.MentorFrames.Where(f => f.TargetGroup == request.TargetGroup).ToArray();
        var frame = forGroup.FirstOrDefault(f => f.Year == request.Year);
        if (frame is null)
        {
            return Problems.Invalid("year", $"The rule data has no mentor frame for {request.TargetGroup} in {request.Year}; it has {string.Join(", ", forGroup.Select(f => f.Year).Distinct().Order())}.");
        }

        var result = frame.Calculate(Amount.Of(request.Costs));
        return TypedResults.Ok(new MentorFrameResponse(frame.Frame.Kroner, result.RefundableCosts.Kroner, result.Refusion.Kroner, frame.Rate.Percent, frame.Source));
    }

    /// <summary>
    /// Every rule in the loaded data with its bands, period and source (the rule's sources joined, and each band's own),
    /// and every cap, threshold scheme and mentor frame with its source: what the calculations use.
    /// </summary>
    public static Ok<object> ListRules(RefusionRuleBook rules) => TypedResults.Ok<object>(new
    {
        rules = rules.Rules.Select(r => new
        {
            ruleSet = r.RuleSet,
            benefit = r.Benefit,
            activity = r.Activity?.ToCode(),
            measure = r.Measure == RateMeasure.CoFinancing ? "cofinancing" : "refusion",
            shape = r.Schedule switch { FlatRate => "flat", Staircase => "staircase", CutOffAfter => "cut-off", _ => "other" },
            bands = r.Schedule.Bands.Select(b => new { fromWeek = b.FromWeek, toWeek = b.ToWeek, rate = b.Rate.Percent, source = b.Source }),
            validFrom = r.Validity.From,
            validTo = r.Validity.To,
            source = r.Validity.Source,
            resetAfterWeeksInJob = r.ResetAfterWeeksInJob,
        }),
        operatingCaps = rules.Caps.Select(c => new { capSet = c.CapSet, year = c.Year, group = c.Group, capPerPerson = c.PerPerson.Kroner, rate = c.Rate.Percent, inForce = c.InForce, source = c.Source }),
        centralRefusion = rules.Thresholds.Select(t => new { scheme = t.Scheme, year = t.Year, bands = t.Bands.Select(b => new { above = b.Above.Kroner, rate = b.Rate.Percent }), source = t.Source }),
        mentorFrames = rules.MentorFrames.Select(f => new { year = f.Year, targetGroup = f.TargetGroup, rate = f.Rate.Percent, frame = f.Frame.Kroner, source = f.Source }),
    });
}

/// <summary>Loads the rule data at start-up: from <c>Budget:RulesPath</c> when set, else the copy embedded from data/rules.</summary>
internal static class RuleSetup
{
    public static RefusionRuleBook Load(IConfiguration configuration)
    {
        var folder = configuration["Budget:RulesPath"];
        if (!string.IsNullOrWhiteSpace(folder))
        {
            return RuleData.LoadFolder(folder);
        }

        return RuleData.LoadEmbedded(typeof(RuleSetup).Assembly);
    }
}

using Budget.Domain.Accounts;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Budget.Api.Refusion;

/// <summary>
/// One line of a what-if scenario (contract §11): <c>kind</c> <c>benefit</c> (a transfer with the refusion of its
/// benefit, activity, anciennity and rule set) or <c>wage</c> (service expenditure without refusion); <c>persons</c>
/// full-year persons at <c>monthly</c> kroner each. <c>anciennityWeeks</c> is the persons' anciennity week in the
/// year's first week (needed when the benefit's rate depends on it); <c>ruleSet</c> defaults to the benefit's latest
/// rule set; <c>classification</c> (<c>service</c> | <c>transfer</c>) overrides the kind's class.
/// </summary>
public sealed record WhatIfLineRequest(string? Kind, string? Benefit, decimal? Persons, decimal? Monthly, string? Activity, int? AnciennityWeeks, string? RuleSet, string? Classification);

public sealed record WhatIfScenarioRequest(string? Name, WhatIfLineRequest[]? Lines);

public sealed record WhatIfRequest(WhatIfScenarioRequest[]? Scenarios);

/// <summary>A line's year: gross, refusion, net, and the average refusion rate over the year's weeks (%, two decimals, half away from zero; for reading only).</summary>
public sealed record WhatIfLineDto(string Kind, string Classification, string? Benefit, string? RuleSet, decimal Gross, decimal Refusion, decimal Net, decimal AverageRate);

public sealed record WhatIfScenarioDto(string Name, decimal Service, decimal Transfer, decimal Gross, decimal Refusion, decimal Net, IReadOnlyList<WhatIfLineDto> Lines);

public sealed record WhatIfDifferenceDto(string Name, decimal Service, decimal Transfer, decimal Gross, decimal Refusion, decimal Net);

/// <summary>Per scenario its year (12 months, <c>weeksInYear</c> weeks of anciennity), and each scenario minus the first.</summary>
public sealed record WhatIfResponse(IReadOnlyList<WhatIfScenarioDto> Scenarios, IReadOnlyList<WhatIfDifferenceDto> Differences, int WeeksInYear);

internal sealed class WhatIfRequestValidator : AbstractValidator<WhatIfRequest>
{
    public const int MaxScenarios = 20;
    public const int MaxLines = 200;
    public const decimal MaxPersons = 1_000_000m;
    public static readonly IReadOnlyList<string> Kinds = ["benefit", "wage"];
    public static readonly IReadOnlyList<string> Classes = ["service", "transfer"];

    public WhatIfRequestValidator()
    {
        RuleFor(r => r.Scenarios).NotEmpty().WithMessage("'Scenarios' must hold at least one scenario.")
            .Must(s => s is null || s.Length <= MaxScenarios).WithMessage($"At most {MaxScenarios} scenarios per request.")
            .Must(s => s is null || s.Where(x => x?.Name is not null).GroupBy(x => x.Name).All(g => g.Count() == 1)).WithMessage("Each scenario needs a name of its own.");
        RuleForEach(r => r.Scenarios).NotNull().WithMessage("A scenario cannot be null.").ChildRules(s =>
        {
            s.RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
            s.RuleFor(x => x.Lines).NotEmpty().WithMessage("'Lines' must hold at least one line.")
                .Must(l => l is null || l.Length <= MaxLines).WithMessage($"At most {MaxLines} lines per scenario.");
            s.RuleForEach(x => x.Lines).NotNull().WithMessage("A line cannot be null.").ChildRules(l =>
            {
                l.RuleFor(x => x.Kind).NotEmpty().Must(k => k is null || Kinds.Contains(k)).WithMessage("'Kind' is benefit or wage, not '{PropertyValue}'.");
                l.RuleFor(x => x.Persons).NotNull().WithMessage("'Persons' is required (full-year persons).")
                    .InclusiveBetween(0m, MaxPersons).Must(p => p is null || decimal.Round(p.Value, 4) == p).WithMessage("'Persons' has at most 4 decimals.");
                l.RuleFor(x => x.Monthly).NotNull().WithMessage("'Monthly' is required (kroner a month per person).")
                    .GreaterThanOrEqualTo(0m).Must(m => m is null || decimal.Round(m.Value, 2) == m).WithMessage("'Monthly' has more than 2 decimals.")
                    .Must(m => m is null || AmountCeilings.IsWithinInput(m.Value)).WithMessage($"'Monthly' is larger than {AmountCeilings.MaxInputText} (the largest amount accepted).");
                l.RuleFor(x => x).Must(x => x.Persons is not { } p || x.Monthly is not { } m || p > MaxPersons || !AmountCeilings.IsWithinInput(m) || AmountCeilings.IsWithinInput(p * m * RefusionWhatIf.MonthsInYear))
                    .WithName("Monthly").WithMessage($"A line's year (persons × monthly × 12) is at most {AmountCeilings.MaxInputText}.");
                l.RuleFor(x => x.Classification).Must(c => c is null || Classes.Contains(c)).WithMessage("'Classification' is service or transfer, not '{PropertyValue}'.");
                l.When(x => x.Kind == "benefit", () =>
                {
                    l.RuleFor(x => x.Benefit).NotEmpty().WithMessage("A benefit line names its 'Benefit'.").MaximumLength(100);
                    l.RuleFor(x => x.RuleSet).MaximumLength(100);
                    l.RuleFor(x => x.Activity).Must(a => a is null || ActivityCodes.TryParse(a, out _))
                        .WithMessage($"'{{PropertyValue}}' is not an activity; activities are {string.Join(", ", ActivityCodes.All)}.");
                    l.RuleFor(x => x.AnciennityWeeks).InclusiveBetween(1, 10_000);
                });
                l.When(x => x.Kind == "wage", () =>
                    l.RuleFor(x => x).Must(x => x.Benefit is null && x.Activity is null && x.AnciennityWeeks is null && x.RuleSet is null)
                        .WithName("Kind").WithMessage("A wage line is service expenditure without refusion: it has no benefit, activity, anciennityWeeks or ruleSet."));
            });
        });
    }
}

/// <summary>What-if on refusion (domain.md §11): scenarios for a group of people compared per year, from the same rule data as <c>/api/refusion/calculate</c>.</summary>
public static class WhatIfEndpoints
{
    public static IEndpointRouteBuilder MapWhatIfEndpoints(this IEndpointRouteBuilder app)
    {
        // The same access as the other refusion calculations: any role, never anonymous (contract §7).
        app.MapGroup("/api/refusion").WithTags("Refusion").AddEndpointFilter<ValidationFilter>().RequireAuthorization(Access.Read)
            .MapPost("/what-if", WhatIf).WithName("RefusionWhatIf");
        return app;
    }

    /// <summary>
    /// Each scenario's service, transfer, gross, refusion and net for a year, and its difference from the first. 400
    /// naming the line when a benefit, rule set or activity is not in the rule data, or the rate depends on an
    /// anciennity the line does not give.
    /// </summary>
    public static Results<Ok<WhatIfResponse>, ValidationProblem> WhatIf(WhatIfRequest request, RefusionRuleBook rules)
    {
        var errors = new Dictionary<string, string[]>();
        var scenarios = new List<WhatIfScenarioResult>();
        for (var s = 0; s < request.Scenarios!.Length; s++)
        {
            var scenario = request.Scenarios[s];
            var lines = new List<WhatIfLine>();
            for (var l = 0; l < scenario.Lines!.Length; l++)
            {
                var (line, error) = ToLine(scenario.Lines[l], rules);
                if (error is not null)
                {
                    errors[$"Scenarios[{s}].Lines[{l}].{char.ToUpperInvariant(error.Field[0])}{error.Field[1..]}"] = [error.Message];
                }
                else
                {
                    lines.Add(line!);
                }
            }

            scenarios.Add(RefusionWhatIf.Scenario(scenario.Name!, lines));
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "A line names something the rule data does not have");
        }

        var differences = RefusionWhatIf.Differences(scenarios);
        return TypedResults.Ok(new WhatIfResponse(
            scenarios.Select((s, i) => new WhatIfScenarioDto(
                s.Name, s.Totals.Service.Kroner, s.Totals.Transfer.Kroner, s.Totals.Gross.Kroner, s.Totals.Refusion.Kroner, s.Totals.Net.Kroner,
                s.Lines.Select((l, j) => LineDto(request.Scenarios[i].Lines![j], l)).ToArray())).ToArray(),
            scenarios.Zip(differences, (s, d) => new WhatIfDifferenceDto(s.Name, d.Service.Kroner, d.Transfer.Kroner, d.Gross.Kroner, d.Refusion.Kroner, d.Net.Kroner)).ToArray(),
            RefusionWhatIf.WeeksInYear));
    }

    private static (WhatIfLine? Line, RuleLookupError? Error) ToLine(WhatIfLineRequest item, RefusionRuleBook rules)
    {
        var wage = item.Kind == "wage";
        var expenditure = item.Classification switch
        {
            "service" => ExpenditureClass.Service,
            "transfer" => ExpenditureClass.Transfer,
            _ => wage ? ExpenditureClass.Service : ExpenditureClass.Transfer,
        };
        var persons = item.Persons!.Value;
        var monthly = Amount.Of(item.Monthly!.Value);
        if (wage)
        {
            return (new WhatIfLine(expenditure, persons, monthly, null), null);
        }

        // Without a rule set: the benefit's latest (the set whose rules start last), so a new line gets today's rules.
        var ruleSet = item.RuleSet ?? rules.Rules.Where(r => r.Benefit == item.Benefit).MaxBy(r => r.Validity.From)?.RuleSet;
        if (ruleSet is null)
        {
            return (null, new RuleLookupError("benefit", $"'{Budget.Domain.Echo.Cut(item.Benefit)}' is not a benefit of the rule data; known: {string.Join(", ", rules.Rules.Select(r => r.Benefit).Distinct().Order(StringComparer.Ordinal))}."));
        }

        Activity? activity = item.Activity is not null && ActivityCodes.TryParse(item.Activity, out var parsed) ? parsed : null;
        var (rule, error) = rules.Find(ruleSet, item.Benefit!, activity);
        if (error is not null)
        {
            return (null, error);
        }

        if (item.AnciennityWeeks is null && rule!.Schedule is not FlatRate)
        {
            return (null, new RuleLookupError("anciennityWeeks", $"The {ruleSet} rate for {item.Benefit} depends on the anciennity ({string.Join(", ", rule.Schedule.Bands)}): give the persons' anciennityWeeks in the year's first week."));
        }

        return (new WhatIfLine(expenditure, persons, monthly, rule, item.AnciennityWeeks ?? 1), null);
    }

    private static WhatIfLineDto LineDto(WhatIfLineRequest item, WhatIfLineResult result) => new(
        item.Kind!,
        result.Line.Class == ExpenditureClass.Service ? "service" : "transfer",
        item.Benefit,
        result.Line.Rule?.RuleSet,
        result.Gross.Kroner,
        result.Refusion.Kroner,
        result.Net.Kroner,
        decimal.Round(result.AverageRatePercent, 2, MidpointRounding.AwayFromZero));
}

using System.Text.Json.Serialization;
using System.Globalization;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application.Cases;
using Budget.Domain;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Budget.Api.Cases;

public sealed record FrameWeightRequest(string? Committee, string? ActivityArea, [property: JsonRequired] decimal Weight);

public sealed record FrameFixedRequest(string? Committee, string? ActivityArea, Dictionary<string, decimal>? Amounts);

/// <summary>
/// Contract §10: <c>{name, totals:{year: kr}, weights:[{committee, activityArea, weight}], fixed?}</c>. Instead of
/// <c>weights</c> (extension): <c>key: "service-corrected-budget"</c> takes each activity area's corrected budget on
/// its service accounts as of <c>asOf</c> (default 31 December of the year), leaving out the areas in <c>exclude</c>.
/// </summary>
public sealed record FrameAllocationRequest(string? Name, Dictionary<string, decimal>? Totals, FrameWeightRequest?[]? Weights, FrameFixedRequest?[]? Fixed, string? Key, string[]? Exclude, LocalDate? AsOf);

public sealed record FrameRowDto(string Committee, string ActivityArea, decimal Weight, IReadOnlyDictionary<string, decimal> Amounts);

public sealed record FrameCommitteeDto(string Committee, IReadOnlyDictionary<string, decimal> Amounts);

public sealed record FrameAllocationDto(string Name, string? Key, IReadOnlyList<int> Years, IReadOnlyList<FrameRowDto> Rows, IReadOnlyList<FrameCommitteeDto> Committees, IReadOnlyDictionary<string, decimal> Total);

internal sealed class FrameAllocationRequestValidator : AbstractValidator<FrameAllocationRequest>
{
    public const int MaxRows = 10_000;
    public const int MaxYears = CaseAmounts.Count;

    /// <summary>A weight is at most 10^15 (e.g. a service budget in øre) with at most 6 decimals.</summary>
    public const decimal MaxWeight = 1_000_000_000_000_000m;

    public FrameAllocationRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Totals).NotEmpty().WithMessage("'Totals' gives the frame per year: {\"2020\": 26349341, …}.")
            .Must(t => t is null || t.Count <= MaxYears).WithMessage($"'Totals' holds at most {MaxYears} years.");
        RuleForEach(r => r.Totals).ChildRules(total =>
        {
            total.RuleFor(t => t.Key).Must(IsYear).WithMessage("'{PropertyValue}' is not a year.");
            total.RuleFor(t => t.Value).IsKroner().Must(v => decimal.Truncate(v) == v).WithMessage("A frame is shared in whole kroner: its total cannot have øre.");
        }).OverridePropertyName("Totals");
        RuleFor(r => r).Must(r => (r.Weights is null) != (r.Key is null)).OverridePropertyName("Weights")
            .WithMessage("Give 'Weights', or 'Key' (service-corrected-budget) to take them from the year's data — one of the two.");
        RuleFor(r => r.Key).Must(k => k is null || k == FrameAllocations.ServiceCorrectedBudgetKey)
            .WithMessage($"'Key' must be {FrameAllocations.ServiceCorrectedBudgetKey}.");
        RuleFor(r => r.Exclude).Null().When(r => r.Key is null).WithMessage("'Exclude' goes with 'Key'.")
            .Must(e => e is null || e.Length <= MaxRows).WithMessage($"At most {MaxRows} areas in 'Exclude'.");
        RuleForEach(r => r.Exclude).NotEmpty().MaximumLength(200);
        RuleFor(r => r.AsOf).Null().When(r => r.Key is null).WithMessage("'AsOf' goes with 'Key'.");
        RuleFor(r => r.Weights).Must(w => w is null || w.Length is > 0 and <= MaxRows).WithMessage($"'Weights' holds 1–{MaxRows} areas.");
        RuleForEach(r => r.Weights).NotNull().ChildRules(weight =>
        {
            weight.RuleFor(w => w!.Committee).NotEmpty().MaximumLength(200).OverridePropertyName("Committee");
            weight.RuleFor(w => w!.ActivityArea).NotEmpty().MaximumLength(200).OverridePropertyName("ActivityArea");
            weight.RuleFor(w => w!.Weight).InclusiveBetween(0m, MaxWeight).OverridePropertyName("Weight")
                .Must(v => decimal.Round(v, 6) == v).WithMessage("'Weight' has at most 6 decimals.");
        });
        RuleFor(r => r.Fixed).Must(f => f is null || f.Length <= MaxRows).WithMessage($"At most {MaxRows} fixed amounts.");
        RuleForEach(r => r.Fixed).NotNull().ChildRules(add =>
        {
            add.RuleFor(f => f!.Committee).NotEmpty().MaximumLength(200).OverridePropertyName("Committee");
            add.RuleFor(f => f!.ActivityArea).NotEmpty().MaximumLength(200).OverridePropertyName("ActivityArea");
            add.RuleFor(f => f!.Amounts).NotEmpty().OverridePropertyName("Amounts").Must(a => a is null || a.Count <= MaxYears).WithMessage($"'Amounts' holds at most {MaxYears} years.");
            add.RuleForEach(f => f!.Amounts).ChildRules(amount =>
            {
                amount.RuleFor(a => a.Key).Must(IsYear).WithMessage("'{PropertyValue}' is not a year.");
                amount.RuleFor(a => a.Value).IsKroner();
            }).OverridePropertyName("Amounts");
        });
    }

    public static bool IsYear(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100;
}

/// <summary>Frame allocation (contract §10, docs/cases.md): a calculation for finance; nothing is stored.</summary>
public static class FrameAllocationEndpoints
{
    public static RouteGroupBuilder MapFrameAllocationEndpoints(this RouteGroupBuilder year)
    {
        year.MapPost("/frame-allocations", Allocate).WithTags("Cases").RequireAuthorization(Access.Finance);
        return year;
    }

    /// <summary>
    /// Shares each year's frame over the areas in proportion to the weights, in whole kroner (floor, then the remaining
    /// kroner to the largest remainders, ties to the earlier row), adds the fixed amounts, and sums committees and total.
    /// </summary>
    public static async Task<Results<Ok<FrameAllocationDto>, ValidationProblem, NotFoundProblem>> Allocate(int year, FrameAllocationRequest request, FrameAllocations allocations, CancellationToken cancellationToken)
    {
        static int Year(string key) => int.Parse(key, NumberStyles.None, CultureInfo.InvariantCulture);
        var years = request.Totals!.Keys.Concat((request.Fixed ?? []).SelectMany(f => f!.Amounts!.Keys)).Select(Year).ToArray();
        if (years.FirstOrDefault(y => y < year || y > year + 3) is var outside && outside != 0)
        {
            return Problems.Invalid("totals", $"{outside} is outside the years a frame of {year} covers ({year}–{year + 3}).");
        }

        var totals = request.Totals.ToDictionary(t => Year(t.Key), t => Amount.Of(t.Value));
        var fixedAmounts = (request.Fixed ?? []).Select(f => new FrameFixed(f!.Committee!, f.ActivityArea!, f.Amounts!.ToDictionary(a => Year(a.Key), a => Amount.Of(a.Value)))).ToArray();
        FrameWeights weights = request.Key is null
            ? new FrameWeights.Explicit(request.Weights!.Select(w => new FrameWeight(w!.Committee!, w.ActivityArea!, w.Weight)).ToArray())
            : new FrameWeights.ServiceCorrectedBudget(request.AsOf ?? new LocalDate(year, 12, 31), request.Exclude ?? []);
        var outcome = await allocations.Allocate(year, totals, weights, fixedAmounts, cancellationToken);
        if (outcome.YearNotFound)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        if (outcome.Errors is not null)
        {
            return TypedResults.ValidationProblem(outcome.Errors);
        }

        var result = outcome.Result!;
        static IReadOnlyDictionary<string, decimal> Kroner(IReadOnlyDictionary<int, Amount> amounts) =>
            amounts.OrderBy(a => a.Key).ToDictionary(a => a.Key.ToString(CultureInfo.InvariantCulture), a => a.Value.Kroner);
        return TypedResults.Ok(new FrameAllocationDto(
            request.Name!,
            request.Key,
            result.Years,
            result.Rows.Select(r => new FrameRowDto(r.Committee, r.ActivityArea, r.Weight, Kroner(r.Amounts))).ToArray(),
            result.Committees.Select(c => new FrameCommitteeDto(c.Committee, Kroner(c.Amounts))).ToArray(),
            Kroner(result.Total)));
    }
}

/// <summary>
/// Loads the price index at start-up, as the rule data is loaded: from <c>Budget:PriceIndexPath</c> when set, else the
/// copy of data/reference/price-index.csv embedded in Budget.Reports. A broken file stops the start-up with every
/// problem named (file, line, column).
/// </summary>
internal static class PriceIndexSetup
{
    public static PriceIndex Load(IConfiguration configuration) =>
        PriceIndexData.LoadFileOrEmbedded(configuration["Budget:PriceIndexPath"], typeof(Budget.Reports.ServiceClassification).Assembly);
}

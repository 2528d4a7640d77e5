using Budget.Domain;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application.Cases;

/// <summary>How the weights of a frame allocation are given: explicitly per area, or taken from the year's data by a key.</summary>
public abstract record FrameWeights
{
    private FrameWeights()
    {
    }

    /// <summary>Weights as given (contract §10: <c>weights</c>).</summary>
    public sealed record Explicit(IReadOnlyList<FrameWeight> Weights) : FrameWeights;

    /// <summary>
    /// <c>key: "service-corrected-budget"</c>: each activity area's corrected budget on its service accounts (by the
    /// service classification) as of <see cref="AsOf"/>, every area with a service account taking part except those
    /// named in <see cref="Exclude"/>.
    /// </summary>
    public sealed record ServiceCorrectedBudget(LocalDate AsOf, IReadOnlyList<string> Exclude) : FrameWeights;
}

public sealed record FrameAllocationOutcome(FrameAllocationResult? Result, IReadOnlyDictionary<string, string[]>? Errors, bool YearNotFound = false);

/// <summary>
/// Frame allocation (rammefordeling, contract §10): checks the areas against the year's accounts, takes the weights
/// from the request or the year's data (<see cref="FrameWeights.ServiceCorrectedBudget"/>) and shares the frame by
/// <see cref="FrameAllocation"/>. A calculation: nothing is stored (the allocation becomes money through cases).
/// </summary>
public sealed class FrameAllocations(IYearStore years, IFollowUpReader facts, YearEnd.IExpenditureClassifier classification)
{
    public const string ServiceCorrectedBudgetKey = "service-corrected-budget";

    public async Task<FrameAllocationOutcome> Allocate(int year, IReadOnlyDictionary<int, Amount> totals, FrameWeights weights, IReadOnlyList<FrameFixed> fixedAmounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(fixedAmounts);
        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return new FrameAllocationOutcome(null, null, YearNotFound: true);
        }

        var accounts = await years.Accounts(year, cancellationToken);
        var areas = accounts.Select(a => (a.Committee, a.ActivityArea)).ToHashSet();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        IReadOnlyList<FrameWeight> rows;
        switch (weights)
        {
            case FrameWeights.Explicit given:
                rows = given.Weights;
                for (var i = 0; i < rows.Count; i++)
                {
                    if (!areas.Contains((rows[i].Committee, rows[i].ActivityArea)))
                    {
                        errors[$"weights[{i}]"] = [$"'{Echo.Cut(rows[i].ActivityArea)}' is not an activity area of '{Echo.Cut(rows[i].Committee)}' in {year}."];
                    }
                }

                foreach (var twice in rows.Select((w, i) => (w, i)).GroupBy(x => (x.w.Committee, x.w.ActivityArea)).Where(g => g.Count() > 1))
                {
                    errors[$"weights[{twice.Skip(1).First().i}]"] = [$"'{Echo.Cut(twice.Key.ActivityArea)}' ({Echo.Cut(twice.Key.Committee)}) has a weight already."];
                }

                break;
            case FrameWeights.ServiceCorrectedBudget key:
                var names = accounts.Select(a => a.ActivityArea).ToHashSet(StringComparer.Ordinal);
                for (var i = 0; i < key.Exclude.Count; i++)
                {
                    if (!names.Contains(key.Exclude[i]))
                    {
                        errors[$"exclude[{i}]"] = [$"'{Echo.Cut(key.Exclude[i])}' is not an activity area in {year}."];
                    }
                }

                var service = (await facts.AccountFacts(year, RoundNumber.Of(1), key.AsOf, cancellationToken))
                    .Where(f => classification.ClassOf(f.Account.Id) == ExpenditureClass.Service && !key.Exclude.Contains(f.Account.ActivityArea))
                    .GroupBy(f => (f.Account.Committee, f.Account.ActivityArea))
                    .OrderBy(g => g.Key.Committee, StringComparer.Ordinal).ThenBy(g => g.Key.ActivityArea, StringComparer.Ordinal)
                    .Select(g => new FrameWeight(g.Key.Committee, g.Key.ActivityArea, g.Sum(f => f.Appropriations.CorrectedBudget).Kroner))
                    .ToArray();
                foreach (var negative in service.Where(w => w.Weight < 0m))
                {
                    errors["key"] = [.. errors.GetValueOrDefault("key") ?? [], $"'{Echo.Cut(negative.ActivityArea)}' ({Echo.Cut(negative.Committee)}) has a negative service corrected budget ({DanishNumbers.Format(negative.Weight, 2)} kr.) and cannot be a weight: exclude it."];
                }

                rows = service;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(weights));
        }

        for (var i = 0; i < fixedAmounts.Count; i++)
        {
            if (!areas.Contains((fixedAmounts[i].Committee, fixedAmounts[i].ActivityArea)))
            {
                errors[$"fixed[{i}]"] = [$"'{Echo.Cut(fixedAmounts[i].ActivityArea)}' is not an activity area of '{Echo.Cut(fixedAmounts[i].Committee)}' in {year}."];
            }
        }

        if (totals.Values.Any(t => !t.IsZero) && rows.All(w => w.Weight == 0m))
        {
            errors[weights is FrameWeights.Explicit ? "weights" : "key"] = ["No area has a weight above 0: there is nothing to share the frame in proportion to."];
        }

        if (errors.Count > 0)
        {
            return new FrameAllocationOutcome(null, errors);
        }

        return new FrameAllocationOutcome(FrameAllocation.Allocate(totals, rows, fixedAmounts), null);
    }
}

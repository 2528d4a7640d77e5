using Budget.Domain.Money;

namespace Budget.Domain.Cases;

/// <summary>One activity area's weight in a frame allocation (e.g. its service expenditure); 0 keeps it out.</summary>
public sealed record FrameWeight(string Committee, string ActivityArea, decimal Weight);

/// <summary>A fixed add-on (fast beløb) on one area, per year, on top of its share.</summary>
public sealed record FrameFixed(string Committee, string ActivityArea, IReadOnlyDictionary<int, Amount> Amounts);

/// <summary>One area's part of the frame per year (its share plus any fixed amount).</summary>
public sealed record FrameRow(string Committee, string ActivityArea, decimal Weight, IReadOnlyDictionary<int, Amount> Amounts);

public sealed record FrameCommittee(string Committee, IReadOnlyDictionary<int, Amount> Amounts);

public sealed record FrameAllocationResult(IReadOnlyList<int> Years, IReadOnlyList<FrameRow> Rows, IReadOnlyList<FrameCommittee> Committees, IReadOnlyDictionary<int, Amount> Total);

/// <summary>
/// Sharing an efficiency or savings frame (ramme) out to activity areas (domain.md §9, contract §10): each year's
/// total in proportion to the weights in whole kroner — floor, then the remaining kroner one each to the largest
/// remainders, ties to the earlier row (<see cref="LargestRemainder.Share"/>; a negative frame as its magnitude,
/// negated) — then the fixed amounts added to their areas' rows (an area without a weight row gets a row of its own,
/// after the others). Committee subtotals and the total are sums of the rows, so every printed part adds up.
/// </summary>
public static class FrameAllocation
{
    public static FrameAllocationResult Allocate(IReadOnlyDictionary<int, Amount> totals, IReadOnlyList<FrameWeight> weights, IReadOnlyList<FrameFixed> fixedAmounts)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(fixedAmounts);
        Preconditions.Require(totals.Values.All(t => t.Ore % 100 == 0), "A frame is shared in whole kroner: its totals cannot have øre.");
        var years = totals.Keys.Union(fixedAmounts.SelectMany(f => f.Amounts.Keys)).Order().ToArray();
        var rows = weights.Select(w => (w.Committee, w.ActivityArea, w.Weight, Amounts: years.ToDictionary(y => y, _ => Amount.Zero))).ToList();
        var weightValues = weights.Select(w => w.Weight).ToArray();
        foreach (var (year, total) in totals)
        {
            var kroner = LargestRemainder.Share(total.Ore / 100, weightValues);
            for (var i = 0; i < kroner.Length; i++)
            {
                rows[i].Amounts[year] = Amount.FromOre(checked(kroner[i] * 100));
            }
        }

        foreach (var add in fixedAmounts)
        {
            var index = rows.FindIndex(r => r.Committee == add.Committee && r.ActivityArea == add.ActivityArea);
            if (index < 0)
            {
                rows.Add((add.Committee, add.ActivityArea, 0m, years.ToDictionary(y => y, _ => Amount.Zero)));
                index = rows.Count - 1;
            }

            foreach (var (year, amount) in add.Amounts)
            {
                rows[index].Amounts[year] += amount;
            }
        }

        var result = rows.Select(r => new FrameRow(r.Committee, r.ActivityArea, r.Weight, r.Amounts)).ToArray();
        var committees = result.GroupBy(r => r.Committee)
            .Select(g => new FrameCommittee(g.Key, years.ToDictionary(y => y, y => g.Sum(r => r.Amounts[y]))))
            .ToArray();
        return new FrameAllocationResult(years, result, committees, years.ToDictionary(y => y, y => result.Sum(r => r.Amounts[y])));
    }
}

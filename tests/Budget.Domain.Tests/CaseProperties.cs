using Budget.Domain.Cases;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;

namespace Budget.Domain.Tests;

/// <summary>
/// Invariants of the sharing arithmetic on generated inputs (FsCheck): every share adds up exactly and lies within one
/// unit of its exact value, whatever the weights; kept totals add up at every level. The exact values are computed
/// here in decimal from the inputs, not by the code under test.
/// </summary>
public class CaseProperties
{
    private static readonly Gen<decimal> Weights = Gen.Frequency(
        (1, Gen.Constant(0m)),
        (6, Gen.Choose(1, 1_000_000).Select(w => (decimal)w)),
        (3, Gen.Choose(1, 9_999_999).Select(w => w / 1000m)),
        // Mantissas beyond 32 bits (e.g. 0,3333333333), up to the 10^15 a frame weight may have, with 6 decimals.
        (2, Gen.Choose(0, 999_999).SelectMany(hi => Gen.Choose(0, 999_999_999).Select(lo => (hi * 1_000_000_000L + lo) / 1_000_000m))));

    private static readonly Gen<long> Totals = Gen.Frequency(
        (3, Gen.Choose(-1000, 1000).Select(t => (long)t)),
        (3, Gen.Choose(int.MinValue + 1, int.MaxValue).Select(t => (long)t)),
        (2, Gen.Choose(-100_000, 100_000).SelectMany(hi => Gen.Choose(0, 99_999_999).Select(lo => hi * 100_000_000L + lo))));

    private static bool WithinOneOfExact(long total, decimal[] weights, long[] parts)
    {
        var sum = weights.Sum();
        for (var i = 0; i < parts.Length; i++)
        {
            var exact = total * weights[i] / sum;
            if (Math.Abs(parts[i] - exact) >= 1m || (weights[i] == 0m && parts[i] != 0))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void A_share_by_largest_remainder_adds_up_exactly_and_each_part_lies_within_one_unit_of_its_exact_value() =>
        Prop.ForAll(
            Totals.ToArbitrary(),
            Gen.NonEmptyListOf(Weights).Select(w => w.ToArray()).Where(w => w.Any(x => x > 0m)).ToArbitrary(),
            (total, weights) =>
            {
                var parts = LargestRemainder.Share(total, weights);
                return parts.Sum() == total && WithinOneOfExact(total, weights, parts)
                    && LargestRemainder.Share(-total, weights).SequenceEqual(parts.Select(p => -p));
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void Ties_go_to_the_earlier_row() =>
        Prop.ForAll(Gen.Choose(2, 40).ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), (rows, total) =>
        {
            var parts = LargestRemainder.Share(total, Enumerable.Repeat(1m, rows).ToArray());
            var extra = total % rows;
            return parts.Select((p, i) => p == total / rows + (i < extra ? 1 : 0)).All(ok => ok);
        }).QuickCheckThrowOnFailure();

    private static readonly string[] Committees = ["Økonomiudvalget", "Børne- og Skoleudvalget", "Social- og Sundhedsudvalget"];

    private static readonly Gen<(FrameWeight[] Weights, FrameFixed[] Fixed, Dictionary<int, Amount> Totals)> Frames =
        from count in Gen.Choose(1, 60)
        from weights in Gen.ArrayOf(Weights, count).Where(w => w.Any(x => x > 0m))
        from committees in Gen.ArrayOf(Gen.Elements(Committees), count)
        from totals in Gen.ArrayOf(Gen.Choose(-2_000_000_000, 2_000_000_000), 4)
        from fixedCount in Gen.Choose(0, 5)
        from fixedRows in Gen.ArrayOf(Gen.Choose(0, count + 2), fixedCount)
        from fixedOre in Gen.ArrayOf(Gen.Choose(-10_000_000, 10_000_000), fixedCount)
        let rows = weights.Select((w, i) => new FrameWeight(committees[i], $"Område {i}", w)).ToArray()
        let additions = fixedRows.Select((r, i) => new FrameFixed(r < count ? committees[r] : "Økonomiudvalget", $"Område {r}", new Dictionary<int, Amount> { [2020 + (i % 4)] = Amount.FromOre(fixedOre[i]) })).ToArray()
        select (rows, additions, totals.Select((t, i) => (Year: 2020 + i, Total: Amount.Of(t))).ToDictionary(x => x.Year, x => x.Total));

    [Fact]
    public void A_frame_allocation_adds_up_exactly_to_the_frame_plus_the_fixed_amounts_for_any_weights() =>
        Prop.ForAll(Frames.ToArbitrary(), frame =>
        {
            var result = FrameAllocation.Allocate(frame.Totals, frame.Weights, frame.Fixed);
            foreach (var year in frame.Totals.Keys)
            {
                var fixedSum = frame.Fixed.Sum(f => f.Amounts.GetValueOrDefault(year).Ore);
                var rowsSum = result.Rows.Sum(r => r.Amounts[year].Ore);
                if (rowsSum != frame.Totals[year].Ore + fixedSum || result.Total[year].Ore != rowsSum
                    || result.Committees.Sum(c => c.Amounts[year].Ore) != rowsSum
                    || result.Committees.Any(c => c.Amounts[year].Ore != result.Rows.Where(r => r.Committee == c.Committee).Sum(r => r.Amounts[year].Ore)))
                {
                    return false;
                }

                // Before the fixed amounts, each weighted row is whole kroner within 1 kr. of its exact share.
                var shares = result.Rows.Take(frame.Weights.Length)
                    .Select((r, i) => (r.Amounts[year].Ore - frame.Fixed.Where(f => f.Committee == r.Committee && f.ActivityArea == r.ActivityArea).Sum(f => f.Amounts.GetValueOrDefault(year).Ore)) / 100m)
                    .ToArray();
                if (shares.Any(s => s != decimal.Truncate(s)) || !WithinOneOfExact(frame.Totals[year].Ore / 100, frame.Weights.Select(w => w.Weight).ToArray(), shares.Select(s => (long)s).ToArray()))
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    private static readonly Gen<Amount> Kroner = Gen.Choose(-500_000_000, 500_000_000).Select(ore => Amount.FromOre(ore));

    [Fact]
    public void Kept_totals_add_up_at_every_level_and_move_no_figure_a_whole_thousand() =>
        Prop.ForAll(Gen.NonEmptyListOf(Gen.NonEmptyListOf(Kroner)).ToArbitrary(), groups =>
        {
            var tree = TotalTree.Sum(groups.Select(g => TotalTree.Sum(g.Select(TotalTree.Leaf).ToArray())).ToArray());
            foreach (var rule in Enum.GetValues<RoundingRule>())
            {
                var rounded = ThousandsRounding.KeepingTotals(tree, rule);
                if (rounded.Value != ThousandsRounding.Round(tree.Amount, rule) || rounded.Parts.Sum(p => p.Value) != rounded.Value)
                {
                    return false;
                }

                for (var g = 0; g < groups.Count; g++)
                {
                    var group = rounded.Parts[g];
                    var exact = groups[g].Sum(a => a.Ore) / 100_000m;
                    if (group.Parts.Sum(p => p.Value) != group.Value || Math.Abs(group.Value - exact) >= 1m
                        || group.Parts.Select((p, i) => Math.Abs(p.Value - groups[g][i].Ore / 100_000m)).Any(d => d >= 1m))
                    {
                        return false;
                    }
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    private static readonly Gen<decimal[]> Shares =
        from count in Gen.Choose(1, 8)
        from cuts in Gen.ArrayOf(Gen.Choose(1, 999), count - 1)
        let points = cuts.Distinct().Order().Prepend(0).Append(1000).ToArray()
        select points.Zip(points.Skip(1), (a, b) => (b - a) / 1000m).ToArray();

    [Fact]
    public void Financing_is_exactly_minus_the_lines_in_every_year_and_each_row_within_one_ore() =>
        Prop.ForAll(Gen.ArrayOf(Kroner, 4).ToArbitrary(), Shares.ToArbitrary(), (lines, shares) =>
        {
            var amounts = CaseAmounts.From(lines);
            var split = CaseFinancing.Split(amounts, shares);
            return Enumerable.Range(0, 4).All(y =>
                split.Sum(s => s[y].Ore) == -lines[y].Ore && WithinOneOfExact(-lines[y].Ore, shares, split.Select(s => s[y].Ore).ToArray()));
        }).QuickCheckThrowOnFailure();
}

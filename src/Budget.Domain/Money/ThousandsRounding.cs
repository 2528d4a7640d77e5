namespace Budget.Domain.Money;

/// <summary>How an amount is rounded to whole 1.000 kr. for printed reports.</summary>
public enum RoundingRule
{
    /// <summary>Halves away from zero: 1.500 kr. → 2, −1.500 kr. → −2 (what spreadsheets and most papers do). The default.</summary>
    HalfAwayFromZero,

    /// <summary>Halves to the even neighbour (banker's rounding): 1.500 kr. → 2, 2.500 kr. → 2.</summary>
    HalfToEven,
}

/// <summary>Rows and total in whole 1.000 kr., as they are printed.</summary>
public sealed record RoundedColumn(IReadOnlyList<long> Rows, long Total);

/// <summary>
/// A printed figure and the figures it sums: a total over subtotals over rows (a row has no parts). A sum's amount is
/// the sum of its parts' amounts.
/// </summary>
public sealed record TotalTree(Amount Amount, IReadOnlyList<TotalTree> Parts)
{
    public static TotalTree Leaf(Amount amount) => new(amount, []);

    public static TotalTree Sum(IReadOnlyList<TotalTree> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new(parts.Sum(p => p.Amount), parts);
    }
}

/// <summary>A <see cref="TotalTree"/> in whole 1.000 kr.: every sum's value is the sum of its parts' values.</summary>
public sealed record RoundedTree(long Value, IReadOnlyList<RoundedTree> Parts);

/// <summary>
/// Rounding kroner to 1.000 kr. (t.kr.). Each figure is rounded from its unrounded amount, never from another
/// rounded figure. <see cref="KeepingTotal"/> additionally makes displayed rows add up to the displayed total.
/// </summary>
public static class ThousandsRounding
{
    private const long OrePerThousand = 100_000;

    public static long Round(Amount amount, RoundingRule rule = RoundingRule.HalfAwayFromZero)
    {
        var thousands = amount.Ore / (decimal)OrePerThousand;
        return (long)decimal.Round(thousands, 0, rule == RoundingRule.HalfToEven ? MidpointRounding.ToEven : MidpointRounding.AwayFromZero);
    }

    /// <summary>Each row and the total rounded on its own: rows may not add up to the total (the printed papers' way).</summary>
    public static RoundedColumn Independently(IReadOnlyList<Amount> rows, RoundingRule rule = RoundingRule.HalfAwayFromZero)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new RoundedColumn(rows.Select(r => Round(r, rule)).ToArray(), Round(rows.Sum(), rule));
    }

    /// <summary>
    /// Largest-remainder rounding: the total is rounded with <paramref name="rule"/>; every row is rounded down to
    /// whole thousands and the thousands still missing go to the rows with the largest remainders (ties: the
    /// earlier row). Displayed rows then add up to the displayed total and no row moves a whole 1.000 kr. or more
    /// from its unrounded amount. (One level of <see cref="KeepingTotals"/>.)
    /// </summary>
    public static RoundedColumn KeepingTotal(IReadOnlyList<Amount> rows, RoundingRule rule = RoundingRule.HalfAwayFromZero)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var tree = KeepingTotals(TotalTree.Sum(rows.Select(TotalTree.Leaf).ToArray()), rule);
        return new RoundedColumn(tree.Parts.Select(p => p.Value).ToArray(), tree.Value);
    }

    /// <summary>
    /// Kept totals at every level (decision 0015): the top figure is rounded with <paramref name="rule"/>; each level's
    /// rounded figure is then shared over its parts by largest remainder (<see cref="LargestRemainder.Apportion"/>),
    /// down to the rows. So rows add up to their printed subtotal, subtotals to the printed total, and every printed
    /// figure is the floor or the ceiling of its unrounded amount (it moves less than 1.000 kr.). Rows 600 and 600
    /// under one subtotal and 400 and 400 under another print subtotals 1 and 1 and the total 2 (rows 1, 0 | 1, 0);
    /// largest remainder over the rows alone would print 1, 1 | 0, 0 and subtotals 2 and 0.
    /// </summary>
    public static RoundedTree KeepingTotals(TotalTree tree, RoundingRule rule = RoundingRule.HalfAwayFromZero)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return Distribute(tree, Round(tree.Amount, rule));
    }

    private static RoundedTree Distribute(TotalTree tree, long value)
    {
        if (tree.Parts.Count == 0)
        {
            return new RoundedTree(value, []);
        }

        var shares = LargestRemainder.Apportion(value, tree.Parts.Select(p => p.Amount).ToArray(), OrePerThousand);
        return new RoundedTree(value, tree.Parts.Select((part, i) => Distribute(part, shares[i])).ToArray());
    }
}

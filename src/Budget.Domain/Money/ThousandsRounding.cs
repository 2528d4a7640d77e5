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
    /// from its unrounded amount.
    /// </summary>
    public static RoundedColumn KeepingTotal(IReadOnlyList<Amount> rows, RoundingRule rule = RoundingRule.HalfAwayFromZero)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var total = Round(rows.Sum(), rule);
        var floors = new long[rows.Count];
        var remainders = new long[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            floors[i] = FloorDiv(rows[i].Ore, OrePerThousand);
            remainders[i] = rows[i].Ore - floors[i] * OrePerThousand;
        }

        var missing = total - floors.Sum();
        var order = Enumerable.Range(0, rows.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        // Σ floor ≤ Σ x < Σ floor + n and |total − Σ x| ≤ ½, so 0 ≤ missing ≤ n; guard anyway.
        for (var k = 0; k < missing && k < order.Length; k++)
        {
            floors[order[k]]++;
        }

        return new RoundedColumn(floors, total);
    }

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return value % divisor < 0 ? quotient - 1 : quotient;
    }
}

using System.Numerics;

namespace Budget.Domain.Money;

/// <summary>
/// Sharing a whole number of units (øre, kroner, thousands) so that the parts add up to it exactly (fordeling efter
/// største rest): every part first gets the whole units of its exact share, and the units still missing go one each
/// to the parts with the largest remainders, the earlier part first on a tie. The exact shares are computed with
/// integers (no binary fractions), so the same input always gives the same parts.
/// </summary>
public static class LargestRemainder
{
    /// <summary>
    /// <paramref name="total"/> units shared in proportion to <paramref name="weights"/> (each ≥ 0, with a positive sum
    /// unless the total is 0). A negative total is shared as its magnitude and every part negated, so a share of
    /// −1.000,03 kr. mirrors the share of 1.000,03 kr. Each part lies within one unit of its exact share.
    /// </summary>
    public static long[] Share(long total, IReadOnlyList<decimal> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Preconditions.Require(weights.All(w => w >= 0m), "A weight cannot be negative.");
        var parts = new long[weights.Count];
        if (total == 0)
        {
            return parts;
        }

        var scaled = Scaled(weights);
        var sum = scaled.Aggregate(BigInteger.Zero, (s, w) => s + w);
        Preconditions.Require(!sum.IsZero, "At least one weight must be above 0 to share a non-zero amount.");
        var magnitude = BigInteger.Abs(total);
        var remainders = new BigInteger[weights.Count];
        var given = BigInteger.Zero;
        for (var i = 0; i < parts.Length; i++)
        {
            var whole = BigInteger.DivRem(magnitude * scaled[i], sum, out remainders[i]);
            parts[i] = (long)whole;
            given += whole;
        }

        // Σ whole ≤ magnitude < Σ whole + (number of parts with a remainder), so every missing unit finds a part.
        var missing = (long)(magnitude - given);
        var order = Enumerable.Range(0, parts.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        for (var k = 0; k < missing; k++)
        {
            parts[order[k]]++;
        }

        if (total < 0)
        {
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = -parts[i];
            }
        }

        return parts;
    }

    /// <summary>
    /// A rounded figure <paramref name="target"/> (in units of <paramref name="unit"/> øre) apportioned over the
    /// unrounded amounts it sums: every part rounded down to whole units and the units still missing to the largest
    /// remainders (ties: the earlier part). When the target is the floor or the ceiling of the parts' exact sum, as a
    /// rounded sum is, every part ends at the floor or the ceiling of its own exact value.
    /// </summary>
    public static long[] Apportion(long target, IReadOnlyList<Amount> parts, long unit)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Preconditions.Require(unit > 0, "The unit must be positive.");
        var floors = new long[parts.Count];
        var remainders = new long[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            floors[i] = FloorDiv(parts[i].Ore, unit);
            remainders[i] = parts[i].Ore - floors[i] * unit;
        }

        var missing = target - floors.Sum();
        var order = Enumerable.Range(0, parts.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        // 0 ≤ missing ≤ the number of parts with a remainder whenever target is the floor or ceiling of the sum; guard anyway.
        for (var k = 0; k < missing && k < order.Length; k++)
        {
            floors[order[k]]++;
        }

        return floors;
    }

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return value % divisor < 0 ? quotient - 1 : quotient;
    }

    /// <summary>The weights as integers over one common power of ten (their exact decimal values, scaled alike).</summary>
    private static BigInteger[] Scaled(IReadOnlyList<decimal> weights)
    {
        var scale = weights.Count == 0 ? 0 : weights.Max(w => (int)w.Scale);
        return weights.Select(w => Mantissa(w) * BigInteger.Pow(10, scale - w.Scale)).ToArray();
    }

    private static BigInteger Mantissa(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        // The 96-bit integer is three 32-bit words read as unsigned (a reinterpretation, not an arithmetic conversion).
        var mantissa = (new BigInteger(unchecked((uint)bits[2])) << 64) | (new BigInteger(unchecked((uint)bits[1])) << 32) | new BigInteger(unchecked((uint)bits[0]));
        return value < 0 ? -mantissa : mantissa;
    }
}

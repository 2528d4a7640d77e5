using System.Data.Common;
using Budget.Domain;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Dapper;

namespace Budget.Data;

/// <summary>
/// Keeps a year's sums inside a long of øre (<see cref="AmountCeilings"/>): before a write adds movements or
/// postings, the year's absolute sums so far plus the write's own must stay within the ceiling, or the write is
/// refused with a <see cref="BudgetRuleException"/> and nothing is stored. Called inside the write's transaction
/// after its lock is held (SQLite: BEGIN IMMEDIATE; PostgreSQL: the year's advisory lock), so concurrent writers
/// cannot both pass on the same sums.
/// </summary>
internal static class YearCeiling
{
    // SQLite's SUM raises on integer overflow and PostgreSQL's SUM(bigint) is numeric: both are capped into a long,
    // so a year stored before the ceiling existed is reported as full instead of failing the write with a 500.
    // SQLite sums exactly in two integer parts (whole 10^9 øre and the rest), each far from overflowing: TOTAL() is a
    // double, which near the ceiling rounds to 256 øre and refused a write that reached the ceiling exactly.
    public const string SqliteMagnitudes = """
        SELECT (SELECT CASE WHEN high >= 9000000000 THEN 9000000000000000000 ELSE MIN(high * 1000000000 + low, 9000000000000000000) END
                FROM (SELECT COALESCE(SUM(ABS(amount_ore) / 1000000000), 0) AS high, COALESCE(SUM(ABS(amount_ore) % 1000000000), 0) AS low
                      FROM movement WHERE year = @Year)) AS Movements,
               (SELECT CASE WHEN high >= 9000000000 THEN 9000000000000000000 ELSE MIN(high * 1000000000 + low, 9000000000000000000) END
                FROM (SELECT COALESCE(SUM(ABS(amount_ore) / 1000000000), 0) AS high, COALESCE(SUM(ABS(amount_ore) % 1000000000), 0) AS low
                      FROM posting_day WHERE year = @Year)) AS Postings
        """;

    public const string PostgresMagnitudes = """
        SELECT (SELECT LEAST(COALESCE(SUM(ABS(amount_ore)), 0), 9000000000000000000)::bigint FROM movement WHERE year = @Year) AS "Movements",
               (SELECT LEAST(COALESCE(SUM(ABS(amount_ore)), 0), 9000000000000000000)::bigint FROM posting_day WHERE year = @Year) AS "Postings"
        """;

    internal sealed record Magnitudes(long Movements, long Postings);

    public static async Task<Magnitudes> Read(DbConnection connection, DbTransaction transaction, string sql, int year, CancellationToken cancellationToken) =>
        await connection.QuerySingleAsync<Magnitudes>(new CommandDefinition(sql, new { Year = (long)year }, transaction, cancellationToken: cancellationToken));

    public static async Task Check(DbConnection connection, DbTransaction transaction, string sql, int year, IReadOnlyList<AppropriationMovement> movements, IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        var existing = await Read(connection, transaction, sql, year, cancellationToken);
        Require(year, "movements", existing.Movements, Magnitude(movements.Select(m => m.Amount)), movements.Select(m => m.Account.Value));
        Require(year, "postings", existing.Postings, Magnitude(postings.Select(p => p.Amount)), postings.Select(p => p.Account.Value));
    }

    /// <summary>The sum of |amount| in øre, saturating above the ceiling (so it never overflows itself).</summary>
    public static long Magnitude(IEnumerable<Amount> amounts)
    {
        var sum = 0L;
        foreach (var amount in amounts)
        {
            sum = Add(sum, Math.Abs(amount.Ore));
        }

        return sum;
    }

    public static long Add(long magnitude, long more) =>
        magnitude > AmountCeilings.MaxYearMagnitudeOre || more > AmountCeilings.MaxYearMagnitudeOre ? long.MaxValue / 2 : magnitude + more;

    public static void Require(int year, string what, long existing, long added, IEnumerable<string>? accounts = null)
    {
        if (Add(existing, added) > AmountCeilings.MaxYearMagnitudeOre)
        {
            var named = accounts?.Distinct(StringComparer.Ordinal).Take(5).ToArray() ?? [];
            throw new BudgetRuleException(
                $"The {what} of {year} would add up to more than {DanishNumbers.Format(AmountCeilings.MaxYearMagnitudeOre / 100)} kr. in absolute value, "
                + "the ceiling that keeps every report's sums exact"
                + (named.Length == 0 ? "" : $" (refused on account {string.Join(", ", named)})")
                + "; nothing was stored.");
        }
    }
}

/// <summary>An import's running absolute sums on top of the year's, refusing the batch that would cross the ceiling.</summary>
internal sealed class YearTally(int year, YearCeiling.Magnitudes existing)
{
    private long movements = existing.Movements;
    private long postings = existing.Postings;

    public YearCeiling.Magnitudes Existing { get; } = existing;

    public void AddMovements(IReadOnlyList<AppropriationMovement> batch)
    {
        var added = YearCeiling.Magnitude(batch.Select(m => m.Amount));
        YearCeiling.Require(year, "movements", movements, added);
        movements = YearCeiling.Add(movements, added);
    }

    public void AddPostings(IReadOnlyList<Posting> batch)
    {
        var added = YearCeiling.Magnitude(batch.Select(p => p.Amount));
        YearCeiling.Require(year, "postings", postings, added);
        postings = YearCeiling.Add(postings, added);
    }
}

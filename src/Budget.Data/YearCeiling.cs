using System.Data.Common;
using Budget.Domain;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Data.Commands;

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
    internal sealed record Magnitudes(long Movements, long Postings);

    public static async Task<Magnitudes> Read(DbConnection connection, DbTransaction transaction, string sql, int year, CancellationToken cancellationToken) =>
        await connection.QuerySingleAsync<Magnitudes>(new CommandDefinition(sql, new { Year = (long)year }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Refuses a write whose movements or postings would carry the year past the ceiling. Only the sums the write adds
    /// to are read: a movement write does not sum the year's postings (on PostgreSQL the days of every month row).
    /// </summary>
    public static async Task Check(DbConnection connection, DbTransaction transaction, SqlDialect dialect, int year, IReadOnlyList<AppropriationMovement> movements, IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        if (movements.Count > 0)
        {
            var existing = await Sum(connection, transaction, dialect.MovementMagnitude, year, cancellationToken);
            Require(year, "movements", existing, Magnitude(movements.Select(m => m.Amount)), movements.Select(m => m.Account.Value));
        }

        if (postings.Count > 0)
        {
            var existing = await Sum(connection, transaction, dialect.PostingMagnitude, year, cancellationToken);
            Require(year, "postings", existing, Magnitude(postings.Select(p => p.Amount)), postings.Select(p => p.Account.Value));
        }
    }

    private static async Task<long> Sum(DbConnection connection, DbTransaction transaction, string sql, int year, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { Year = (long)year }, transaction, cancellationToken: cancellationToken));

    /// <summary>The sum of |amount| in øre, saturating above the ceiling (so it never overflows itself).</summary>
    public static long Magnitude(IEnumerable<Amount> amounts) =>
        amounts.Aggregate(0L, (sum, amount) => AmountCeilings.AddMagnitude(sum, amount.Ore));

    public static void Require(int year, string what, long existing, long added, IEnumerable<string>? accounts = null)
    {
        if (!AmountCeilings.IsWithinYear(AmountCeilings.AddMagnitude(existing, added)))
        {
            var named = accounts?.Distinct(StringComparer.Ordinal).Take(5).ToArray() ?? [];
            var problem = AmountCeilings.YearProblem(year, what);
            throw new BudgetRuleException(
                char.ToUpperInvariant(problem[0]) + problem[1..]
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
        movements = AmountCeilings.AddMagnitude(movements, added);
    }

    public void AddPostings(IReadOnlyList<Posting> batch)
    {
        var added = YearCeiling.Magnitude(batch.Select(p => p.Amount));
        YearCeiling.Require(year, "postings", postings, added);
        postings = AmountCeilings.AddMagnitude(postings, added);
    }
}

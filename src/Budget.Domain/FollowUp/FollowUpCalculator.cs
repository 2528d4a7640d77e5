using Budget.Domain.Appropriations;
using Budget.Domain.Accounts;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>
/// Computes a follow-up from per-account facts: every column per account, rolled up by summing the unrounded
/// account figures, so any grouping gives the same total. Rows are ordered by committee, then the row's key
/// (ordinal text order, so the result does not depend on the server's culture).
/// </summary>
public static class FollowUpCalculator
{
    public static FollowUpReport Build(int year, RoundNumber round, LocalDate asOf, FollowUpGrouping by, IEnumerable<AccountFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var list = facts as IReadOnlyList<AccountFacts> ?? facts.ToArray();
        var figures = FollowUpLayout.FiguresOf(list);
        return new FollowUpReport(year, round, asOf, by, FollowUpLayout.Of(by, list).RowsOf(figures), FollowUpLayout.Sum(figures));
    }

    /// <summary>The follow-up of an in-memory year for a round, as of the round's cut-off unless a date is given.</summary>
    public static FollowUpReport Build(BudgetYear year, RoundNumber round, FollowUpGrouping by, LocalDate? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(year);
        var date = asOf ?? year.Calendar.CutoffOf(round);
        return Build(year.Year, round, date, by, AccountFacts.Of(year, round, date));
    }
}

/// <summary>
/// The rows of a grouping over a list of accounts, each with the positions of the accounts it sums: what a follow-up
/// is before its figures are added up. Kept apart from the sums so <see cref="KeptFollowUps"/> can re-add only the rows
/// whose accounts changed.
/// </summary>
internal sealed class FollowUpLayout
{
    private FollowUpLayout(FollowUpRow[] rows, int[][] members, int[] rowOf)
    {
        Rows = rows;
        Members = members;
        RowOf = rowOf;
    }

    /// <summary>The rows in report order, figures empty.</summary>
    public IReadOnlyList<FollowUpRow> Rows { get; }

    /// <summary>Per row, the positions (in the facts) of the accounts it sums.</summary>
    public IReadOnlyList<int[]> Members { get; }

    /// <summary>Per account position, its row.</summary>
    public IReadOnlyList<int> RowOf { get; }

    public static FollowUpLayout Of(FollowUpGrouping by, IReadOnlyList<AccountFacts> facts) => by switch
    {
        FollowUpGrouping.Account => Grouped(facts, (a, i) => (a.Committee, a.ActivityArea, a.Id.Value, i), a => new FollowUpRow(a.Committee, a.ActivityArea, a, a.Group, a.Block, FollowUpFigures.Empty)),
        FollowUpGrouping.ActivityArea => Grouped(facts, (a, _) => (a.Committee, a.ActivityArea, "", 0), a => new FollowUpRow(a.Committee, a.ActivityArea, null, null, null, FollowUpFigures.Empty)),
        FollowUpGrouping.Committee => Grouped(facts, (a, _) => (a.Committee, "", "", 0), a => new FollowUpRow(a.Committee, null, null, null, null, FollowUpFigures.Empty)),
        FollowUpGrouping.Group => Grouped(facts, (a, _) => (a.Committee, a.Group ?? "", "", 0), a => new FollowUpRow(a.Committee, null, null, a.Group, null, FollowUpFigures.Empty)),
        FollowUpGrouping.Block => Grouped(facts, (a, _) => ("", "", "", (int)a.Block), a => new FollowUpRow(null, null, null, null, a.Block, FollowUpFigures.Empty)),
        FollowUpGrouping.Municipality => Grouped(facts, (_, _) => ("", "", "", 0), _ => new FollowUpRow(null, null, null, null, null, FollowUpFigures.Empty), whenEmpty: true),
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    /// <summary>
    /// The accounts by key, rows ordered by the key's texts (ordinal) and then its number (by account: the position, so
    /// rows keep the facts' order where the texts tie, as a stable sort would).
    /// </summary>
    /// <param name="whenEmpty">One row even without accounts (the municipality's row is its total).</param>
    private static FollowUpLayout Grouped(
        IReadOnlyList<AccountFacts> facts,
        Func<Account, int, (string First, string Second, string Third, int Number)> keyOf,
        Func<Account, FollowUpRow> rowOf,
        bool whenEmpty = false)
    {
        var positions = new Dictionary<(string, string, string, int), List<int>>();
        var firsts = new List<((string First, string Second, string Third, int Number) Key, Account Account)>();
        for (var i = 0; i < facts.Count; i++)
        {
            var key = keyOf(facts[i].Account, i);
            if (!positions.TryGetValue(key, out var of))
            {
                positions[key] = of = [];
                firsts.Add((key, facts[i].Account));
            }

            of.Add(i);
        }

        firsts.Sort(static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Key.First, b.Key.First);
            order = order != 0 ? order : string.CompareOrdinal(a.Key.Second, b.Key.Second);
            order = order != 0 ? order : string.CompareOrdinal(a.Key.Third, b.Key.Third);
            return order != 0 ? order : a.Key.Number.CompareTo(b.Key.Number);
        });

        if (firsts.Count == 0 && whenEmpty)
        {
            return new FollowUpLayout([rowOf(null!)], [[]], []);
        }

        var rows = new FollowUpRow[firsts.Count];
        var members = new int[firsts.Count][];
        var rowOfAccount = new int[facts.Count];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = rowOf(firsts[r].Account);
            members[r] = [.. positions[firsts[r].Key]];
            foreach (var position in members[r])
            {
                rowOfAccount[position] = r;
            }
        }

        return new FollowUpLayout(rows, members, rowOfAccount);
    }

    /// <summary>Each account's figures, in the facts' order.</summary>
    public static FollowUpFigures[] FiguresOf(IReadOnlyList<AccountFacts> facts)
    {
        var figures = new FollowUpFigures[facts.Count];
        for (var i = 0; i < figures.Length; i++)
        {
            figures[i] = facts[i].Figures();
        }

        return figures;
    }

    /// <summary>The rows with their members' figures added up.</summary>
    public FollowUpRow[] RowsOf(FollowUpFigures[] figures)
    {
        var rows = new FollowUpRow[Rows.Count];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = Rows[r] with { Figures = Sum(Members[r], figures) };
        }

        return rows;
    }

    public static FollowUpFigures Sum(int[] members, IReadOnlyList<FollowUpFigures> figures)
    {
        var sum = FollowUpFigures.Empty;
        foreach (var position in members)
        {
            sum += figures[position];
        }

        return sum;
    }

    public static FollowUpFigures Sum(IEnumerable<FollowUpFigures> figures)
    {
        var sum = FollowUpFigures.Empty;
        foreach (var figure in figures)
        {
            sum += figure;
        }

        return sum;
    }
}

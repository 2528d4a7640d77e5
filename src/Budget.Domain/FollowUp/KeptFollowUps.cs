using Budget.Domain.Appropriations;
using Budget.Domain.Refusion;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>
/// The most recent follow-ups, each with its per-account figures, so that the next follow-up of the same year, round,
/// date and grouping re-adds only the rows whose accounts changed (decision 0021). The store hands out facts that keep
/// each unchanged account's object (decision 0020), so a changed account is one whose facts are another object:
/// the same list is the same report; a list that differs in a few accounts costs those accounts' figures and their
/// rows' sums; a list of other accounts (or in another order) is built afresh. Every sum is of exact integers, so
/// the report is the one <see cref="FollowUpCalculator.Build(int, RoundNumber, LocalDate, FollowUpGrouping, IEnumerable{AccountFacts})"/>
/// would give, whatever was kept. Thread-safe; what is kept is never changed, only replaced.
/// </summary>
public sealed class KeptFollowUps
{
    /// <summary>Follow-ups kept (year × round × date × grouping); the least recently built goes first.</summary>
    public const int Capacity = 24;

    private readonly Lock gate = new();
    private readonly Dictionary<Key, Kept> kept = [];
    private long builds;

    private readonly record struct Key(int Year, int Round, LocalDate AsOf, FollowUpGrouping By);

    private sealed record Kept(IReadOnlyList<AccountFacts> Facts, FollowUpLayout Layout, ChunkedList<FollowUpFigures> Figures, FollowUpLayout Committees, FollowUpFigures[] CommitteeSums, FollowUpReport Report, long Built);

    /// <param name="facts">Never changed after it is handed here: the same list (by reference) is answered with the same report.</param>
    public FollowUpReport Build(int year, RoundNumber round, LocalDate asOf, FollowUpGrouping by, IReadOnlyList<AccountFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var key = new Key(year, round.Value, asOf, by);
        Kept? before;
        lock (gate)
        {
            before = kept.GetValueOrDefault(key);
        }

        if (before is not null && ReferenceEquals(before.Facts, facts))
        {
            return before.Report;
        }

        var built = Interlocked.Increment(ref builds);
        var next = (before is null ? null : Update(before, facts, built)) ?? Fresh(year, round, asOf, by, facts, built);
        lock (gate)
        {
            if (!kept.TryGetValue(key, out var current) || current.Built < next.Built)
            {
                if (!kept.ContainsKey(key) && kept.Count >= Capacity)
                {
                    kept.Remove(kept.MinBy(k => k.Value.Built).Key);
                }

                kept[key] = next;
            }
        }

        return next.Report;
    }

    private static Kept Fresh(int year, RoundNumber round, LocalDate asOf, FollowUpGrouping by, IReadOnlyList<AccountFacts> facts, long built)
    {
        var figures = FollowUpLayout.FiguresOf(facts);
        var layout = FollowUpLayout.Of(by, facts);

        // The total is kept as the sum of per-committee sums, so a change re-adds one committee, not every account.
        var committees = FollowUpLayout.Of(FollowUpGrouping.Committee, facts);
        var committeeSums = committees.RowsOf(figures).Select(r => r.Figures).ToArray();
        var report = new FollowUpReport(year, round, asOf, by, new ChunkedList<FollowUpRow>(layout.RowsOf(figures)), FollowUpLayout.Sum(committeeSums));
        return new Kept(facts, layout, new ChunkedList<FollowUpFigures>(figures), committees, committeeSums, report, built);
    }

    /// <summary>Replaces one member's figures in a sum being updated (the sum kept so far, or the one before the first change).</summary>
    private static void Replace(Dictionary<int, FollowUpFigures?> sums, int key, FollowUpFigures before, FollowUpFigures replaced, FollowUpFigures by)
    {
        var sum = sums.TryGetValue(key, out var current) ? current : before;
        sums[key] = sum is null ? null : Replaced(sum, replaced, by);
    }

    /// <summary>
    /// A sum with one member's figures <paramref name="replaced"/> <paramref name="by"/> others, without its other
    /// members: every figure is an exact integer, so subtracting and adding gives the sum that re-adding them would.
    /// Null when the member's benefit (gross and refusion) goes away: whether another member has one, which decides
    /// between a benefit of 0 and none, is not in the sum.
    /// </summary>
    private static FollowUpFigures? Replaced(FollowUpFigures sum, FollowUpFigures replaced, FollowUpFigures by)
    {
        if (replaced.Benefit is not null && by.Benefit is null)
        {
            return null;
        }

        var benefit = by.Benefit is null ? sum.Benefit : (sum.Benefit ?? RefusionTotals.None) - (replaced.Benefit ?? RefusionTotals.None) + by.Benefit;
        return new FollowUpFigures(
            sum.Appropriations - replaced.Appropriations + by.Appropriations,
            sum.Consumption - replaced.Consumption + by.Consumption,
            sum.Estimate - replaced.Estimate + by.Estimate,
            sum.OutYears - replaced.OutYears + by.OutYears,
            sum.EstimatesMissing - replaced.EstimatesMissing + by.EstimatesMissing,
            benefit);
    }

    /// <summary>
    /// The kept follow-up with the changed accounts re-added; null when the accounts are not the same, in the same
    /// order. Figures and rows are replaced in chunks shared with the kept ones (<see cref="ChunkedList{T}"/>): a change
    /// of a few accounts of thousands copies a few chunks, and facts handed out as such a list are compared only where
    /// their chunks differ.
    /// </summary>
    private static Kept? Update(Kept before, IReadOnlyList<AccountFacts> facts, long built)
    {
        if (before.Facts.Count != facts.Count)
        {
            return null;
        }

        var positions = facts is ChunkedList<AccountFacts> now && before.Facts is ChunkedList<AccountFacts> then
            ? now.ChangedFrom(then)
            : Enumerable.Range(0, facts.Count);
        var replaced = new List<(int Index, FollowUpFigures Figures)>();

        // Each changed row's and committee's sum with the changed accounts' figures replaced in it, or null where that
        // cannot be told from the sum (then it is re-added from its members).
        var changedRows = new Dictionary<int, FollowUpFigures?>();
        var changedCommittees = new Dictionary<int, FollowUpFigures?>();
        foreach (var i in positions)
        {
            var old = before.Facts[i];
            var fresh = facts[i];
            if (ReferenceEquals(old, fresh))
            {
                continue;
            }

            if (!ReferenceEquals(old.Account, fresh.Account) && old.Account != fresh.Account)
            {
                return null; // another account at this position: the rows themselves may differ
            }

            var was = before.Figures[i];
            var figuresNow = fresh.Figures();
            replaced.Add((i, figuresNow));
            Replace(changedRows, before.Layout.RowOf[i], before.Report.Rows[before.Layout.RowOf[i]].Figures, was, figuresNow);
            Replace(changedCommittees, before.Committees.RowOf[i], before.CommitteeSums[before.Committees.RowOf[i]], was, figuresNow);
        }

        if (replaced.Count == 0)
        {
            return before with { Facts = facts, Built = built };
        }

        var figures = before.Figures.With(replaced);
        var rows = (before.Report.Rows as ChunkedList<FollowUpRow> ?? new ChunkedList<FollowUpRow>(before.Report.Rows)).With(
            changedRows.Select(c => (c.Key, before.Layout.Rows[c.Key] with { Figures = c.Value ?? FollowUpLayout.Sum(before.Layout.Members[c.Key], figures) })));
        var committeeSums = (FollowUpFigures[])before.CommitteeSums.Clone();
        foreach (var (c, sum) in changedCommittees)
        {
            committeeSums[c] = sum ?? FollowUpLayout.Sum(before.Committees.Members[c], figures);
        }

        var report = before.Report with { Rows = rows, Total = FollowUpLayout.Sum(committeeSums) };
        return new Kept(facts, before.Layout, figures, before.Committees, committeeSums, report, built);
    }
}

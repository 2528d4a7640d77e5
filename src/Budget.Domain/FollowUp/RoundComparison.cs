using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>A row's figures in one round, as of that round's cut-off.</summary>
public sealed record RoundFigures(RoundNumber Round, LocalDate AsOf, Amount CorrectedBudget, Amount Estimate, Amount VarianceToCorrected, int EstimatesMissing, string? Explanation);

/// <summary>What moved between two reported rounds (later minus earlier).</summary>
public sealed record RoundChange(RoundNumber From, RoundNumber To, Amount CorrectedBudget, Amount Estimate, Amount VarianceToCorrected);

/// <summary>One row across the rounds; <see cref="Rounds"/> has an entry per round, null for a round not reported.</summary>
public sealed record RoundComparisonRow(
    string? Committee,
    string? ActivityArea,
    Account? Account,
    string? Group,
    Block? Block,
    IReadOnlyList<RoundFigures?> Rounds,
    IReadOnlyList<RoundChange> Changes);

public sealed record RoundComparisonReport(int Year, FollowUpGrouping By, IReadOnlyList<RoundNumber> Reported, IReadOnlyList<RoundComparisonRow> Rows, RoundComparisonRow Total);

/// <summary>
/// The question every committee asks at the 2nd and 3rd estimate: what moved since last time, and why. Each round
/// is measured as of its own cut-off with its own estimates, so a change in the variance splits into a change of
/// the estimate and a change of the corrected budget (e.g. an appropriation granted at the previous round).
/// Rounds in which no estimate was recorded are not reported: an estimate that defaults to the corrected budget
/// says nothing about what moved.
/// </summary>
public static class RoundComparison
{
    public static RoundComparisonReport Build(int year, FollowUpGrouping by, IReadOnlyDictionary<RoundNumber, (LocalDate AsOf, IReadOnlyList<AccountFacts> Facts)> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var reported = RoundNumber.All.Where(r => rounds.TryGetValue(r, out var round) && round.Facts.Any(f => f.Estimate is not null)).ToArray();
        var reports = reported.ToDictionary(r => r, r => FollowUpCalculator.Build(year, r, rounds[r].AsOf, by, rounds[r].Facts));
        var explanations = reported.ToDictionary(
            r => r,
            r => rounds[r].Facts.Where(f => f.Estimate is not null).ToDictionary(f => f.Account.Id, f => f.Estimate!.Explanation));

        // Every round covers the same accounts, so the first report's rows give the order; a row only some rounds have
        // (an account added during the year) is appended from the later ones.
        var rowsByKey = reports.ToDictionary(r => r.Key, r => r.Value.Rows.ToDictionary(Key));
        var keys = reports.Values.SelectMany(report => report.Rows).Select(Key).Distinct().ToList();
        var rows = keys.Select(key =>
        {
            var perRound = RoundNumber.All.Select(round =>
            {
                if (!reports.TryGetValue(round, out var report) || !rowsByKey[round].TryGetValue(key, out var row))
                {
                    return null;
                }

                var explanation = row.Account is { } account ? explanations[round].GetValueOrDefault(account.Id) : null;
                return Figures(round, report.AsOf, row.Figures, explanation);
            }).ToArray();
            var sample = rowsByKey.Values.Select(byKey => byKey.GetValueOrDefault(key)).First(r => r is not null)!;
            return new RoundComparisonRow(sample.Committee, sample.ActivityArea, sample.Account, sample.Group, sample.Block, perRound, Changes(perRound));
        }).ToArray();

        var totals = RoundNumber.All.Select(round => reports.TryGetValue(round, out var report) ? Figures(round, report.AsOf, report.Total, null) : null).ToArray();
        return new RoundComparisonReport(year, by, reported, rows, new RoundComparisonRow(null, null, null, null, null, totals, Changes(totals)));
    }

    private static (string?, string?, string?, string?, Block?) Key(FollowUpRow row) => (row.Committee, row.ActivityArea, row.Account?.Id.Value, row.Group, row.Block);

    private static RoundFigures Figures(RoundNumber round, LocalDate asOf, FollowUpFigures figures, string? explanation) =>
        new(round, asOf, figures.CorrectedBudget, figures.Estimate, figures.VarianceToCorrected, figures.EstimatesMissing, explanation);

    private static RoundChange[] Changes(RoundFigures?[] rounds)
    {
        var present = rounds.OfType<RoundFigures>().ToArray();
        return present.Zip(present.Skip(1), (earlier, later) => new RoundChange(
            earlier.Round,
            later.Round,
            later.CorrectedBudget - earlier.CorrectedBudget,
            later.Estimate - earlier.Estimate,
            later.VarianceToCorrected - earlier.VarianceToCorrected)).ToArray();
    }
}

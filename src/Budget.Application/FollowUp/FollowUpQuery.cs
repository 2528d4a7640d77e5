using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using NodaTime;

namespace Budget.Application.FollowUp;

/// <summary>
/// The follow-up of a stored year for a round, as of the round's cut-off unless a date is given. With
/// <paramref name="kept"/> (the server's, one per process) a report re-adds only the accounts changed since the last
/// report of the same key (decision 0021); without it (the CLI's single report) it is built afresh.
/// </summary>
public sealed class FollowUpQuery(IYearStore years, IFollowUpReader store, KeptFollowUps? kept = null)
{
    /// <summary>Null when the year does not exist.</summary>
    public async Task<FollowUpReport?> Report(int year, RoundNumber round, FollowUpGrouping by, LocalDate? asOf, CancellationToken cancellationToken)
    {
        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var date = asOf ?? calendar.CutoffOf(round);
        var facts = await store.AccountFacts(year, round, date, cancellationToken);
        return kept is null ? FollowUpCalculator.Build(year, round, date, by, facts) : kept.Build(year, round, date, by, facts);
    }

    /// <summary>Each round as of its own cut-off, side by side; null when the year does not exist.</summary>
    public async Task<RoundComparisonReport?> Comparison(int year, FollowUpGrouping by, CancellationToken cancellationToken)
    {
        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var rounds = new Dictionary<RoundNumber, (LocalDate AsOf, IReadOnlyList<AccountFacts> Facts)>();
        foreach (var round in RoundNumber.All)
        {
            var cutoff = calendar.CutoffOf(round);
            rounds[round] = (cutoff, await store.AccountFacts(year, round, cutoff, cancellationToken));
        }

        return RoundComparison.Build(year, by, rounds);
    }
}

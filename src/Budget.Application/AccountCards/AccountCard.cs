using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application.AccountCards;

/// <summary>
/// One month of an account card's consumption: cumulative from 1 January. <see cref="ThisYear"/> runs through the
/// as-of date (the as-of month holds the consumption as of that date, later months are null); <see cref="LastYear"/>
/// is the year before's through the month's end, null when the database does not hold that year's account.
/// </summary>
public sealed record CardMonth(int Month, Amount? ThisYear, Amount? LastYear);

/// <summary>
/// An account card (kontokort) in a round: the account's follow-up figures as of the round's cut-off (the same as its
/// row in the follow-up), every movement (those decided after the date marked as not counted), consumption by month
/// this year and last, and the round's estimate versions, oldest first.
/// </summary>
public sealed record AccountCard(
    int Year,
    RoundNumber Round,
    LocalDate AsOf,
    Domain.Accounts.Account Account,
    FollowUpFigures Figures,
    IReadOnlyList<(AppropriationMovement Movement, bool Counted)> Movements,
    IReadOnlyList<CardMonth> Months,
    int? LastYear,
    IReadOnlyList<StoredEstimate> EstimateVersions)
{
    /// <summary>The card from what the store read; the figures are those of <see cref="AccountFacts.Figures"/>, as in every report.</summary>
    public static AccountCard Build(int year, RoundNumber round, LocalDate asOf, AccountCardFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.MonthEnds.Count != 12 || facts.LastYearMonthEnds is { Count: not 12 })
        {
            throw new ArgumentException("Month ends come as twelve amounts, January to December.", nameof(facts));
        }

        var versions = facts.EstimateVersions.OrderBy(v => v.Version).ToArray();
        var current = versions.LastOrDefault()?.Estimate;
        var figures = new AccountFacts(facts.Account, AppropriationsByKind.AsOf(facts.Movements, asOf), facts.ConsumptionAsOf, current).Figures();
        var months = Enumerable.Range(1, 12).Select(m => new CardMonth(
            m,
            ThisYearThrough(m),
            facts.LastYearMonthEnds?[m - 1])).ToArray();
        var movements = facts.Movements
            .Select((m, i) => (Movement: m, Order: i))
            .OrderBy(x => x.Movement.DecidedOn)
            .ThenBy(x => x.Order)
            .Select(x => (x.Movement, x.Movement.DecidedOn <= asOf))
            .ToArray();
        return new AccountCard(year, round, asOf, facts.Account, figures, movements, months, facts.LastYearMonthEnds is null ? null : year - 1, versions);

        Amount? ThisYearThrough(int month)
        {
            // The cut-off lies in the year (RoundCalendar); a date outside it reads the whole year or nothing.
            var last = asOf.Year < year ? 0 : asOf.Year > year ? 12 : asOf.Month;
            return month < last ? facts.MonthEnds[month - 1] : month == last ? (asOf.Year > year ? facts.MonthEnds[11] : facts.ConsumptionAsOf) : null;
        }
    }
}

using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application.AccountCards;

/// <summary>
/// What the store knows of one account for its account card (kontokort), read in one snapshot: every movement, the
/// round's estimate versions, consumption cumulative through each month's end of the year (and of the year before,
/// when that year holds the account), and consumption as of the date asked.
/// </summary>
/// <param name="MonthEnds">Twelve amounts: consumption from 1 January through the end of each month.</param>
/// <param name="LastYearMonthEnds">The same for the year before; null when the database has no such account in that year.</param>
public sealed record AccountCardFacts(
    Account Account,
    IReadOnlyList<AppropriationMovement> Movements,
    IReadOnlyList<StoredEstimate> EstimateVersions,
    IReadOnlyList<Amount> MonthEnds,
    Amount ConsumptionAsOf,
    IReadOnlyList<Amount>? LastYearMonthEnds);

/// <summary>Reads one account's card (the page's account view).</summary>
public interface IAccountCardReader
{
    /// <summary>Null when the account does not exist in the year.</summary>
    Task<AccountCardFacts?> AccountCard(int year, AccountId account, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken);
}

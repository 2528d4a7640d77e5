using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;

namespace Budget.Application.AccountCards;

/// <summary>An account's card in a round, as of the round's cut-off.</summary>
public sealed class AccountCardQuery(IYearStore years, IAccountCardReader store)
{
    /// <summary>Null when the year or the account does not exist.</summary>
    public async Task<AccountCard?> Card(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return null;
        }

        var asOf = calendar.CutoffOf(round);
        var facts = await store.AccountCard(year, account, round, asOf, cancellationToken);
        return facts is null ? null : AccountCard.Build(year, round, asOf, facts);
    }
}

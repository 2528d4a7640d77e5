using Budget.Domain.Appropriations;

namespace Budget.Domain.Accounts;

/// <summary>
/// A municipality's budget year (budgetår) held in memory: its accounts and every appropriation movement,
/// posting and estimate recorded on them. Construction refuses references to unknown accounts and duplicates.
/// </summary>
public sealed class BudgetYear
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    public BudgetYear(
        int year,
        IEnumerable<Account> accounts,
        IEnumerable<AppropriationMovement> movements,
        IEnumerable<Posting> postings,
        IEnumerable<AccountEstimate> estimates,
        RoundCalendar? calendar = null)
    {
        Preconditions.Require(year is >= MinYear and <= MaxYear, $"A budget year lies between {MinYear} and {MaxYear}, not {year}.");
        Year = year;
        Calendar = calendar ?? RoundCalendar.Default(year);
        Preconditions.Require(Calendar.Year == year, "The round calendar belongs to another year.");

        Accounts = accounts.ToArray();
        var known = new HashSet<AccountId>();
        foreach (var account in Accounts)
        {
            Preconditions.Require(known.Add(account.Id), $"Account {account.Id} appears twice.");
        }

        Movements = movements.ToArray();
        Postings = postings.ToArray();
        Estimates = estimates.ToArray();
        foreach (var id in Movements.Select(m => m.Account).Concat(Postings.Select(p => p.Account)).Concat(Estimates.Select(e => e.Account)))
        {
            Preconditions.Require(known.Contains(id), $"Account {id} is not an account of {year}.");
        }

        var estimated = new HashSet<(RoundNumber, AccountId)>();
        foreach (var estimate in Estimates)
        {
            Preconditions.Require(estimated.Add((estimate.Round, estimate.Account)), $"Account {estimate.Account} has two estimates in round {estimate.Round}.");
        }
    }

    public int Year { get; }

    public RoundCalendar Calendar { get; }

    public IReadOnlyList<Account> Accounts { get; }

    public IReadOnlyList<AppropriationMovement> Movements { get; }

    public IReadOnlyList<Posting> Postings { get; }

    public IReadOnlyList<AccountEstimate> Estimates { get; }
}

namespace Budget.Data;

/// <summary>
/// A postings write named accounts its year does not have (the store's own check, decision 0027: the application
/// validates accounts before it writes, so reaching this is a defect, not bad input). Nothing was stored.
/// </summary>
public sealed class UnknownAccountsException(int year, IReadOnlyList<string> accounts)
    : InvalidOperationException($"Budget year {year} has no account {string.Join(", ", accounts.Take(10))}{(accounts.Count > 10 ? $" (and {accounts.Count - 10} more)" : "")}: postings on it were refused. Nothing was stored.")
{
    public int Year { get; } = year;

    public IReadOnlyList<string> Accounts { get; } = accounts;
}

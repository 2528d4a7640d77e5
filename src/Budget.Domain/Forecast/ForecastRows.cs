using Budget.Domain.Accounts;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;

namespace Budget.Domain.Forecast;

/// <summary>One account's consumption at several points (dates or months), in the order the reader was asked for.</summary>
public sealed record AccountConsumption(Account Account, IReadOnlyList<Amount> Amounts);

/// <summary>
/// Which rows a forecast or comparison has and how earlier years' accounts are matched to them: by account id (an
/// account keeps its id from year to year even if it moves), or by the committee and activity area names.
/// </summary>
internal readonly record struct RowKey(string? Committee, string? ActivityArea, string? AccountId)
{
    public static IReadOnlyList<FollowUpGrouping> Supported { get; } = [FollowUpGrouping.Account, FollowUpGrouping.ActivityArea, FollowUpGrouping.Committee];

    /// <summary>The key an account of any year is matched under.</summary>
    public static RowKey Of(Account account, FollowUpGrouping by) => by switch
    {
        FollowUpGrouping.Account => new RowKey(null, null, account.Id.Value),
        FollowUpGrouping.ActivityArea => new RowKey(account.Committee, account.ActivityArea, null),
        FollowUpGrouping.Committee => new RowKey(account.Committee, null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "Forecasts and month comparisons are by account, activity area or committee."),
    };

    /// <summary>
    /// The accounts of a year grouped into rows, in the follow-up's order (committee, activity area, account; ordinal),
    /// each row named by its first account (by account: the account itself).
    /// </summary>
    public static IReadOnlyList<(RowKey Key, Account First, IReadOnlyList<T> Members)> Rows<T>(IEnumerable<T> items, Func<T, Account> accountOf, FollowUpGrouping by) =>
        items
            .GroupBy(i => Of(accountOf(i), by))
            .Select(g => (Key: g.Key, First: accountOf(g.First()), Members: (IReadOnlyList<T>)g.ToArray()))
            .OrderBy(r => r.First.Committee, StringComparer.Ordinal)
            .ThenBy(r => by == FollowUpGrouping.Committee ? "" : r.First.ActivityArea, StringComparer.Ordinal)
            .ThenBy(r => by == FollowUpGrouping.Account ? r.First.Id.Value : "", StringComparer.Ordinal)
            .ToArray();

    /// <summary>The grouping members a row carries (contract §3): those of its level, null above it.</summary>
    public static RowMembers Members(Account first, FollowUpGrouping by) => by switch
    {
        FollowUpGrouping.Account => new RowMembers(first.Committee, first.ActivityArea, first, first.Group),
        FollowUpGrouping.ActivityArea => new RowMembers(first.Committee, first.ActivityArea, null, null),
        _ => new RowMembers(first.Committee, null, null, null),
    };
}

/// <summary>The grouping members of a row (contract §3): committee, activity area, account and its reporting group, null where they do not apply.</summary>
public sealed record RowMembers(string? Committee, string? ActivityArea, Account? Account, string? Group);

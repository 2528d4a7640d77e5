using System.Diagnostics.CodeAnalysis;
using Budget.Domain.FollowUp;

namespace Budget.Application.FollowUp;

/// <summary>
/// The grouping codes of the follow-up (<c>by=</c> in the API, <c>--by</c> in the CLI), the one table both read so
/// that a code means the same level everywhere and an unknown code is refused everywhere.
/// </summary>
public static class FollowUpGroupings
{
    private static readonly (string Code, FollowUpGrouping Grouping)[] Table =
    [
        ("account", FollowUpGrouping.Account),
        ("activity-area", FollowUpGrouping.ActivityArea),
        ("committee", FollowUpGrouping.Committee),
        ("group", FollowUpGrouping.Group),
        ("block", FollowUpGrouping.Block),
        ("municipality", FollowUpGrouping.Municipality),
    ];

    /// <summary>Every code, in the order the levels nest from the finest (account) to the whole municipality.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. Table.Select(t => t.Code)];

    /// <summary>The codes as a sentence fragment for error messages and help: "account, activity-area, …".</summary>
    public static string CodeList { get; } = string.Join(", ", Codes);

    /// <summary>Exact, case-sensitive match: the codes are part of the interchange contract, not free text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, out FollowUpGrouping grouping)
    {
        foreach (var (candidate, value) in Table)
        {
            if (string.Equals(candidate, code, StringComparison.Ordinal))
            {
                grouping = value;
                return true;
            }
        }

        grouping = default;
        return false;
    }

    public static string Code(FollowUpGrouping grouping)
    {
        foreach (var (code, value) in Table)
        {
            if (value == grouping)
            {
                return code;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Not a follow-up grouping.");
    }
}

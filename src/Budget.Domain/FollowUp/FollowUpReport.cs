using Budget.Domain.Appropriations;
using Budget.Domain.Accounts;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>The level a follow-up is rolled up to.</summary>
public enum FollowUpGrouping
{
    Account,
    ActivityArea,
    Committee,
    Group,
    Block,
    Municipality,
}

/// <summary>One row of a follow-up; only the members of its grouping are set.</summary>
public sealed record FollowUpRow(
    string? Committee,
    string? ActivityArea,
    Account? Account,
    string? Group,
    Block? Block,
    FollowUpFigures Figures);

/// <summary>A budget follow-up (budgetopfølgning) for a round as of a date: rows and their total.</summary>
public sealed record FollowUpReport(
    int Year,
    RoundNumber Round,
    LocalDate AsOf,
    FollowUpGrouping By,
    IReadOnlyList<FollowUpRow> Rows,
    FollowUpFigures Total);

using Budget.Domain.Money;
using Budget.Domain.Accounts;
using NodaTime;

namespace Budget.Domain.Appropriations;

/// <summary>
/// One dated appropriation decision on an account (bevillingsbevægelse). Append-only: a wrong movement is
/// corrected by another movement, never edited.
/// </summary>
public sealed record AppropriationMovement(
    AccountId Account,
    MovementKind Kind,
    Amount Amount,
    LocalDate DecidedOn,
    string? Reference = null,
    string? DecidedBy = null);

/// <summary>A posting (postering) on an account: consumption (forbrug) on a date.</summary>
public sealed record Posting(AccountId Account, LocalDate PostedOn, Amount Amount);

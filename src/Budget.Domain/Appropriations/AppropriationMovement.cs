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

/// <summary>
/// A posting (postering) on an account: consumption (forbrug) on a date. A value, not an object: an import passes
/// millions through its batches, and objects that live across a collection would pile up as garbage in gen 1.
/// </summary>
public readonly record struct Posting(AccountId Account, LocalDate PostedOn, Amount Amount);

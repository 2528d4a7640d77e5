using Budget.Application.Audit;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.YearEnd;
using NodaTime;

namespace Budget.Application.YearEnd;

/// <summary>A year's end as stored: when its accounts were closed and when its carry-overs were approved (null: not yet).</summary>
public sealed record YearEndState(int Year, LocalDate? ClosedOn, LocalDate? CarryOversApprovedOn)
{
    public bool IsClosed => ClosedOn is not null;

    /// <summary><c>open</c> or <c>closed</c> (contract §9).</summary>
    public string StateCode => IsClosed ? "closed" : "open";
}

public enum CloseStatus
{
    Closed,
    YearNotFound,

    /// <summary>The year was closed before (HTTP 409).</summary>
    AlreadyClosed,
}

public enum CarryOverStoreStatus
{
    Approved,
    YearNotFound,
    NextYearNotFound,

    /// <summary>The year is still open: its accounts are not final (HTTP 409).</summary>
    NotClosed,

    /// <summary>The year's carry-overs were approved before (HTTP 409).</summary>
    AlreadyApproved,

    /// <summary>A movement of the year was recorded after the carry-overs were computed: compute them again.</summary>
    Stale,
}

/// <summary>
/// The year's end in storage (docs/year-end.md). Closing is for good: afterwards every write of postings, estimates
/// or round transitions of the year throws <see cref="YearClosedException"/> from inside its own transaction.
/// </summary>
public interface IYearEndStore
{
    /// <summary>Null when the year does not exist.</summary>
    Task<YearEndState?> FindYearEnd(int year, CancellationToken cancellationToken);

    /// <summary>Closes the year with its audit entry, in one transaction that waits for every write of the year in flight.</summary>
    Task<CloseStatus> Close(int year, LocalDate closedOn, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the approved carry-overs as movements of <paramref name="year"/> + 1 and marks the year's carry-overs
    /// approved, in one transaction, only if the year is closed, not yet approved, next year exists and no movement of
    /// the year was recorded after <paramref name="movementWatermark"/> (the last one the amounts were computed from).
    /// </summary>
    Task<CarryOverStoreStatus> ApproveCarryOvers(int year, LocalDate decidedOn, IReadOnlyList<AppropriationMovement> movements, long movementWatermark, AuditEntry audit, CancellationToken cancellationToken);
}

/// <summary>
/// Which accounts are service and which transfer expenditure (the service classification's reference data,
/// <c>Budget.Reports.ServiceClassification</c>): carry-over policies, a case row's default class and the service frame
/// all ask it.
/// </summary>
public interface IExpenditureClassifier
{
    ExpenditureClass? ClassOf(AccountId account);
}

/// <summary>A write met a closed year: its postings, estimates and rounds are final (HTTP 409). Nothing was stored.</summary>
public sealed class YearClosedException(int year, LocalDate closedOn)
    : Exception($"Budget year {year} was closed on {closedOn:yyyy-MM-dd}: its postings, estimates and rounds are final. Nothing was stored.")
{
    public int Year { get; } = year;

    public LocalDate ClosedOn { get; } = closedOn;
}

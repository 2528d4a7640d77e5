namespace Budget.Domain.Accounts;

/// <summary>
/// Service expenditure (serviceudgift, counted against the service frame) or transfer (overførselsudgift), as the
/// service classification of the account says; used by carry-over policies, case rows without a class of their own
/// (<see cref="Cases.CaseCodes.Of"/>), the service frame and the refusion what-if alike.
/// </summary>
public enum ExpenditureClass
{
    Service,
    Transfer,
}

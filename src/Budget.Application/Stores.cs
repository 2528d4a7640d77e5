using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application;

// The storage contracts, one per concept. Movements, postings, estimate versions and the audit trail are
// append-only; the corrected budget and consumption are never stored but aggregated as of a date. Every write takes
// the audit entry that records it and stores both in one transaction. One implementation (Budget.Data.BudgetStore)
// serves every provider; tests/Budget.Data.Tests runs its contract against each.

/// <summary>An estimate as stored: the estimate itself, its version (the ETag) and when it was last recorded.</summary>
public sealed record StoredEstimate(int Year, AccountEstimate Estimate, long Version, Instant RecordedAt);

/// <summary>One entry of an account's history: a movement or a recorded estimate version, in date order.</summary>
public sealed record AccountHistoryEntry(
    string Type,
    LocalDate Date,
    Instant RecordedAt,
    MovementKind? Kind,
    RoundNumber? Round,
    Amount Amount,
    string? Reference,
    string? DecidedBy,
    string? Explanation,
    OutYearConsequences? OutYears,
    long? Version);

public enum EstimateSaveStatus
{
    Saved,

    /// <summary>Another write changed the estimate first (the expected version is not current).</summary>
    VersionConflict,

    /// <summary>The round is no longer open: its estimates are locked.</summary>
    RoundLocked,
}

public sealed record EstimateSaveResult(EstimateSaveStatus Status, StoredEstimate? Saved, RoundState State);

/// <summary>An audit entry as read back, with its position in the trail.</summary>
public sealed record AuditRecord(long Id, AuditEntry Entry);

/// <summary>Applies the schema's pending migrations; idempotent.</summary>
public interface IStoreMigrations
{
    Task Migrate(CancellationToken cancellationToken);
}

/// <summary>Budget years, their accounts, settings and each account's history.</summary>
public interface IYearStore
{
    /// <summary>The year's round calendar; null when the year does not exist.</summary>
    Task<RoundCalendar?> FindYear(int year, CancellationToken cancellationToken);

    Task<IReadOnlyList<int>> Years(CancellationToken cancellationToken);

    /// <summary>The year's accounts ordered by committee, activity area and account (ordinal).</summary>
    Task<IReadOnlyList<Account>> Accounts(int year, CancellationToken cancellationToken);

    Task<Account?> FindAccount(int year, AccountId account, CancellationToken cancellationToken);

    /// <summary>The year's settings (settings.csv): key → amount.</summary>
    Task<IReadOnlyDictionary<string, Amount>> Settings(int year, CancellationToken cancellationToken);

    Task<IReadOnlyList<AccountHistoryEntry>> History(int year, AccountId account, CancellationToken cancellationToken);
}

/// <summary>What the follow-up reads: per account, appropriations by kind and consumption as of a date, and the round's estimate.</summary>
public interface IFollowUpReader
{
    /// <summary>
    /// The year's facts, one per account. The list is shared (kept between reports, decision 0020) and compared by
    /// reference by <see cref="Domain.FollowUp.KeptFollowUps"/>: callers read it and never change it.
    /// </summary>
    Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken);
}

/// <summary>Single writes of movements and postings (the bulk path is <see cref="IImportStore"/>).</summary>
public interface IAppropriationStore
{
    Task AddMovements(int year, IReadOnlyList<AppropriationMovement> movements, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Adds postings in one transaction.</summary>
    Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken);
}

public interface IEstimateStore
{
    Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken);

    /// <summary>
    /// Records an estimate if the round is open and the stored version is still <paramref name="expectedVersion"/>
    /// (null: none stored yet), as version <paramref name="expectedVersion"/> + 1, with its audit entry.
    /// </summary>
    Task<EstimateSaveResult> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, Instant recordedAt, AuditEntry audit, CancellationToken cancellationToken);
}

public interface IRoundStore
{
    /// <summary>The round as stored (open when never changed); null when the year does not exist.</summary>
    Task<Round?> FindRound(int year, RoundNumber round, CancellationToken cancellationToken);

    /// <summary>The id of the year's last movement (0 when none): the watermark of an approval's grants.</summary>
    Task<long> LastMovement(int year, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a transition and its effects in one transaction if the round is still as it was read (compare-and-set);
    /// false, with nothing stored, when another write came first.
    /// </summary>
    Task<bool> Apply(int year, RoundTransition transition, AuditEntry audit, CancellationToken cancellationToken);
}

public interface IUserStore
{
    /// <summary>Creates a user; a name already taken throws <see cref="UserNameTakenException"/>.</summary>
    Task<StoredUser> CreateUser(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? committees, string keyHash, AuditEntry audit, CancellationToken cancellationToken);

    Task<StoredUser?> FindUserByKeyHash(string keyHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredUser>> Users(CancellationToken cancellationToken);

    /// <summary>Revokes a user's key; false when there is no such active user.</summary>
    Task<bool> RevokeUser(long id, AuditEntry audit, CancellationToken cancellationToken);
}

public interface IAuditReader
{
    Task<IReadOnlyList<AuditRecord>> Audit(int? year, Instant? since, Instant? until, string? target, CancellationToken cancellationToken);
}

public interface IImportStore
{
    /// <summary>Opens an all-or-nothing import into a year (created when absent): nothing is visible until <see cref="IImportSession.Commit"/>.</summary>
    Task<IImportSession> BeginImport(int year, CancellationToken cancellationToken);
}

/// <summary>One import transaction. Disposing without committing leaves the database as it was.</summary>
public interface IImportSession : IAsyncDisposable
{
    /// <summary>The year's accounts before this import.</summary>
    IReadOnlyDictionary<AccountId, Account> ExistingAccounts { get; }

    /// <summary>The year's movements and postings before this import, each as the sum of |amount| in øre (see <see cref="AmountCeilings"/>).</summary>
    (long Movements, long Postings) Magnitudes { get; }

    /// <summary>The state of each round before this import (open when never changed).</summary>
    IReadOnlyDictionary<RoundNumber, RoundState> RoundStates { get; }

    /// <summary>When the year's accounts were closed (null: open); a closed year takes no postings, estimates or cut-offs (docs/year-end.md).</summary>
    LocalDate? ClosedOn { get; }

    Task AddAccounts(IReadOnlyList<Account> accounts, CancellationToken cancellationToken);

    Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken);

    /// <summary>Sets (or replaces) a year setting.</summary>
    Task SetSetting(string key, Amount value, CancellationToken cancellationToken);

    Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken);

    /// <summary>
    /// Adds postings (summed per account and day until the commit). May be called from another thread while the other
    /// methods run (one call of it at a time; all of them returned before <see cref="Commit"/>).
    /// </summary>
    Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken);

    /// <summary>
    /// Every posting is in (the last <see cref="AddPostings"/> has returned): the store may make, on the caller's
    /// thread and without the connection, what the commit will write of them (decision 0035).
    /// </summary>
    void PostingsComplete();

    /// <summary>Records estimates, replacing the round's current estimate of an account (a new version).</summary>
    Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken);

    Task Commit(AuditEntry audit, CancellationToken cancellationToken);
}

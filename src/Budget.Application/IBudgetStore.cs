using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application;

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

/// <summary>
/// Durable storage of budget years. Movements, postings and the audit trail are append-only; the corrected budget
/// and consumption are never stored but aggregated as of a date. Every write takes the audit entry that records it
/// and stores both in one transaction. Implemented per database provider.
/// </summary>
public interface IBudgetStore
{
    /// <summary>Applies pending migrations; idempotent.</summary>
    Task Migrate(CancellationToken cancellationToken);

    Task<RoundCalendar?> FindYear(int year, CancellationToken cancellationToken);

    Task<IReadOnlyList<int>> Years(CancellationToken cancellationToken);

    Task<IReadOnlyList<Account>> Accounts(int year, CancellationToken cancellationToken);

    /// <summary>Per account: appropriations by kind decided and consumption posted on or before <paramref name="asOf"/>, and the round's estimate.</summary>
    Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken);

    Task AddMovement(int year, AppropriationMovement movement, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Adds postings in one transaction.</summary>
    Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken);

    Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken);

    /// <summary>
    /// Records an estimate if the round is open and the stored version is still <paramref name="expectedVersion"/>
    /// (null: none stored yet). The audit entry is completed with the stored before/after by <paramref name="audit"/>.
    /// </summary>
    Task<EstimateSaveResult> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, Func<StoredEstimate?, StoredEstimate, AuditEntry> audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<AccountHistoryEntry>> History(int year, AccountId account, CancellationToken cancellationToken);

    /// <summary>Opens an all-or-nothing import into a year (created when absent): nothing is visible until <see cref="IImportSession.Commit"/>.</summary>
    Task<IImportSession> BeginImport(int year, CancellationToken cancellationToken);

    /// <summary>The round's state (open when never changed) and the committees that have recommended it.</summary>
    Task<RoundStatus?> RoundStatus(int year, RoundNumber round, CancellationToken cancellationToken);

    /// <summary>Moves a round from one of the <paramref name="expected"/> states to <paramref name="target"/>; false when its state is another (someone came first).</summary>
    Task<bool> ChangeRoundState(int year, RoundNumber round, IReadOnlySet<RoundState> expected, RoundState target, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>
    /// Records a committee's recommendation of a submitted round; when every committee in <paramref name="allCommittees"/>
    /// has recommended, the round becomes recommended; <paramref name="audit"/> is given the resulting state.
    /// False when the round is not submitted.
    /// </summary>
    Task<bool> Recommend(int year, RoundNumber round, string committee, IReadOnlySet<string> allCommittees, Func<RoundState, AuditEntry> audit, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: checks the round is recommended, derives the movements from the round's facts as of its
    /// cut-off with <paramref name="appropriations"/>, stores them, marks the round approved and audits it.
    /// Null when the round is not recommended.
    /// </summary>
    Task<IReadOnlyList<AppropriationMovement>?> Approve(int year, RoundNumber round, Func<IReadOnlyList<AccountFacts>, IReadOnlyList<AppropriationMovement>> appropriations, Func<IReadOnlyList<AppropriationMovement>, AuditEntry> audit, CancellationToken cancellationToken);

    /// <summary>The year's settings (settings.csv): key → amount.</summary>
    Task<IReadOnlyDictionary<string, Amount>> Settings(int year, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditRecord>> Audit(int? year, Instant? since, Instant? until, string? target, CancellationToken cancellationToken);

    Task<StoredUser> CreateUser(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? committees, string keyHash, AuditEntry audit, CancellationToken cancellationToken);

    Task<StoredUser?> FindUserByKeyHash(string keyHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredUser>> Users(CancellationToken cancellationToken);

    /// <summary>Revokes a user's key; false when there is no such active user.</summary>
    Task<bool> RevokeUser(long id, AuditEntry audit, CancellationToken cancellationToken);
}

/// <summary>One import transaction. Disposing without committing leaves the database as it was.</summary>
public interface IImportSession : IAsyncDisposable
{
    /// <summary>The year's accounts before this import.</summary>
    IReadOnlyDictionary<AccountId, Account> ExistingAccounts { get; }

    /// <summary>The year's movements and postings before this import, each as the sum of |amount| in øre (see <see cref="Domain.Money.AmountCeilings"/>).</summary>
    (long Movements, long Postings) Magnitudes { get; }

    /// <summary>The state of each round before this import (open when never changed).</summary>
    IReadOnlyDictionary<RoundNumber, RoundState> RoundStates { get; }

    Task AddAccounts(IReadOnlyList<Account> accounts, CancellationToken cancellationToken);

    Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken);

    /// <summary>Sets (or replaces) a year setting.</summary>
    Task SetSetting(string key, Amount value, CancellationToken cancellationToken);

    Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken);

    Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken);

    /// <summary>Records estimates, replacing the round's current estimate of an account (a new version).</summary>
    Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken);

    Task Commit(AuditEntry audit, CancellationToken cancellationToken);
}

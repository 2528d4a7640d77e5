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

/// <summary>
/// Durable storage of budget years. Movements and postings are append-only; the corrected budget and consumption
/// are never stored but aggregated from them as of a date. Implemented per database provider.
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

    Task AddMovement(int year, AppropriationMovement movement, CancellationToken cancellationToken);

    /// <summary>Adds postings in one transaction.</summary>
    Task AddPostings(int year, IReadOnlyList<Posting> postings, CancellationToken cancellationToken);

    Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken);

    /// <summary>
    /// Records an estimate if the stored version is still <paramref name="expectedVersion"/> (null: none stored yet);
    /// returns the new stored estimate, or null when another write came first.
    /// </summary>
    Task<StoredEstimate?> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, CancellationToken cancellationToken);

    Task<IReadOnlyList<AccountHistoryEntry>> History(int year, AccountId account, CancellationToken cancellationToken);

    /// <summary>Opens an all-or-nothing import into a year (created when absent): nothing is visible until <see cref="IImportSession.Commit"/>.</summary>
    Task<IImportSession> BeginImport(int year, CancellationToken cancellationToken);
}

/// <summary>One import transaction. Disposing without committing leaves the database as it was.</summary>
public interface IImportSession : IAsyncDisposable
{
    /// <summary>The year's accounts before this import.</summary>
    IReadOnlyDictionary<AccountId, Account> ExistingAccounts { get; }

    Task AddAccounts(IReadOnlyList<Account> accounts, CancellationToken cancellationToken);

    Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken);

    Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken);

    Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken);

    /// <summary>Records estimates, replacing the round's current estimate of an account (a new version).</summary>
    Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken);

    Task Commit(CancellationToken cancellationToken);
}

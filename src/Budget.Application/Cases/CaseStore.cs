using Budget.Application.Audit;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using NodaTime;

namespace Budget.Application.Cases;

/// <summary>When a version of a case was recorded and by whom.</summary>
public sealed record CaseVersionInfo(int Version, Instant RecordedAt, string RecordedBy);

/// <summary>The council's approval of a case: the version approved, the decision date and who recorded it.</summary>
public sealed record CaseApprovalInfo(int Version, LocalDate DecidedOn, string? Reference, Instant ApprovedAt, string ApprovedBy);

/// <summary>A case as stored: its id, one version of it, every version's record and, once approved, the approval.</summary>
public sealed record StoredCase(long Id, AppropriationCase Case, int Version, IReadOnlyList<CaseVersionInfo> Versions, CaseApprovalInfo? Approval)
{
    public int LatestVersion => Versions.Count == 0 ? Version : Versions.Max(v => v.Version);
}

public enum CaseStoreStatus
{
    Done,
    NotFound,

    /// <summary>The year already has a case with this reference (case numbers are unique within a year).</summary>
    DuplicateReference,

    /// <summary>Another write changed the case first: the expected version is not the latest.</summary>
    VersionConflict,

    /// <summary>The case is approved: it cannot change or be approved again.</summary>
    AlreadyApproved,

    /// <summary>The year holds <see cref="CaseLimits.MaxCasesPerYear"/> cases already.</summary>
    TooMany,
}

public sealed record CaseStoreResult(CaseStoreStatus Status, IReadOnlyList<long>? Ids = null, int Version = 0, string? Reference = null);

/// <summary>
/// Cases (bevillingssager), append-only: a case is created once; a revision is a new version; the approval is a row of
/// its own stored with its council-decision movements in one transaction. Every write carries its audit entry.
/// </summary>
public interface ICaseStore
{
    /// <summary>
    /// Creates cases as version 1, all or none, each with its audit entry; the store appends <c>/{id}</c> to each entry's
    /// target (the cases collection) once the id is known.
    /// </summary>
    Task<CaseStoreResult> CreateCases(int year, IReadOnlyList<(AppropriationCase Case, AuditEntry Audit)> cases, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="revised"/> as version <paramref name="expectedVersion"/> + 1 if that is still the latest and the case is not approved.</summary>
    Task<CaseStoreResult> ReviseCase(int year, long id, int expectedVersion, AppropriationCase revised, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>
    /// Approves version <paramref name="version"/> (still the latest, not yet approved) and adds its movements, with the
    /// year's ceiling checked, in one transaction.
    /// </summary>
    Task<CaseStoreResult> ApproveCase(int year, long id, int version, LocalDate decidedOn, string? reference, IReadOnlyList<AppropriationMovement> movements, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>A case of the year, the latest version unless <paramref name="version"/> is given; null when there is none.</summary>
    Task<StoredCase?> FindCase(int year, long id, int? version, CancellationToken cancellationToken);

    /// <summary>The year's cases in their latest versions, ordered by id; only those of <paramref name="catalogue"/> when given.</summary>
    Task<IReadOnlyList<StoredCase>> Cases(int year, string? catalogue, CancellationToken cancellationToken);
}

/// <summary>The bounds of cases (contract §7: every input has one).</summary>
public static class CaseLimits
{
    public const int MaxLines = 1_000;
    public const int MaxFinancing = 100;
    public const int MaxCasesPerYear = 10_000;
    public const int MaxReference = 200;
    public const int MaxTitle = 500;
    public const int MaxCatalogue = 200;

    /// <summary>A share has at most this many decimals (e.g. 0,3333333333).</summary>
    public const int MaxShareDecimals = 10;

    /// <summary>
    /// One case's amounts, in absolute value over every row and year, at most 10^12 kr. (10^14 øre): with at most
    /// <see cref="MaxCasesPerYear"/> cases a year's cases add up to at most 10^18 øre, inside a long.
    /// </summary>
    public const long MaxCaseMagnitudeOre = 100_000_000_000_000L;
}

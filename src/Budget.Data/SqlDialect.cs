using System.Data.Common;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using NodaTime;

namespace Budget.Data;

/// <summary>
/// What truly differs between the database providers, and nothing else: how a connection is opened and migrated,
/// how writers are serialised, how dates and instants are written and read back, and the bulk and hot paths that
/// each provider does fastest its own way (SQLite: prepared statements and a sorted merge; PostgreSQL: binary COPY
/// and arrays). Everything else — every rule, every other statement — is written once in <see cref="BudgetStore"/>.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>The migration folder (Migrations/&lt;Name&gt;).</summary>
    public abstract string Name { get; }

    public abstract Task<DbConnection> Open(string connectionString, CancellationToken cancellationToken);

    public abstract Task Migrate(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A transaction for a write; SQLite's begins IMMEDIATE, so writers queue at its start.</summary>
    public abstract Task<DbTransaction> BeginWrite(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A read transaction over one snapshot.</summary>
    public abstract Task<DbTransaction> BeginRead(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Writers of a year's movements and postings one at a time (the ceiling check must see every earlier one).</summary>
    public abstract Task LockYear(DbConnection connection, DbTransaction transaction, int year, CancellationToken cancellationToken);

    /// <summary>Appended to a read of a round's state that an estimate write relies on until it commits.</summary>
    public abstract string ShareLock { get; }

    /// <summary>Appended to the read of a round's state that a transition compares before it changes it.</summary>
    public abstract string ExclusiveLock { get; }

    /// <summary>A date parameter as a value of a date column.</summary>
    public abstract string Date(string parameter);

    /// <summary>An instant parameter (extended ISO text) as a value of an instant column.</summary>
    public abstract string Instant(string parameter);

    /// <summary>A date column read back as ISO text.</summary>
    public abstract string DateText(string column);

    /// <summary>An instant column read back as extended ISO text in UTC.</summary>
    public abstract string InstantText(string column);

    /// <summary>The year's sums of |amount| of movements and of postings, as <see cref="YearCeiling"/> reads them.</summary>
    public abstract string Magnitudes { get; }

    /// <summary>The consumption of each account from the days <c>@DaysFrom</c> through <c>@DaysTo</c> of the year: one key range per account.</summary>
    public abstract string DaysConsumption { get; }

    public abstract bool IsUniqueViolation(Exception exception, string index);


    /// <summary>Kept per-account facts while the database is unchanged, where the provider can tell (SQLite); null elsewhere.</summary>
    public virtual IFactsCache? CreateFactsCache(string connectionString) => null;

    public abstract Task InsertMovements(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AppropriationMovement> movements, Instant recordedAt, CancellationToken cancellationToken);

    /// <summary>Stages postings for <see cref="MergeStagedPostings"/>, gathering their month totals in <paramref name="months"/>.</summary>
    public abstract Task StagePostings(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<Posting> postings, StagedMonths months, CancellationToken cancellationToken);

    /// <summary>Adds the staged postings to the per-day sums and the month totals to the cumulative months.</summary>
    public abstract Task MergeStagedPostings(DbConnection connection, DbTransaction transaction, int year, StagedMonths months, CancellationToken cancellationToken);

    /// <summary>An import's estimates in set statements: new ones version 1, existing ones their next version, with history rows.</summary>
    public abstract Task SaveImportedEstimates(DbConnection connection, DbTransaction transaction, int year, IReadOnlyList<AccountEstimate> estimates, Instant recordedAt, CancellationToken cancellationToken);
}

/// <summary>Per-account facts kept between reports while the database is unchanged (decision 0007).</summary>
internal interface IFactsCache : IDisposable
{
    bool Enabled { get; }

    long Version();

    bool TryGet(int year, int round, LocalDate asOf, long version, out IReadOnlyList<AccountFacts> facts);

    void Put(int year, int round, LocalDate asOf, long version, IReadOnlyList<AccountFacts> facts);
}

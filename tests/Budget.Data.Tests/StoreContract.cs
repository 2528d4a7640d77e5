using Budget.Application;
using Budget.Application.Audit;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// A clock the test sets: NodaTime.Testing is not a dependency, and every instant a store writes (the year's creation,
/// an import's recorded_at) must be known exactly to be compared.
/// </summary>
public sealed class FakeClock(Instant start) : IClock
{
    public Instant Now { get; private set; } = start;

    public Instant GetCurrentInstant() => Now;

    public void Advance(Duration by) => Now += by;

    public void Set(Instant at) => Now = at;
}

/// <summary>What one import brings; anything left empty is not sent to the session.</summary>
public sealed record ImportData
{
    public IReadOnlyList<Account> Accounts { get; init; } = [];

    public IReadOnlyList<AppropriationMovement> Movements { get; init; } = [];

    public IReadOnlyList<Posting> Postings { get; init; } = [];

    public IReadOnlyList<AccountEstimate> Estimates { get; init; } = [];

    public IReadOnlyDictionary<RoundNumber, LocalDate> Cutoffs { get; init; } = new Dictionary<RoundNumber, LocalDate>();

    public IReadOnlyDictionary<string, Amount> Settings { get; init; } = new Dictionary<string, Amount>();
}

/// <summary>
/// Base of the store contract suite: every test goes through the concept interfaces of Budget.Application (never the
/// concrete store's other members), once per provider of the run. The database lives for the test class, so each test
/// uses a year of its own; the clock is the test's own (xUnit makes an instance per test).
/// </summary>
public abstract class StoreContract(ProviderDatabases databases) : ProviderTests(databases)
{
    /// <summary>The acting user of every write: the audit trail must carry the id, not only the name.</summary>
    protected const long UserId = 7;

    protected const string UserName = "anna";

    protected static readonly CancellationToken None = CancellationToken.None;

    protected static readonly RoundNumber R1 = RoundNumber.Of(1);
    protected static readonly RoundNumber R2 = RoundNumber.Of(2);
    protected static readonly RoundNumber R3 = RoundNumber.Of(3);

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2025, 4, 10, 9, 0));

    /// <summary>The provider's store over the class's database; dispose it (the SQLite one holds its facts cache's watcher).</summary>
    protected BudgetStore Store(string provider) => Database(provider).Store(Clock);

    protected static AccountId Id(string value) => AccountId.Parse(value);

    protected static Amount Ore(long ore) => Amount.FromOre(ore);

    protected static LocalDate Date(int year, int month, int day) => new(year, month, day);

    protected static Account Account(string id, string committee, string area, string? name = null) =>
        new(Id(id), name ?? "Konto " + id, committee, area);

    protected static AppropriationMovement Movement(string account, MovementKind kind, long ore, LocalDate decidedOn, string? reference = null) =>
        new(Id(account), kind, Ore(ore), decidedOn, reference, "byrådet");

    protected static Posting Posting(string account, LocalDate postedOn, long ore) => new(Id(account), postedOn, Ore(ore));

    protected static AccountEstimate Estimate(RoundNumber round, string account, long ore, string explanation = "forventet forbrug", long? requested = null) =>
        new(round, Id(account), Ore(ore), explanation, new OutYearConsequences(Ore(ore / 10), Ore(2), Ore(3), Ore(-4)), requested is { } r ? Ore(r) : null);

    /// <summary>An audit entry of the test's user at the clock's instant.</summary>
    protected AuditEntry Audit(int? year, string action, string target) => new(year, Clock.Now, UserName, action, target, null, "{}", UserId);

    /// <summary>One committed import of <paramref name="data"/> into <paramref name="year"/>, audited as <c>import</c>.</summary>
    protected async Task Import(BudgetStore store, int year, ImportData data)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(data);
        await using var session = await ((IImportStore)store).BeginImport(year, None);
        await Fill(session, data);
        await session.Commit(Audit(year, "import", $"years/{year}"), None);
    }

    protected static async Task Fill(IImportSession session, ImportData data)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Accounts.Count > 0)
        {
            await session.AddAccounts(data.Accounts, None);
        }

        foreach (var (round, cutoff) in data.Cutoffs)
        {
            await session.SetCutoff(round, cutoff, None);
        }

        foreach (var (key, value) in data.Settings)
        {
            await session.SetSetting(key, value, None);
        }

        if (data.Movements.Count > 0)
        {
            await session.AddMovements(data.Movements, None);
        }

        if (data.Postings.Count > 0)
        {
            await session.AddPostings(data.Postings, None);
        }

        if (data.Estimates.Count > 0)
        {
            await session.SaveEstimates(data.Estimates, None);
        }
    }

    /// <summary>The year's audit trail as (action, target) pairs, in order.</summary>
    protected static async Task<IReadOnlyList<(string Action, string Target)>> Trail(IAuditReader audit, int year) =>
        (await audit.Audit(year, null, null, null, None)).Select(r => (r.Entry.Action, r.Entry.Target)).ToArray();

    /// <summary>Two committees, three areas, four accounts; given out of order so the store's ordering shows.</summary>
    protected static IReadOnlyList<Account> TwoCommittees() =>
    [
        Account("5.57.72", "Økonomiudvalget", "Administration"),
        Account("5.57.71", "Beskæftigelsesudvalget", "Overførsler"),
        Account("5.68.90", "Beskæftigelsesudvalget", "Beskæftigelse"),
        Account("5.57.70", "Beskæftigelsesudvalget", "Overførsler"),
    ];
}

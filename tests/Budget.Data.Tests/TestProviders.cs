namespace Budget.Data.Tests;

/// <summary>
/// Which providers this run tests: SQLite always; PostgreSQL when <c>BUDGET_TEST_POSTGRES</c> names a server where
/// databases may be created. <c>BUDGET_TEST_PROVIDER=postgres</c> without it is a broken set-up and fails loudly
/// rather than quietly testing SQLite alone.
/// </summary>
public static class TestProviders
{
    private static string? Server => Environment.GetEnvironmentVariable("BUDGET_TEST_POSTGRES") is { Length: > 0 } server ? server : null;

    public static bool PostgresAvailable
    {
        get
        {
            if (Server is null && Environment.GetEnvironmentVariable("BUDGET_TEST_PROVIDER") == "postgres")
            {
                throw new InvalidOperationException("BUDGET_TEST_PROVIDER=postgres needs BUDGET_TEST_POSTGRES, a connection string to a server where databases may be created (see .ci/run).");
            }

            return Server is not null;
        }
    }

    public static string PostgresServer => Server
        ?? throw new InvalidOperationException("BUDGET_TEST_POSTGRES is not set: no PostgreSQL server to create a test database in (see .ci/run).");

    /// <summary>The providers of this run, in a fixed order.</summary>
    public static IReadOnlyList<string> Available => PostgresAvailable ? ["sqlite", "postgres"] : ["sqlite"];

    /// <summary>One theory row per provider of this run: <c>[Theory, MemberData(nameof(Providers))]</c> in a <see cref="ProviderTests"/> class.</summary>
    public static TheoryData<string> Providers()
    {
        var data = new TheoryData<string>();
        foreach (var provider in Available)
        {
            data.Add(provider);
        }

        return data;
    }
}

/// <summary>A fact that needs both providers; it shows as skipped, not passed, when no PostgreSQL server is given.</summary>
public sealed class BothProvidersFactAttribute : FactAttribute
{
    public BothProvidersFactAttribute()
    {
        if (!TestProviders.PostgresAvailable)
        {
            Skip = "needs BUDGET_TEST_POSTGRES (a PostgreSQL server; .ci/run starts one)";
        }
    }
}

/// <summary>
/// One fresh migrated database per provider of this run, shared by the tests of one class and removed after them.
/// </summary>
public sealed class ProviderDatabases : IAsyncLifetime
{
    private readonly Dictionary<string, ProviderDatabase> databases = [];

    public ProviderDatabase this[string provider] => databases[provider];

    public async Task InitializeAsync()
    {
        // Created one after the other: the machine running the suites is small and shared.
        foreach (var provider in TestProviders.Available)
        {
            databases[provider] = await ProviderDatabase.Create(provider);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var database in databases.Values)
        {
            await database.DisposeAsync();
        }
    }
}

/// <summary>
/// Base of a test class that runs against every provider of the run:
/// <c>[Theory, MemberData(nameof(Providers))] public async Task X(string provider) { var db = Database(provider); … }</c>.
/// The databases live for the class; tests that write choose their own years or keys so they do not meet.
/// </summary>
public abstract class ProviderTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    public static TheoryData<string> Providers() => TestProviders.Providers();

    protected ProviderDatabase Database(string provider) => databases[provider];
}

using Budget.Application;
using Microsoft.Data.Sqlite;

namespace Budget.Data.Tests;

/// <summary>
/// SQLite keeps the statements of every estimate saved prepared per native connection (decision 0026). SQLite closes
/// a connection only once its statements are finalised, so kept statements must end with the connections they belong
/// to: with each open when pooling is off, with the store otherwise — or every closed connection stays open, its file
/// descriptors with it, until the garbage collector finds the statements.
/// </summary>
public sealed class SqliteKeptStatementTests(ProviderDatabases databases) : StoreContract(databases)
{
    private string DatabaseFile => new SqliteConnectionStringBuilder(Database("sqlite").ConnectionString).DataSource;

    /// <summary>This process's open descriptors of the database file itself (not its -wal or -shm).</summary>
    private int OpenDescriptors()
    {
        var file = Path.GetFullPath(DatabaseFile);
        return new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget is { } target && target == file);
    }

    private async Task<long?> SaveEstimates(BudgetStore store, int year, int times, long? version = null)
    {
        IEstimateStore estimates = store;
        for (var i = 0; i < times; i++)
        {
            var saved = await estimates.SaveEstimate(year, Estimate(R1, "5.57.01", 1_000_00 + i), version, Clock.Now, Audit(year, "estimate.save", "5.57.01"), None);
            saved.Status.Should().Be(EstimateSaveStatus.Saved);
            (await estimates.FindEstimate(year, R1, Id("5.57.01"), None))!.Estimate.Estimate.Should().Be(Ore(1_000_00 + i));
            version = saved.Saved!.Version;
        }

        return version;
    }

    [Fact]
    public async Task Without_pooling_each_open_s_statements_end_with_it()
    {
        const int year = 2071;
        using var store = BudgetStores.Create("sqlite", Database("sqlite").ConnectionString + ";Pooling=False", Clock);
        await Import(store, year, new ImportData { Accounts = [Account("5.57.01", "Økonomiudvalget", "Administration")] });
        var version = await SaveEstimates(store, year, 2);
        var settled = OpenDescriptors();

        await SaveEstimates(store, year, 30, version);

        OpenDescriptors().Should().BeLessThanOrEqualTo(settled + 1,
            "each save opened three connections and closed them; a statement kept past its connection's close would leave it open");
        (await Trail(store, year)).Count(t => t.Action == "estimate.save").Should().Be(32);
    }

    [Fact]
    public async Task The_store_s_end_ends_the_statements_it_kept()
    {
        const int year = 2072;
        var before = OpenDescriptors();
        var store = Store("sqlite");
        await Import(store, year, new ImportData { Accounts = [Account("5.57.01", "Økonomiudvalget", "Administration")] });
        await SaveEstimates(store, year, 5);

        store.Dispose();
        SqliteConnection.ClearAllPools();

        OpenDescriptors().Should().BeLessThanOrEqualTo(before, "the pool's connections close once their kept statements have ended with the store");
    }
}

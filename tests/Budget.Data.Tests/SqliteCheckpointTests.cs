using System.Buffers.Binary;
using Budget.Application;
using Budget.Data.Sqlite;
using Microsoft.Data.Sqlite;

namespace Budget.Data.Tests;

/// <summary>
/// SQLite's WAL is copied back into the database beside the writes, not inside them (decision 0025): after a store's
/// commit a passive checkpoint runs on a connection of its own, one at a time and at most one per interval, and the
/// store's end waits for it.
/// </summary>
public sealed class SqliteCheckpointTests(ProviderDatabases databases) : StoreContract(databases)
{
    private string DatabaseFile => new SqliteConnectionStringBuilder(Database("sqlite").ConnectionString).DataSource;

    /// <summary>
    /// The WAL's last frame and how many of its frames are in the database file, read from the wal-index (the -shm
    /// file: mxFrame at byte 16 of its header, nBackfill at byte 96, native byte order) without checkpointing anything,
    /// which <c>PRAGMA wal_checkpoint</c> would.
    /// </summary>
    private (uint Frames, uint Backfilled) WalState()
    {
        using var shm = new FileStream(DatabaseFile + "-shm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[100];
        shm.ReadExactly(header);
        return BitConverter.IsLittleEndian
            ? (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16)), BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(96)))
            : (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(96)));
    }

    [Fact]
    public async Task A_commit_is_checkpointed_beside_it_and_the_wal_is_in_the_database_afterwards()
    {
        const int year = 2061;
        using var store = Store("sqlite");
        await Import(store, year, new ImportData { Accounts = [Account("5.57.01", "Økonomiudvalget", "Administration")] });
        await store.Checkpoints!.Running();
        var before = store.Checkpoints.Taken;

        var saved = await ((IEstimateStore)store).SaveEstimate(year, Estimate(R1, "5.57.01", 1_234_56), null, Clock.Now, Audit(year, "estimate.save", "5.57.01"), None);
        saved.Status.Should().Be(EstimateSaveStatus.Saved);
        await store.Checkpoints.Running().WaitAsync(TimeSpan.FromSeconds(30));

        store.Checkpoints.Taken.Should().BeGreaterThan(before, "the estimate's commit starts a checkpoint");
        var (frames, backfilled) = WalState();
        frames.Should().BeGreaterThan(0, "the estimate's commit went to the WAL (SQLite's own checkpoint waits for 1.000 pages)");
        backfilled.Should().Be(frames, "everything the commit wrote is in the database file once the checkpoint has run");
    }

    [Fact]
    public async Task Commits_within_an_interval_wait_for_one_checkpoint_at_its_end()
    {
        var checkpoints = SqliteCheckpoints.For(Database("sqlite").ConnectionString, TimeSpan.FromHours(1))!;
        checkpoints.Committed();
        await checkpoints.Running().WaitAsync(TimeSpan.FromSeconds(30));
        checkpoints.Taken.Should().Be(1, "the first commit is checkpointed at once");

        checkpoints.Committed();
        checkpoints.Committed();
        await Task.Delay(200);
        checkpoints.Taken.Should().Be(1, "the commits after it fall within its interval");
        checkpoints.Running().IsCompleted.Should().BeFalse("their checkpoint waits for the interval's end");

        checkpoints.Dispose();
        checkpoints.Running().IsCompleted.Should().BeTrue("the store's end does not wait out the interval");
        checkpoints.Taken.Should().Be(1);
    }

    [Fact]
    public async Task Every_commit_checkpoints_when_the_interval_has_passed()
    {
        using var checkpoints = SqliteCheckpoints.For(Database("sqlite").ConnectionString, TimeSpan.Zero)!;
        for (var i = 1; i <= 3; i++)
        {
            checkpoints.Committed();
            await checkpoints.Running().WaitAsync(TimeSpan.FromSeconds(30));
            checkpoints.Taken.Should().Be(i);
        }
    }

    [Fact]
    public async Task After_the_stores_end_no_checkpoint_starts_and_a_second_end_is_harmless()
    {
        var checkpoints = SqliteCheckpoints.For(Database("sqlite").ConnectionString, TimeSpan.Zero)!;
        checkpoints.Committed();
        await checkpoints.Running().WaitAsync(TimeSpan.FromSeconds(30));
        checkpoints.Taken.Should().Be(1);
        checkpoints.Dispose();

        checkpoints.Committed();
        await checkpoints.Running().WaitAsync(TimeSpan.FromSeconds(30));
        checkpoints.Taken.Should().Be(1, "a commit after the end starts nothing");
        checkpoints.Invoking(c => c.Dispose()).Should().NotThrow("the container disposes the store once per service it is registered as");
    }

    [Fact]
    public async Task The_API_store_can_be_disposed_once_per_service()
    {
        var store = Store("sqlite");
        await Import(store, 2062, new ImportData { Accounts = [Account("5.57.02", "Økonomiudvalget", "Administration")] });
        store.Dispose();
        store.Invoking(s => s.Dispose()).Should().NotThrow();
    }

    [Fact]
    public void An_in_memory_database_has_no_checkpoints() =>
        SqliteCheckpoints.For("Data Source=:memory:").Should().BeNull();
}

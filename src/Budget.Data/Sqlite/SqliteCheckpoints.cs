using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Budget.Data.Sqlite;

/// <summary>
/// Checkpoints of the write-ahead log taken beside the writes instead of inside them (decision 0025). SQLite copies the
/// WAL back into the database file when a commit finds 1.000 pages in it, in that commit, on the writer's connection:
/// the copy and its fsync held the write lock for ~10 ms a few times a second under load, and every estimate queued
/// behind it waited as long — most of the writes' p99. After this store's commits a passive checkpoint runs on a
/// connection of its own, at most one at a time and one per <see cref="Every"/> (commits meanwhile wait for the next,
/// which covers them all), while the next writes go on (in WAL mode a checkpoint and a writer do not exclude each
/// other). The WAL then rarely reaches SQLite's own threshold, which stays as it is: should these checkpoints fall
/// behind or fail, the writers' own still bound the file.
/// </summary>
internal sealed class SqliteCheckpoints : IDisposable
{
    /// <summary>At most one checkpoint started per this interval: ~10 fsyncs a second at the most.</summary>
    internal static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    private readonly string connectionString;
    private readonly TimeSpan every;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource ending = new();
    private SqliteConnection? connection;
    private Task running = Task.CompletedTask;
    private long lastStarted;
    private bool pending;
    private bool looping;
    private bool disposed;
    private long taken;

    private SqliteCheckpoints(string connectionString, TimeSpan every)
    {
        this.connectionString = connectionString;
        this.every = every;
    }

    /// <summary>The checkpoints of a database file; null for an in-memory database, which has no WAL.</summary>
    /// <param name="every">At most one checkpoint started per this interval (tests); <see cref="Every"/> by default.</param>
    public static SqliteCheckpoints? For(string connectionString, TimeSpan? every = null)
    {
        // Its own connection, kept open: never lent to a writer.
        return SqliteFile.OwnConnection(connectionString) is { } own ? new SqliteCheckpoints(own, every ?? Every) : null;
    }

    /// <summary>Checkpoints that found nothing in their way and left the whole WAL in the database file (tests).</summary>
    internal long Taken => Interlocked.Read(ref taken);

    /// <summary>
    /// A write of this store has committed: a checkpoint starts now, or when the one running has ended and the
    /// interval since it started has passed — one checkpoint then covers every commit that arrived meanwhile.
    /// </summary>
    public void Committed()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            pending = true;
            if (!looping)
            {
                looping = true;
                running = Task.Run(Checkpoints);
            }
        }
    }

    /// <summary>Completes when no checkpoint is running or waiting for its turn (tests).</summary>
    internal Task Running()
    {
        lock (gate)
        {
            return running;
        }
    }

    /// <summary>
    /// Checkpoints while commits have arrived since the last one began, at most one per interval. Nothing in it throws:
    /// the wait's cancellation and every failure of a checkpoint are caught where they happen.
    /// </summary>
    private async Task Checkpoints()
    {
        while (GoOn(taking: false))
        {
            var wait = lastStarted == 0 ? TimeSpan.Zero : every - Stopwatch.GetElapsedTime(lastStarted);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, ending.Token);
                }
                catch (OperationCanceledException)
                {
                    // The store ends: the last connection's close checkpoints what is left.
                }
            }

            if (!GoOn(taking: true))
            {
                return;
            }

            Checkpoint();
        }
    }

    /// <summary>
    /// Whether the loop goes on: not once the store ends or no commit waits — decided under the gate together with the
    /// loop's end, so a commit after it starts a new loop. <paramref name="taking"/>: the waiting commits are this
    /// checkpoint's, and its interval starts.
    /// </summary>
    private bool GoOn(bool taking)
    {
        lock (gate)
        {
            if (disposed || !pending)
            {
                looping = false;
                return false;
            }

            if (taking)
            {
                pending = false;
                lastStarted = Stopwatch.GetTimestamp();
            }

            return true;
        }
    }

    private void Checkpoint()
    {
        try
        {
            if (connection is null)
            {
                var opened = new SqliteConnection(connectionString);
                try
                {
                    opened.Open();
                }
                catch
                {
                    opened.Dispose();
                    throw;
                }

                connection = opened;
            }

            // PASSIVE copies what no reader still needs and waits for no lock (it does not call the busy handler); the
            // pages a long read still holds are copied by a later checkpoint. Its row: busy, frames in the WAL, frames
            // now in the database file (-1, -1 when the database is not in WAL mode).
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.CommandTimeout = 1; // the provider's own retry of a busy step must not hold the store's end
            using var reader = command.ExecuteReader();
            if (reader.Read() && reader.GetInt64(0) == 0 && reader.GetInt64(1) >= 0 && reader.GetInt64(1) == reader.GetInt64(2))
            {
                Interlocked.Increment(ref taken);
            }
        }
#pragma warning disable CA1031 // a failed checkpoint is the automatic checkpoint's to make up for, never the writer's error
        catch (Exception)
#pragma warning restore CA1031
        {
            // The file gone, the connection broken: a new connection next time. The next commit tries again, and
            // SQLite's automatic checkpoint still bounds the WAL meanwhile.
            connection?.Dispose();
            connection = null;
        }
    }

    public void Dispose()
    {
        Task last;
        lock (gate)
        {
            if (disposed)
            {
                return; // the store is disposed once per service it is registered as
            }

            disposed = true;
            last = running;
        }

        // A checkpoint waiting for its turn gives up at once; one running is short (it waits for no lock), and it
        // ends before its connection is closed.
        ending.Cancel();
        last.Wait();
        ending.Dispose();
        connection?.Dispose();
        connection = null;
    }
}

namespace Budget.Data;

/// <summary>
/// Group commit (decision 0024): writes that arrive while one is being committed wait in a queue, and the next
/// commit takes all of them (at most <paramref name="maxBatch"/>) in one transaction. A write arriving when none is
/// in flight starts at once, alone, so a single writer waits for nothing; under load each transaction's fixed costs —
/// SQLite's write lock and WAL append, PostgreSQL's change-log lock and WAL flush — are paid once per batch rather
/// than once per write, and a writer waits for at most the batch in flight and its own.
/// </summary>
/// <param name="commit">Commits one batch and settles every write of it.</param>
/// <param name="fail">Settles a write of a batch whose commit threw instead of settling it (a defect, but no writer may wait forever).</param>
internal sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> commit, Action<T, Exception> fail, int maxBatch)
{
    private readonly Lock sync = new();
    private readonly Queue<T> waiting = new();
    private bool draining;

    /// <summary>The largest batch committed so far (for tests and benchmarks).</summary>
    public int LargestBatch { get; private set; }

    /// <summary>Queues a write; it is settled through whatever completion it carries.</summary>
    public void Enqueue(T write)
    {
        lock (sync)
        {
            waiting.Enqueue(write);
            if (draining)
            {
                return;
            }

            draining = true;
        }

        // The drain outlives the request that started it: queued without that request's execution context.
        ThreadPool.UnsafeQueueUserWorkItem(static queue => _ = queue.Drain(), this, preferLocal: false);
    }

    private async Task Drain()
    {
        while (true)
        {
            List<T> batch;
            lock (sync)
            {
                if (waiting.Count == 0)
                {
                    draining = false;
                    return;
                }

                batch = new List<T>(Math.Min(waiting.Count, maxBatch));
                while (batch.Count < maxBatch && waiting.TryDequeue(out var write))
                {
                    batch.Add(write);
                }

                LargestBatch = Math.Max(LargestBatch, batch.Count);
            }

            try
            {
                await commit(batch);
            }
#pragma warning disable CA1031 // every exception is handed to the writers that wait for this batch
            catch (Exception exception)
#pragma warning restore CA1031
            {
                foreach (var write in batch)
                {
                    fail(write, exception);
                }
            }
        }
    }
}

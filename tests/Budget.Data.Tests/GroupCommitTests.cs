namespace Budget.Data.Tests;

/// <summary>
/// The group commit's queue (decision 0024): a write with none in flight goes at once and alone; writes arriving
/// meanwhile go together in the next batch, in arrival order, at most the bound per batch; a batch whose commit throws
/// settles its writes with the error and the queue goes on.
/// </summary>
public sealed class GroupCommitTests
{
    private sealed record Write(string Name)
    {
        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Committer
    {
        private readonly Lock sync = new();

        public List<string[]> Batches { get; } = [];

        /// <summary>Completed by the test to let the batch in flight end.</summary>
        public TaskCompletionSource Release { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Throw { get; set; }

        public async Task Commit(IReadOnlyList<Write> batch)
        {
            lock (sync)
            {
                Batches.Add(batch.Select(w => w.Name).ToArray());
            }

            Started.TrySetResult();
            await Release.Task;
            if (Throw)
            {
                throw new InvalidOperationException("the commit failed");
            }

            foreach (var write in batch)
            {
                write.Done.TrySetResult($"{write.Name} in a batch of {batch.Count}");
            }
        }
    }

    private static GroupCommit<Write> Queue(Committer committer, int maxBatch) =>
        new(committer.Commit, static (write, error) => write.Done.TrySetException(error), maxBatch);

    private static Write[] Enqueue(GroupCommit<Write> queue, params string[] names)
    {
        var writes = names.Select(n => new Write(n)).ToArray();
        foreach (var write in writes)
        {
            queue.Enqueue(write);
        }

        return writes;
    }

    [Fact]
    public async Task A_lone_write_goes_alone_and_those_arriving_meanwhile_go_together_in_order_within_the_bound()
    {
        var committer = new Committer();
        var queue = Queue(committer, maxBatch: 3);

        var first = Enqueue(queue, "a").Single();
        await committer.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var waiting = Enqueue(queue, "b", "c", "d", "e");
        committer.Release.SetResult();

        (await first.Done.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("a in a batch of 1");
        (await Task.WhenAll(waiting.Select(w => w.Done.Task)).WaitAsync(TimeSpan.FromSeconds(10)))
            .Should().Equal("b in a batch of 3", "c in a batch of 3", "d in a batch of 3", "e in a batch of 1");
        committer.Batches.Should().BeEquivalentTo(new[] { new[] { "a" }, ["b", "c", "d"], ["e"] }, o => o.WithStrictOrdering());
        queue.LargestBatch.Should().Be(3);
    }

    [Fact]
    public async Task A_batch_whose_commit_throws_fails_its_writes_and_the_queue_goes_on()
    {
        var committer = new Committer { Throw = true };
        var queue = Queue(committer, maxBatch: 8);

        var failed = Enqueue(queue, "a").Single();
        await committer.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var alsoFailed = Enqueue(queue, "b", "c");
        committer.Release.SetResult();

        await FluentActions.Awaiting(() => failed.Done.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<InvalidOperationException>();
        foreach (var write in alsoFailed)
        {
            await FluentActions.Awaiting(() => write.Done.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<InvalidOperationException>();
        }

        committer.Throw = false;
        var later = Enqueue(queue, "d").Single();
        (await later.Done.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("d in a batch of 1", "the queue drains again after a failed batch");
    }
}

using System.Data.Common;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.YearEnd;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>Single writes: movements, postings and estimates.</summary>
public sealed partial class BudgetStore : IAppropriationStore, IEstimateStore
{
    public async Task AddMovements(int year, IReadOnlyList<AppropriationMovement> movements, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        await YearCeiling.Check(connection, transaction, dialect, year, movements, [], cancellationToken);
        await dialect.InsertMovements(connection, transaction, year, movements, audit.At, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
    }

    public async Task AddPostings(int year, IReadOnlyList<Posting> postings, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        await dialect.LockYear(connection, transaction, year, cancellationToken);
        await RequireOpen(connection, transaction, year, cancellationToken);
        await YearCeiling.Check(connection, transaction, dialect, year, [], postings, cancellationToken);
        var days = new PostingDays(year);
        foreach (var posting in postings)
        {
            days.Add(posting);
        }

        await dialect.WritePostingDays(connection, transaction, days, cancellationToken);
        await InsertAudit(connection, transaction, audit, cancellationToken);
        await CommitWrite(transaction, cancellationToken, calendars: false);
    }

    public async Task<StoredEstimate?> FindEstimate(int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        await using var connection = await Open(cancellationToken);
        return await FindEstimate(connection, null, year, round, account, cancellationToken);
    }

    private async Task<StoredEstimate?> FindEstimate(DbConnection connection, DbTransaction? transaction, int year, RoundNumber round, AccountId account, CancellationToken cancellationToken)
    {
        var row = await dialect.FindEstimateRow(connection, transaction, year, round, account.Value, cancellationToken);
        return row is null ? null : new StoredEstimate(year, row.ToEstimate(), row.Version, Text.ToInstant(row.RecordedAt));
    }

    /// <summary>The most estimates one group commit writes in one transaction (decision 0024).</summary>
    internal const int MaxEstimatesPerCommit = 64;

    /// <summary>
    /// Compare-and-set on the estimate's version: the update only matches the expected version, the insert only when
    /// none exists, so of concurrent writers holding the same version exactly one succeeds. The round's state is read
    /// under a shared lock (PostgreSQL) or the write lock (SQLite), so no transition can pass a write in flight.
    /// Estimates saved while another commit is in flight are committed together (<see cref="GroupCommit{T}"/>):
    /// each is still its own compare-and-set with its own audit entry, in the order they arrived. Once its batch has
    /// begun, a write is no longer cancelled: it commits or fails with the others.
    /// </summary>
    public Task<EstimateSaveResult> SaveEstimate(int year, AccountEstimate estimate, long? expectedVersion, Instant recordedAt, AuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(audit);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<EstimateSaveResult>(cancellationToken);
        }

        var write = new EstimateWrite(new EstimateSave(year, estimate, expectedVersion, recordedAt, audit));
        if (cancellationToken.CanBeCanceled)
        {
            // Cancellable while it waits in the queue, not once its batch has claimed it.
            write.Cancellation = cancellationToken.Register(static state => ((EstimateWrite)state!).Cancel(), write);
        }

        estimateWrites.Enqueue(write);
        return write.Done.Task;
    }

    /// <summary>The most estimates one group commit has written so far (tests, benchmarks).</summary>
    internal int LargestEstimateBatch => estimateWrites.LargestBatch;

    /// <summary>How many batches have gone through again one write at a time after a statement failed (tests).</summary>
    internal int EstimateBatchesRetriedAlone => estimateBatchesRetriedAlone;

    private int estimateBatchesRetriedAlone;

    /// <summary>
    /// An estimate waiting for its group commit, and the caller waiting for its outcome. Cancelled while it waits
    /// (the caller's token); once a batch has claimed it, it commits or fails with the batch.
    /// </summary>
    private sealed class EstimateWrite(EstimateSave save)
    {
        private const int Queued = 0, Claimed = 1, Cancelled = 2;
        private int state = Queued;

        public EstimateSave Save => save;

        public TaskCompletionSource<EstimateSaveResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }

        /// <summary>The caller's token fired: cancelled unless a batch has claimed it already.</summary>
        public void Cancel()
        {
            if (Interlocked.CompareExchange(ref state, Cancelled, Queued) == Queued)
            {
                Done.TrySetCanceled();
            }
        }

        /// <summary>A batch takes it: false when it was cancelled while it waited.</summary>
        public bool Claim()
        {
            Cancellation.Dispose();
            return Interlocked.CompareExchange(ref state, Claimed, Queued) != Cancelled;
        }
    }

    /// <summary>
    /// Commits a batch of estimates in one transaction and settles each. When a statement fails before the commit
    /// (which on PostgreSQL takes the whole transaction with it), every write of the batch is tried again on its own,
    /// so only the failing one fails; when the commit itself fails, it may have reached the database, so nothing is
    /// tried again and every write of the batch gets the error.
    /// </summary>
    private async Task CommitEstimates(IReadOnlyList<EstimateWrite> batch)
    {
        var writes = batch.Where(w => w.Claim()).ToList();

        if (writes.Count == 0)
        {
            return;
        }

        var committing = false;
        (EstimateSaveResult? Result, Exception? Error)[] outcomes;
        try
        {
            outcomes = await SaveEstimates(writes, () => committing = true);
        }
        catch (Exception exception) when (writes.Count > 1 && !committing && !dialect.IsTimeout(exception))
        {
            Interlocked.Increment(ref estimateBatchesRetriedAlone);
            foreach (var write in writes)
            {
                await CommitEstimates([write]);
            }

            return;
        }
#pragma warning disable CA1031 // the error belongs to the writers that wait for this batch
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var write in writes)
            {
                write.Done.TrySetException(exception);
            }

            return;
        }

        for (var i = 0; i < writes.Count; i++)
        {
            if (outcomes[i].Error is { } error)
            {
                writes[i].Done.TrySetException(error);
            }
            else
            {
                writes[i].Done.TrySetResult(outcomes[i].Result!);
            }
        }
    }

    /// <summary>
    /// The estimates of one group commit, in the order they arrived, in one transaction: whether the year is closed and
    /// the round open is read once per batch and round (both held until the commit), the estimates are saved together
    /// (<see cref="SqlDialect.SaveEstimates"/>) and the change log is written once per year.
    /// </summary>
    private async Task<(EstimateSaveResult? Result, Exception? Error)[]> SaveEstimates(List<EstimateWrite> writes, Action committing)
    {
        var cancellationToken = CancellationToken.None; // a batch is not the caller's to cancel (SaveEstimate)
        var outcomes = new (EstimateSaveResult? Result, Exception? Error)[writes.Count];
        await using var connection = await Open(cancellationToken);
        await using var transaction = await dialect.BeginWrite(connection, cancellationToken);
        var checks = new Dictionary<(int Year, RoundNumber Round), (LocalDate? ClosedOn, Domain.Appropriations.RoundState? State)>();
        var attempts = new List<(int Index, EstimateSave Save, Domain.Appropriations.RoundState State)>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            var (year, estimate, _, recordedAt, _) = writes[i].Save;
            if (!checks.TryGetValue((year, estimate.Round), out var check))
            {
                checks[(year, estimate.Round)] = check = await ClosedOnAndRoundState(connection, transaction, year, estimate.Round, recordedAt, cancellationToken);
            }

            var (closed, state) = check;
            if (closed is { } on)
            {
                outcomes[i] = (null, new YearClosedException(year, on));
                continue;
            }

            if (state is not { } current)
            {
                throw new InvalidOperationException($"round {estimate.Round} of {year} has no state although the year is open");
            }

            if (current != Domain.Appropriations.RoundState.Open)
            {
                outcomes[i] = (new EstimateSaveResult(EstimateSaveStatus.RoundLocked, null, current), null);
                continue;
            }

            attempts.Add((i, writes[i].Save, current));
        }

        // Rows locked in key order, so that two servers' batches cannot deadlock on each other's rows; the sort is
        // stable, so each account's writes keep their arrival order and their compare-and-sets their outcomes.
        attempts = [.. attempts.OrderBy(a => a.Save.Year).ThenBy(a => a.Save.Estimate.Round.Value).ThenBy(a => a.Save.Estimate.Account.Value, StringComparer.Ordinal)];
        var versions = attempts.Count == 0 ? [] : await dialect.SaveEstimates(connection, transaction, attempts.Select(a => a.Save).ToArray(), cancellationToken);
        var saved = new Dictionary<int, List<string>>();
        for (var a = 0; a < attempts.Count; a++)
        {
            var (index, save, state) = attempts[a];
            if (versions[a] is not { } version)
            {
                outcomes[index] = (new EstimateSaveResult(EstimateSaveStatus.VersionConflict, null, state), null);
                continue;
            }

            (saved.TryGetValue(save.Year, out var accounts) ? accounts : saved[save.Year] = []).Add(save.Estimate.Account.Value);
            outcomes[index] = (new EstimateSaveResult(EstimateSaveStatus.Saved, new StoredEstimate(save.Year, save.Estimate, version, save.RecordedAt), state), null);
        }

        if (saved.Count == 0)
        {
            return outcomes; // nothing written: rolled back
        }

        foreach (var (year, accounts) in saved)
        {
            await dialect.LogFactChanges(connection, transaction, year, accounts, cancellationToken);
        }

        committing();
        await CommitWrite(transaction, cancellationToken, calendars: false);
        foreach (var year in saved.Keys)
        {
            RefreshKeptSoon(year);
        }

        return outcomes;
    }

    /// <summary>
    /// Whether the year is closed and the round's state (the row created open when absent, unless the year is
    /// closed: a closed year is written nothing), both held until the commit (PostgreSQL: shared row locks)
    /// (<see cref="SqlDialect.ClosedOnAndRoundStateText"/>). No state when the year is closed and the round was never changed.
    /// </summary>
    private async Task<(LocalDate? ClosedOn, Domain.Appropriations.RoundState? State)> ClosedOnAndRoundState(DbConnection connection, DbTransaction transaction, int year, RoundNumber round, Instant at, CancellationToken cancellationToken)
    {
        var (closedOn, state) = await dialect.ClosedOnAndRoundStateText(connection, transaction, year, round, at, cancellationToken);
        return (Date(closedOn), state is null ? null : RoundStateCodes.Parse(state));
    }
}

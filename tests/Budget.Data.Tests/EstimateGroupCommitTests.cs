using System.Data.Common;
using Budget.Application;
using Budget.Domain.Accounts;
using Budget.Application.YearEnd;
using Budget.Domain.Appropriations;

namespace Budget.Data.Tests;

/// <summary>
/// Estimates saved at the same time are committed together (decision 0024), and each is still its own compare-and-set
/// with its own audit entry: of writers holding the same version one wins; a write that fails at the database fails
/// alone; a locked round refuses its writes and not the others of the batch.
/// </summary>
public sealed class EstimateGroupCommitTests(ProviderDatabases databases) : StoreContract(databases)
{
    private const int Accounts = 40;

    private static string AccountOf(int i) => $"5.57.{i:D2}";

    private async Task<BudgetStore> Year(string provider, int year)
    {
        var store = Store(provider);
        await Import(store, year, new ImportData
        {
            Accounts = Enumerable.Range(0, Accounts).Select(i => Account(AccountOf(i), i % 2 == 0 ? "Økonomiudvalget" : "Beskæftigelsesudvalget", "Administration")).ToArray(),
        });
        return store;
    }

    private Task<EstimateSaveResult> Save(IEstimateStore store, int year, AccountEstimate estimate, long? expected) =>
        store.SaveEstimate(year, estimate, expected, Clock.Now, Audit(year, "estimate.save", $"accounts/{estimate.Account}/estimates/{estimate.Round}"), None);

    private static async Task<object> Outcome(Task<EstimateSaveResult> save)
    {
        try
        {
            return await save.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (DbException exception)
        {
            return exception;
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Estimates_saved_together_commit_together_each_its_own_compare_and_set(string provider)
    {
        const int year = 2037;
        using var store = await Year(provider, year);

        // Started without awaiting: they queue behind the first, so they commit in batches.
        var firsts = Enumerable.Range(0, Accounts).Select(i => Save(store, year, Estimate(R1, AccountOf(i), 1_000_00 + i), null)).ToArray();
        var rivals = Enumerable.Range(1, 5).Select(n => Save(store, year, Estimate(R1, AccountOf(0), 9_000_00 + n), null)).ToArray();

        var saved = await Task.WhenAll(firsts).WaitAsync(TimeSpan.FromSeconds(30));
        saved.Select(r => (r.Status, r.Saved!.Version, r.Saved.Estimate.Estimate)).Should()
            .Equal(Enumerable.Range(0, Accounts).Select(i => (EstimateSaveStatus.Saved, 1L, Ore(1_000_00 + i))));
        (await Task.WhenAll(rivals)).Should().OnlyContain(r => r.Status == EstimateSaveStatus.VersionConflict && r.Saved == null,
            "the first write of account 0 arrived before its rivals, which all expected none");
        store.LargestEstimateBatch.Should().BeGreaterThan(1, "writes that arrive while one commits wait and commit together");
        (await ((IEstimateStore)store).FindEstimate(year, R1, Id(AccountOf(0)), None))!.Estimate.Estimate.Should().Be(Ore(1_000_00));
        (await ((IEstimateStore)store).FindEstimate(year, R1, Id(AccountOf(39)), None))!.Estimate.Estimate.Should().Be(Ore(1_000_39));
        (await Trail(store, year)).Count(t => t.Action == "estimate.save").Should().Be(Accounts, "one audit entry per saved estimate, none for a conflict");

        // The next versions, with one write the database refuses (an account the year does not have) among them.
        store.EstimateBatchesRetriedAlone.Should().Be(0);
        var seconds = Enumerable.Range(0, Accounts).Select(i => Save(store, year, Estimate(R1, AccountOf(i), 2_000_00 + i), 1)).ToList();
        var unknown = Save(store, year, Estimate(R1, "9.99.99", 5_00), null);
        var stale = Save(store, year, Estimate(R1, AccountOf(7), 3_000_00), 1);

        (await Outcome(unknown)).Should().BeAssignableTo<DbException>("an estimate of an account the year does not have breaks its foreign key");
        store.EstimateBatchesRetriedAlone.Should().BeGreaterThan(0, "the failing write was in a batch with others, which went through again one by one");
        (await Task.WhenAll(seconds)).Select(r => (r.Status, r.Saved!.Version, r.Saved.Estimate.Estimate)).Should()
            .Equal(Enumerable.Range(0, Accounts).Select(i => (EstimateSaveStatus.Saved, 2L, Ore(2_000_00 + i))), "the failing write fails alone");
        (await stale).Status.Should().Be(EstimateSaveStatus.VersionConflict, "account 7 moved to version 2 earlier in the queue");
        (await ((IEstimateStore)store).FindEstimate(year, R1, Id(AccountOf(7)), None))!.Estimate.Estimate.Should().Be(Ore(2_000_07));
        (await Trail(store, year)).Count(t => t.Action == "estimate.save").Should().Be(2 * Accounts);
        (await ((IEstimateStore)store).FindEstimate(year, R1, Id("9.99.99"), None)).Should().BeNull();
        (await store.History(year, Id(AccountOf(7)), None)).Where(e => e.Type == "estimate").Select(e => (e.Version, e.Amount)).Should()
            .BeEquivalentTo([(1L, Ore(1_000_07)), (2L, Ore(2_000_07))], "one history row per saved version, none for the conflicts");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_locked_round_refuses_its_writes_in_a_batch_and_the_open_round_s_commit(string provider)
    {
        const int year = 2038;
        using var store = await Year(provider, year);
        IRoundStore rounds = store;
        var submit = (await rounds.FindRound(year, R2, None))!.Submit()!;
        (await rounds.Apply(year, submit, Audit(year, "round.submit", "rounds/2"), None)).Should().BeTrue();

        var writes = Enumerable.Range(0, Accounts).Select(i => Save(store, year, Estimate(i % 2 == 0 ? R1 : R2, AccountOf(i), 100_00 + i), null)).ToArray();
        var results = await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        results.Where((_, i) => i % 2 == 0).Should().OnlyContain(r => r.Status == EstimateSaveStatus.Saved && r.State == RoundState.Open);
        results.Where((_, i) => i % 2 == 1).Should().OnlyContain(r => r.Status == EstimateSaveStatus.RoundLocked && r.State == RoundState.Submitted && r.Saved == null);
        store.LargestEstimateBatch.Should().BeGreaterThan(1);
        (await ((IEstimateStore)store).FindEstimate(year, R2, Id(AccountOf(1)), None)).Should().BeNull();
        (await Trail(store, year)).Count(t => t.Action == "estimate.save").Should().Be(Accounts / 2);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_closed_year_refuses_its_writes_in_a_batch_and_the_open_year_s_commit(string provider)
    {
        const int closed = 2046, open = 2057;
        using var store = await Year(provider, closed);
        await Import(store, open, new ImportData { Accounts = Enumerable.Range(0, Accounts).Select(i => Account(AccountOf(i), "Økonomiudvalget", "Administration")).ToArray() });
        (await ((IYearEndStore)store).Close(closed, Date(closed + 1, 2, 27), Audit(closed, "year.close", $"budget-years/{closed}"), None)).Should().Be(CloseStatus.Closed);

        var writes = Enumerable.Range(0, Accounts).Select(i => Save(store, i % 2 == 0 ? open : closed, Estimate(R2, AccountOf(i), 300_00 + i), null)).ToArray();

        for (var i = 0; i < Accounts; i++)
        {
            if (i % 2 == 0)
            {
                (await writes[i]).Status.Should().Be(EstimateSaveStatus.Saved);
            }
            else
            {
                (await FluentActions.Awaiting(() => writes[i]).Should().ThrowAsync<YearClosedException>()).Which.ClosedOn.Should().Be(Date(closed + 1, 2, 27));
            }
        }

        store.LargestEstimateBatch.Should().BeGreaterThan(1);
        (await ((IEstimateStore)store).FindEstimate(open, R2, Id(AccountOf(2)), None))!.Estimate.Estimate.Should().Be(Ore(300_02));
        (await ((IEstimateStore)store).FindEstimate(closed, R2, Id(AccountOf(1)), None)).Should().BeNull();
        (await Trail(store, closed)).Should().NotContain(t => t.Action == "estimate.save");
        (await Trail(store, open)).Count(t => t.Action == "estimate.save").Should().Be(Accounts / 2);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_write_cancelled_while_it_waits_for_its_batch_is_not_written(string provider)
    {
        const int year = 2058;
        using var store = await Year(provider, year);
        using var cancel = new CancellationTokenSource();
        Task<EstimateSaveResult> first, waiting;

        // An import holds the year's writes (SQLite: the write lock; PostgreSQL: account 0's new estimate row), so the
        // first estimate's batch waits; the second waits in the queue behind it and is cancelled there.
        await using (var import = await store.BeginImport(year, None))
        {
            await import.SaveEstimates([Estimate(R1, AccountOf(0), 5_00)], None);
            first = Save(store, year, Estimate(R1, AccountOf(0), 1_00), null);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (store.LargestEstimateBatch == 0)
            {
                DateTime.UtcNow.Should().BeBefore(until, "the first write's batch starts at once");
                await Task.Delay(5);
            }

            waiting = ((IEstimateStore)store).SaveEstimate(year, Estimate(R1, AccountOf(1), 2_00), null, Clock.Now, Audit(year, "estimate.save", "accounts/1"), cancel.Token);
            await cancel.CancelAsync();
            await FluentActions.Awaiting(() => waiting.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
            first.IsCompleted.Should().BeFalse("its batch waits for the import");
        } // the import is rolled back

        (await first.WaitAsync(TimeSpan.FromSeconds(30))).Status.Should().Be(EstimateSaveStatus.Saved);
        // A later write ends after every batch before it: whatever the cancelled one's batch would have done is done.
        (await Save(store, year, Estimate(R1, AccountOf(2), 3_00), null)).Status.Should().Be(EstimateSaveStatus.Saved);
        (await ((IEstimateStore)store).FindEstimate(year, R1, Id(AccountOf(1)), None)).Should().BeNull("a write cancelled in the queue is not written");
        (await Trail(store, year)).Count(t => t.Action == "estimate.save").Should().Be(2);
    }
}

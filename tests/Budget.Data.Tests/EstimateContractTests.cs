using Budget.Application;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>The estimate store's contract: compare-and-set on the version, the round lock, and the account's history.</summary>
public sealed class EstimateContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private async Task<BudgetStore> YearWithAccounts(string provider, int year)
    {
        var store = Store(provider);
        await Import(store, year, new ImportData { Accounts = TwoCommittees() });
        return store;
    }

    private Task<EstimateSaveResult> Save(IEstimateStore store, int year, AccountEstimate estimate, long? expected) =>
        store.SaveEstimate(year, estimate, expected, Clock.Now, Audit(year, "estimate.save", $"accounts/{estimate.Account}/estimates/{estimate.Round}"), None);

    [Theory, MemberData(nameof(Providers))]
    public async Task The_first_save_expects_none_and_stores_version_1(string provider)
    {
        using var store = await YearWithAccounts(provider, 2081);

        var result = await Save(store, 2081, Estimate(R1, "5.57.70", 1_234_56), null);

        var stored = new StoredEstimate(2081, Estimate(R1, "5.57.70", 1_234_56), 1, Clock.Now);
        result.Should().Be(new EstimateSaveResult(EstimateSaveStatus.Saved, stored, RoundState.Open));
        (await ((IEstimateStore)store).FindEstimate(2081, R1, Id("5.57.70"), None)).Should().Be(stored);
        (await ((IEstimateStore)store).FindEstimate(2081, R2, Id("5.57.70"), None)).Should().BeNull();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Expecting_none_when_one_exists_is_a_conflict_that_stores_nothing(string provider)
    {
        using var store = await YearWithAccounts(provider, 2082);
        await Save(store, 2082, Estimate(R1, "5.57.70", 100_00), null);
        var first = Clock.Now;
        Clock.Advance(Duration.FromMinutes(5));

        var result = await Save(store, 2082, Estimate(R1, "5.57.70", 999_00), null);

        result.Status.Should().Be(EstimateSaveStatus.VersionConflict);
        result.Saved.Should().BeNull();
        (await ((IEstimateStore)store).FindEstimate(2082, R1, Id("5.57.70"), None)).Should().Be(new StoredEstimate(2082, Estimate(R1, "5.57.70", 100_00), 1, first));
        (await Trail(store, 2082)).Count(t => t.Action == "estimate.save").Should().Be(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_update_needs_the_current_version_and_a_stale_one_stores_nothing(string provider)
    {
        using var store = await YearWithAccounts(provider, 2083);
        await Save(store, 2083, Estimate(R2, "5.57.71", 10_00), null);
        Clock.Advance(Duration.FromHours(1));

        var second = await Save(store, 2083, Estimate(R2, "5.57.71", 20_01, "rettet"), 1);
        var afterSecond = Clock.Now;
        Clock.Advance(Duration.FromHours(1));
        var stale = await Save(store, 2083, Estimate(R2, "5.57.71", 30_00, "for sent"), 1);
        var future = await Save(store, 2083, Estimate(R2, "5.57.71", 40_00, "gættet"), 3);

        second.Should().Be(new EstimateSaveResult(EstimateSaveStatus.Saved, new StoredEstimate(2083, Estimate(R2, "5.57.71", 20_01, "rettet"), 2, afterSecond), RoundState.Open));
        stale.Status.Should().Be(EstimateSaveStatus.VersionConflict);
        future.Status.Should().Be(EstimateSaveStatus.VersionConflict);
        (await ((IEstimateStore)store).FindEstimate(2083, R2, Id("5.57.71"), None)).Should().Be(new StoredEstimate(2083, Estimate(R2, "5.57.71", 20_01, "rettet"), 2, afterSecond));
        (await ((IYearStore)store).History(2083, Id("5.57.71"), None)).Select(e => e.Version).Should().Equal(1L, 2L);
        (await Trail(store, 2083)).Count(t => t.Action == "estimate.save").Should().Be(2);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_round_that_is_not_open_locks_its_estimates_and_stores_nothing(string provider)
    {
        using var store = await YearWithAccounts(provider, 2084);
        await Save(store, 2084, Estimate(R1, "5.57.70", 10_00), null);
        var round = (await ((IRoundStore)store).FindRound(2084, R1, None))!;
        (await ((IRoundStore)store).Apply(2084, round.Submit()!, Audit(2084, "round.submit", "rounds/1"), None)).Should().BeTrue();

        var update = await Save(store, 2084, Estimate(R1, "5.57.70", 11_00), 1);
        var insert = await Save(store, 2084, Estimate(R1, "5.57.71", 12_00), null);
        var otherRound = await Save(store, 2084, Estimate(R2, "5.57.71", 13_00), null);

        update.Should().Be(new EstimateSaveResult(EstimateSaveStatus.RoundLocked, null, RoundState.Submitted));
        insert.Should().Be(new EstimateSaveResult(EstimateSaveStatus.RoundLocked, null, RoundState.Submitted));
        otherRound.Status.Should().Be(EstimateSaveStatus.Saved, "round 2 is still open");
        (await ((IEstimateStore)store).FindEstimate(2084, R1, Id("5.57.70"), None))!.Estimate.Estimate.Should().Be(Ore(10_00));
        (await ((IEstimateStore)store).FindEstimate(2084, R1, Id("5.57.71"), None)).Should().BeNull();
        (await Trail(store, 2084)).Should().Equal(
            ("import", "years/2084"), ("estimate.save", "accounts/5.57.70/estimates/1"), ("round.submit", "rounds/1"), ("estimate.save", "accounts/5.57.71/estimates/2"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task History_lists_movements_and_estimate_versions_in_date_order(string provider)
    {
        using var store = await YearWithAccounts(provider, 2085);
        Clock.Set(Instant.FromUtc(2085, 1, 10, 9, 0));
        await ((IAppropriationStore)store).AddMovements(2085, [Movement("5.57.70", MovementKind.OriginalBudget, 500_00, Date(2084, 10, 1), "B2085")], Audit(2085, "movements.add", "movements"), None);
        Clock.Advance(Duration.FromDays(1));
        await Save(store, 2085, Estimate(R1, "5.57.70", 480_00, "første bud"), null);
        var v1 = Clock.Now;
        Clock.Advance(Duration.FromMinutes(1));
        await Save(store, 2085, Estimate(R1, "5.57.70", 470_00, "andet bud"), 1);
        Clock.Advance(Duration.FromMinutes(1));
        await ((IAppropriationStore)store).AddMovements(2085, [Movement("5.57.70", MovementKind.CouncilDecision, -10_00, Date(2085, 1, 20), "KB 3")], Audit(2085, "movements.add", "movements"), None);
        await ((IAppropriationStore)store).AddMovements(2085, [Movement("5.57.70", MovementKind.CarryOver, 7_00, Date(2085, 1, 11))], Audit(2085, "movements.add", "movements"), None);
        await ((IAppropriationStore)store).AddMovements(2085, [Movement("5.57.71", MovementKind.CouncilDecision, 99_00, Date(2085, 1, 1))], Audit(2085, "movements.add", "movements"), None);

        var history = await ((IYearStore)store).History(2085, Id("5.57.70"), None);

        // By date; on one date (11 January) by when it was recorded: the carry-over was recorded after both versions.
        history.Select(e => (e.Type, e.Date, e.Amount, e.Version)).Should().Equal(
            ("movement", Date(2084, 10, 1), Ore(500_00), (long?)null),
            ("estimate", Date(2085, 1, 11), Ore(480_00), 1L),
            ("estimate", Date(2085, 1, 11), Ore(470_00), 2L),
            ("movement", Date(2085, 1, 11), Ore(7_00), null),
            ("movement", Date(2085, 1, 20), Ore(-10_00), null));
        history[1].Should().Be(new AccountHistoryEntry("estimate", Date(2085, 1, 11), v1, null, R1, Ore(480_00), null, null, "første bud", Estimate(R1, "5.57.70", 480_00).OutYears, 1));
    }

    /// <summary>
    /// Writers holding the same version race: of N concurrent saves exactly one is stored, the others are told they
    /// conflict, and the trail and the history have one entry for the winner only.
    /// </summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task Of_concurrent_saves_with_the_same_expected_version_exactly_one_is_saved(string provider)
    {
        const int writers = 8;
        using var store = await YearWithAccounts(provider, 2086);
        await Save(store, 2086, Estimate(R1, "5.57.72", 1_00), null);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(1, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await Save(store, 2086, Estimate(R1, "5.57.72", 1_00 + i, $"skriver {i}"), 1);
        })).ToArray();
        var insertRace = Enumerable.Range(1, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await Save(store, 2086, Estimate(R1, "5.57.71", i, $"skriver {i}"), null);
        })).ToArray();
        start.SetResult();
        var updates = await Task.WhenAll(racing);
        var inserts = await Task.WhenAll(insertRace);

        updates.Count(r => r.Status == EstimateSaveStatus.Saved).Should().Be(1);
        updates.Count(r => r.Status == EstimateSaveStatus.VersionConflict).Should().Be(writers - 1);
        inserts.Count(r => r.Status == EstimateSaveStatus.Saved).Should().Be(1);
        inserts.Count(r => r.Status == EstimateSaveStatus.VersionConflict).Should().Be(writers - 1);
        var winner = updates.Single(r => r.Status == EstimateSaveStatus.Saved).Saved!;
        (await ((IEstimateStore)store).FindEstimate(2086, R1, Id("5.57.72"), None)).Should().Be(winner);
        winner.Version.Should().Be(2);
        (await ((IEstimateStore)store).FindEstimate(2086, R1, Id("5.57.71"), None)).Should().Be(inserts.Single(r => r.Status == EstimateSaveStatus.Saved).Saved);
        (await ((IYearStore)store).History(2086, Id("5.57.72"), None)).Select(e => e.Version).Should().Equal(1L, 2L);
        (await Trail(store, 2086)).Count(t => t.Action == "estimate.save").Should().Be(3);
    }

    /// <summary>
    /// Writers of one store queue for its write lock (SQLite: the store's write gate, decision 0021) and a write that
    /// fails lets the next one in at once: 24 concurrent saves, then a write refused by the database, then one more
    /// save that must not wait out the 30 s busy timeout behind a gate the failed write kept.
    /// </summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task Concurrent_writers_all_land_and_a_failed_write_does_not_hold_up_the_next(string provider)
    {
        using var store = await YearWithAccounts(provider, 2087);
        var accounts = new[] { "5.57.70", "5.57.71", "5.57.72", "5.68.90" };
        var saves = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            Save(store, 2087, Estimate(RoundNumber.Of(1 + i / 8), accounts[i % 4], 1_00 + i), i % 8 < 4 ? null : 1))));
        saves.Count(r => r.Status == EstimateSaveStatus.Saved).Should().BeGreaterThanOrEqualTo(12, "every first save per round and account lands; the updates race them");

        var refused = () => ((IAppropriationStore)store).AddMovements(2087, [Movement("9.99.99", MovementKind.CouncilDecision, 1_00, Date(2087, 2, 1))], Audit(2087, "movement.add", "x"), None);
        await refused.Should().ThrowAsync<Exception>("the account does not exist");

        var current = await ((IEstimateStore)store).FindEstimate(2087, R3, Id("5.57.70"), None);
        var next = Save(store, 2087, Estimate(R3, "5.57.70", 42_00), current?.Version);
        (await next.WaitAsync(TimeSpan.FromSeconds(10))).Status.Should().Be(EstimateSaveStatus.Saved);
    }
}

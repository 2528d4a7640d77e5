using Budget.Application;
using Budget.Application.YearEnd;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// The year-end store's contract (docs/year-end.md): closing is once and for good, and from then on every write of
/// the year's postings, estimates and round transitions is refused inside its own transaction, storing nothing; the
/// carry-overs go into the next year once, only from a closed year whose movements are still as they were computed;
/// a 3rd estimate's time shift is kept with the estimate and an approval writes it into the next year.
/// </summary>
public sealed class YearEndContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private static readonly HashSet<string> Committees = ["Beskæftigelsesudvalget", "Økonomiudvalget"];

    private async Task<BudgetStore> Year(string provider, int year, params int[] more)
    {
        var store = Store(provider);
        foreach (var y in new[] { year }.Concat(more))
        {
            await Import(store, y, new ImportData
            {
                Accounts = TwoCommittees(),
                Movements = [Movement("5.57.70", MovementKind.OriginalBudget, 1_000_000_00, Date(y - 1, 10, 9)), Movement("5.68.90", MovementKind.OriginalBudget, 20_164_000_00, Date(y - 1, 10, 9))],
                Postings = [Posting("5.57.70", Date(y, 3, 31), 400_000_00)],
            });
        }

        return store;
    }

    private Task<CloseStatus> Close(IYearEndStore store, int year, LocalDate on) => store.Close(year, on, Audit(year, "year.close", $"budget-years/{year}"), None);

    [Theory, MemberData(nameof(Providers))]
    public async Task A_year_is_open_until_closed_once_and_an_unknown_year_has_no_state(string provider)
    {
        using var store = await Year(provider, 2031);
        IYearEndStore years = store;

        (await years.FindYearEnd(2031, None)).Should().Be(new YearEndState(2031, null, null));
        (await Close(years, 2031, Date(2032, 2, 27))).Should().Be(CloseStatus.Closed);
        (await Close(years, 2031, Date(2032, 3, 1))).Should().Be(CloseStatus.AlreadyClosed);
        (await Close(years, 2039, Date(2040, 3, 1))).Should().Be(CloseStatus.YearNotFound);

        (await years.FindYearEnd(2031, None)).Should().Be(new YearEndState(2031, Date(2032, 2, 27), null));
        (await years.FindYearEnd(2039, None)).Should().BeNull();
        (await Trail(store, 2031)).Should().Equal(("import", "years/2031"), ("year.close", "budget-years/2031"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task After_closing_postings_estimates_and_transitions_are_refused_and_store_nothing(string provider)
    {
        using var store = await Year(provider, 2033);
        await ((IEstimateStore)store).SaveEstimate(2033, Estimate(R1, "5.57.70", 5_00), null, Clock.Now, Audit(2033, "estimate.save", "e"), None);
        var openRound = (await ((IRoundStore)store).FindRound(2033, R2, None))!;
        await Close(store, 2033, Date(2034, 1, 15));
        var trail = await Trail(store, 2033);

        var postings = () => ((IAppropriationStore)store).AddPostings(2033, [Posting("5.57.70", Date(2033, 12, 31), 1_00)], Audit(2033, "postings.add", "p"), None);
        var estimate = () => ((IEstimateStore)store).SaveEstimate(2033, Estimate(R1, "5.57.70", 7_00), 1, Clock.Now, Audit(2033, "estimate.save", "e"), None);
        var transition = () => ((IRoundStore)store).Apply(2033, openRound.Submit()!, Audit(2033, "round.submit", "rounds/2"), None);

        (await postings.Should().ThrowAsync<YearClosedException>()).Which.Message.Should().Be("Budget year 2033 was closed on 2034-01-15: its postings, estimates and rounds are final. Nothing was stored.");
        (await estimate.Should().ThrowAsync<YearClosedException>()).Which.ClosedOn.Should().Be(Date(2034, 1, 15));
        await transition.Should().ThrowAsync<YearClosedException>();

        var facts = (await ((IFollowUpReader)store).AccountFacts(2033, R1, Date(2033, 12, 31), None)).Single(f => f.Account.Id == Id("5.57.70"));
        facts.Consumption.Should().Be(Ore(400_000_00));
        facts.Estimate!.Estimate.Should().Be(Ore(5_00));
        (await ((IRoundStore)store).FindRound(2033, R2, None))!.State.Should().Be(RoundState.Open);
        (await Trail(store, 2033)).Should().Equal(trail);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_import_into_a_closed_year_sees_the_closing_date(string provider)
    {
        using var store = await Year(provider, 2035);
        await using (var open = await ((IImportStore)store).BeginImport(2035, None))
        {
            open.ClosedOn.Should().BeNull();
        }

        await Close(store, 2035, Date(2036, 4, 30));

        await using var closed = await ((IImportStore)store).BeginImport(2035, None);
        closed.ClosedOn.Should().Be(Date(2036, 4, 30));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Carry_overs_go_into_the_next_year_once_only_from_a_closed_year(string provider)
    {
        using var store = await Year(provider, 2041, 2042);
        IYearEndStore years = store;
        var carried = new[]
        {
            Movement("5.57.70", MovementKind.CarryOver, 30_000_00, Date(2042, 3, 26), "KB 26.03.2042"),
            Movement("5.68.90", MovementKind.CarryOver, -239_300_00, Date(2042, 3, 26), "KB 26.03.2042"),
        };
        Task<CarryOverStoreStatus> Approve(long watermark) => years.ApproveCarryOvers(2041, Date(2042, 3, 26), carried, watermark, Audit(2041, "carry-overs.approve", "budget-years/2041/carry-overs"), None);
        var watermark = await ((IRoundStore)store).LastMovement(2041, None);

        (await Approve(watermark)).Should().Be(CarryOverStoreStatus.NotClosed);
        await Close(years, 2041, Date(2042, 2, 27));
        await ((IAppropriationStore)store).AddMovements(2041, [Movement("5.68.90", MovementKind.CouncilDecision, 1_00, Date(2041, 12, 1))], Audit(2041, "movement.add", "m"), None);
        (await Approve(watermark)).Should().Be(CarryOverStoreStatus.Stale, "a movement of 2041 came after the amounts were computed");
        var nextBefore = await Trail(store, 2042);
        var fresh = await ((IRoundStore)store).LastMovement(2041, None);

        (await Approve(fresh)).Should().Be(CarryOverStoreStatus.Approved);
        (await Approve(fresh)).Should().Be(CarryOverStoreStatus.AlreadyApproved);

        (await years.FindYearEnd(2041, None)).Should().Be(new YearEndState(2041, Date(2042, 2, 27), Date(2042, 3, 26)));
        var next = (await ((IFollowUpReader)store).AccountFacts(2042, R1, Date(2042, 3, 31), None)).ToDictionary(f => f.Account.Id.Value);
        next["5.57.70"].Appropriations.CarryOvers.Should().Be(Ore(30_000_00));
        next["5.68.90"].Appropriations.CarryOvers.Should().Be(Ore(-239_300_00));
        next["5.57.71"].Appropriations.CarryOvers.Should().Be(Ore(0));
        (await ((IYearStore)store).History(2042, Id("5.68.90"), None))[^1].Should()
            .Be(new AccountHistoryEntry("movement", Date(2042, 3, 26), Clock.Now, MovementKind.CarryOver, null, Ore(-239_300_00), "KB 26.03.2042", "byrådet", null, null, null));
        (await Trail(store, 2041)).Count(t => t.Action == "carry-overs.approve").Should().Be(1);
        (await Trail(store, 2042)).Should().Equal(nextBefore, "the approval is audited on the year it closes");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Carry_overs_need_the_next_year(string provider)
    {
        using var store = await Year(provider, 2043);
        await Close(store, 2043, Date(2044, 2, 1));

        var status = await ((IYearEndStore)store).ApproveCarryOvers(2043, Date(2044, 3, 1), [], await ((IRoundStore)store).LastMovement(2043, None), Audit(2043, "carry-overs.approve", "c"), None);

        status.Should().Be(CarryOverStoreStatus.NextYearNotFound);
        (await ((IYearEndStore)store).FindYearEnd(2043, None))!.CarryOversApprovedOn.Should().BeNull();
        (await ((IYearEndStore)store).ApproveCarryOvers(2049, Date(2050, 3, 1), [], 0, Audit(2049, "carry-overs.approve", "c"), None)).Should().Be(CarryOverStoreStatus.YearNotFound);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_time_shift_is_kept_with_the_estimate_and_an_import_replacing_the_estimate_clears_it(string provider)
    {
        using var store = await Year(provider, 2045);
        var shifted = Estimate(R3, "5.68.90", 18_164_000_00) with { TimeShift = Ore(-1_500_000_00) };

        await ((IEstimateStore)store).SaveEstimate(2045, shifted, null, Clock.Now, Audit(2045, "estimate.save", "e"), None);

        (await ((IEstimateStore)store).FindEstimate(2045, R3, Id("5.68.90"), None))!.Estimate.TimeShift.Should().Be(Ore(-1_500_000_00));
        (await ((IFollowUpReader)store).AccountFacts(2045, R3, Date(2045, 9, 30), None)).Single(f => f.Account.Id == Id("5.68.90")).Estimate!.TimeShift.Should().Be(Ore(-1_500_000_00));
        (await ((IEstimateStore)store).FindEstimate(2045, R3, Id("5.57.70"), None)).Should().BeNull();

        await Import(store, 2045, new ImportData { Estimates = [Estimate(R3, "5.68.90", 19_000_000_00)] });

        var replaced = (await ((IEstimateStore)store).FindEstimate(2045, R3, Id("5.68.90"), None))!;
        replaced.Version.Should().Be(2);
        replaced.Estimate.TimeShift.Should().BeNull("the interchange file has no time shift: the new estimate has none");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Approving_round_3_writes_the_time_shifts_into_the_next_year_in_the_same_transaction(string provider)
    {
        using var store = await Year(provider, 2047, 2048);
        IRoundStore rounds = store;
        await Apply(rounds, 2047, (await Read(rounds, 2047, R3)).Submit());
        await Apply(rounds, 2047, (await Read(rounds, 2047, R3)).Recommend("Økonomiudvalget", Committees));
        await Apply(rounds, 2047, (await Read(rounds, 2047, R3)).Recommend("Beskæftigelsesudvalget", Committees));
        var recommended = await Read(rounds, 2047, R3);
        var grants = new[] { Movement("5.68.90", MovementKind.EstimateAppropriation, -2_000_000_00, Date(2047, 11, 27), "AR3") };
        var shifts = new[] { Movement("5.68.90", MovementKind.PriorEstimateShift, 1_500_000_00, Date(2047, 11, 27), "AR3") };
        var watermark = await rounds.LastMovement(2047, None);

        var believedMissing = recommended.Approve(grants)! with { MovementWatermark = watermark, NextYearExists = false };
        (await Apply(rounds, 2047, believedMissing)).Should().BeFalse("2048 exists: the approval was decided on a wrong premise");

        var approve = recommended.Approve(grants)! with { MovementWatermark = watermark, NextYearExists = true, NextYearShifts = shifts };
        (await Apply(rounds, 2047, approve)).Should().BeTrue();

        (await ((IFollowUpReader)store).AccountFacts(2048, R1, Date(2048, 3, 31), None)).Single(f => f.Account.Id == Id("5.68.90")).Appropriations
            .Should().Be(AppropriationsByKind.None.With(MovementKind.OriginalBudget, Ore(20_164_000_00)).With(MovementKind.PriorEstimateShift, Ore(1_500_000_00)));
        (await ((IFollowUpReader)store).AccountFacts(2047, R3, Date(2047, 12, 31), None)).Single(f => f.Account.Id == Id("5.68.90")).Appropriations.EstimateAppropriations
            .Should().Be(Ore(-2_000_000_00));
    }

    private Task<bool> Apply(IRoundStore store, int year, RoundTransition? transition) =>
        store.Apply(year, transition!, Audit(year, "round", $"rounds/{transition!.From.Number}"), None);

    private static async Task<Round> Read(IRoundStore store, int year, RoundNumber round) => (await store.FindRound(year, round, None))!;
}

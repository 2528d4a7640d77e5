using Budget.Application;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// The round store's contract: a round read as the domain <see cref="Round"/>, its transitions stored with
/// compare-and-set against the round as read. A refused transition stores nothing, not even an audit entry.
/// </summary>
public sealed class RoundContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private static readonly HashSet<string> Committees = ["Beskæftigelsesudvalget", "Økonomiudvalget"];

    private async Task<BudgetStore> Year(string provider, int year)
    {
        var store = Store(provider);
        await Import(store, year, new ImportData
        {
            Accounts = TwoCommittees(),
            Cutoffs = new Dictionary<RoundNumber, LocalDate> { [R2] = Date(year, 7, 31) },
            Movements = [Movement("5.57.70", MovementKind.OriginalBudget, 1_000_00, Date(year - 1, 10, 1))],
        });
        return store;
    }

    private Task<bool> Apply(IRoundStore store, int year, RoundTransition? transition, string action)
    {
        transition.Should().NotBeNull("the domain allows this transition from the round as read");
        return store.Apply(year, transition!, Audit(year, action, $"rounds/{transition!.From.Number}"), None);
    }

    private static async Task<Round> Read(IRoundStore store, int year, RoundNumber round) => (await store.FindRound(year, round, None))!;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_round_never_changed_is_open_with_the_year_cutoff_and_an_unknown_year_has_none(string provider)
    {
        using var store = await Year(provider, 2011);

        (await ((IRoundStore)store).FindRound(2011, R1, None)).Should().BeEquivalentTo(new Round(R1, Date(2011, 3, 31), RoundState.Open, []));
        (await ((IRoundStore)store).FindRound(2011, R2, None)).Should().BeEquivalentTo(new Round(R2, Date(2011, 7, 31), RoundState.Open, []));
        (await ((IRoundStore)store).FindRound(2012, R1, None)).Should().BeNull();
        (await ((IRoundStore)store).LastMovement(2012, None)).Should().Be(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Submit_recommend_and_approve_walk_the_round_and_the_approval_stores_its_grants(string provider)
    {
        const int year = 2013;
        using var store = await Year(provider, year);
        IRoundStore rounds = store;

        (await Apply(rounds, year, (await Read(rounds, year, R2)).Submit(), "round.submit")).Should().BeTrue();
        (await Read(rounds, year, R2)).Should().BeEquivalentTo(new Round(R2, Date(year, 7, 31), RoundState.Submitted, []));
        (await Read(rounds, year, R1)).State.Should().Be(RoundState.Open, "each round has its own state");

        (await Apply(rounds, year, (await Read(rounds, year, R2)).Recommend("Økonomiudvalget", Committees), "round.recommend")).Should().BeTrue();
        (await Read(rounds, year, R2)).Should().BeEquivalentTo(new Round(R2, Date(year, 7, 31), RoundState.Submitted, ["Økonomiudvalget"]));
        (await Apply(rounds, year, (await Read(rounds, year, R2)).Recommend("Beskæftigelsesudvalget", Committees), "round.recommend")).Should().BeTrue();
        var recommended = await Read(rounds, year, R2);
        recommended.Should().BeEquivalentTo(new Round(R2, Date(year, 7, 31), RoundState.Recommended, ["Beskæftigelsesudvalget", "Økonomiudvalget"]), o => o.WithStrictOrdering());

        Clock.Advance(Duration.FromDays(3));
        var grants = new[]
        {
            Movement("5.57.70", MovementKind.EstimateAppropriation, 25_000_50, Date(year, 8, 20), "AR2"),
            Movement("5.57.71", MovementKind.EstimateAppropriation, -4_00, Date(year, 8, 20), "AR2"),
        };
        var approve = recommended.Approve(grants)! with { MovementWatermark = await rounds.LastMovement(year, None) };
        (await Apply(rounds, year, approve, "round.approve")).Should().BeTrue();

        (await Read(rounds, year, R2)).State.Should().Be(RoundState.Approved);
        var facts = (await ((IFollowUpReader)store).AccountFacts(year, R2, Date(year, 8, 20), None)).ToDictionary(f => f.Account.Id.Value);
        facts["5.57.70"].Appropriations.Should().Be(AppropriationsByKind.None.With(MovementKind.OriginalBudget, Ore(1_000_00)).With(MovementKind.EstimateAppropriation, Ore(25_000_50)));
        facts["5.57.71"].Appropriations.EstimateAppropriations.Should().Be(Ore(-4_00));
        (await ((IYearStore)store).History(year, Id("5.57.70"), None))[^1].Should()
            .Be(new AccountHistoryEntry("movement", Date(year, 8, 20), Clock.Now, MovementKind.EstimateAppropriation, null, Ore(25_000_50), "AR2", "byrådet", null, null, null));
        (await Trail(store, year)).Should().Equal(
            ("import", $"years/{year}"), ("round.submit", "rounds/2"), ("round.recommend", "rounds/2"), ("round.recommend", "rounds/2"), ("round.approve", "rounds/2"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Reopen_returns_the_round_to_open_and_drops_its_recommendations(string provider)
    {
        const int year = 2014;
        using var store = await Year(provider, year);
        IRoundStore rounds = store;
        await Apply(rounds, year, (await Read(rounds, year, R1)).Submit(), "round.submit");
        await Apply(rounds, year, (await Read(rounds, year, R1)).Recommend("Økonomiudvalget", Committees), "round.recommend");
        await Apply(rounds, year, (await Read(rounds, year, R1)).Recommend("Beskæftigelsesudvalget", Committees), "round.recommend");

        (await Apply(rounds, year, (await Read(rounds, year, R1)).Reopen(), "round.reopen")).Should().BeTrue();

        (await Read(rounds, year, R1)).Should().BeEquivalentTo(new Round(R1, Date(year, 3, 31), RoundState.Open, []));
        var save = await ((IEstimateStore)store).SaveEstimate(year, Estimate(R1, "5.57.70", 5_00), null, Clock.Now, Audit(year, "estimate.save", "accounts/5.57.70/estimates/1"), None);
        save.Status.Should().Be(EstimateSaveStatus.Saved, "a reopened round takes estimates again");

        // And a new submission starts the recommendations afresh.
        await Apply(rounds, year, (await Read(rounds, year, R1)).Submit(), "round.submit");
        (await Apply(rounds, year, (await Read(rounds, year, R1)).Recommend("Økonomiudvalget", Committees), "round.recommend")).Should().BeTrue();
        (await Read(rounds, year, R1)).Should().BeEquivalentTo(new Round(R1, Date(year, 3, 31), RoundState.Submitted, ["Økonomiudvalget"]));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_transition_from_a_round_whose_state_changed_meanwhile_stores_nothing(string provider)
    {
        const int year = 2015;
        using var store = await Year(provider, year);
        IRoundStore rounds = store;
        var open = await Read(rounds, year, R1);
        (await Apply(rounds, year, open.Submit(), "round.submit")).Should().BeTrue();
        var trail = await Trail(store, year);

        (await Apply(rounds, year, open.Submit(), "round.submit")).Should().BeFalse("the round is no longer open");
        var submitted = await Read(rounds, year, R1);
        (await Apply(rounds, year, submitted.Reopen(), "round.reopen")).Should().BeTrue();
        (await Apply(rounds, year, submitted.Recommend("Økonomiudvalget", Committees), "round.recommend")).Should().BeFalse("the round was reopened after it was read");

        (await Read(rounds, year, R1)).Should().BeEquivalentTo(new Round(R1, Date(year, 3, 31), RoundState.Open, []));
        (await Trail(store, year)).Should().Equal(trail.Append(("round.reopen", "rounds/1")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_transition_read_before_another_recommendation_stores_nothing(string provider)
    {
        const int year = 2016;
        using var store = await Year(provider, year);
        IRoundStore rounds = store;
        await Apply(rounds, year, (await Read(rounds, year, R3)).Submit(), "round.submit");
        var submitted = await Read(rounds, year, R3);
        var first = submitted.Recommend("Økonomiudvalget", Committees);
        var second = submitted.Recommend("Beskæftigelsesudvalget", Committees);

        (await Apply(rounds, year, first, "round.recommend")).Should().BeTrue();
        var trail = await Trail(store, year);
        (await Apply(rounds, year, second, "round.recommend")).Should().BeFalse("it was computed without the first recommendation, and would leave the round submitted with both");
        (await Apply(rounds, year, submitted.Reopen(), "round.reopen")).Should().BeFalse("the recommendation it would drop was not there when it was read");

        (await Read(rounds, year, R3)).Should().BeEquivalentTo(new Round(R3, Date(year, 9, 30), RoundState.Submitted, ["Økonomiudvalget"]));
        (await Trail(store, year)).Should().Equal(trail);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_approval_computed_before_a_later_movement_stores_nothing(string provider)
    {
        const int year = 2017;
        using var store = await Year(provider, year);
        IRoundStore rounds = store;
        await Apply(rounds, year, (await Read(rounds, year, R1)).Submit(), "round.submit");
        await Apply(rounds, year, (await Read(rounds, year, R1)).Recommend("Økonomiudvalget", Committees), "round.recommend");
        await Apply(rounds, year, (await Read(rounds, year, R1)).Recommend("Beskæftigelsesudvalget", Committees), "round.recommend");
        var recommended = await Read(rounds, year, R1);
        var watermark = await rounds.LastMovement(year, None);
        var approve = recommended.Approve([Movement("5.57.70", MovementKind.EstimateAppropriation, 3_00, Date(year, 4, 20))])! with { MovementWatermark = watermark };
        await ((IAppropriationStore)store).AddMovements(year, [Movement("5.57.70", MovementKind.CouncilDecision, 1_00, Date(year, 4, 19))], Audit(year, "movements.add", "movements"), None);
        var trail = await Trail(store, year);
        var last = await rounds.LastMovement(year, None);

        (await Apply(rounds, year, approve, "round.approve")).Should().BeFalse("the grants were computed from facts that no longer hold");

        last.Should().BeGreaterThan(watermark);
        (await Read(rounds, year, R1)).State.Should().Be(RoundState.Recommended);
        (await rounds.LastMovement(year, None)).Should().Be(last, "no grant was stored");
        (await Trail(store, year)).Should().Equal(trail);

        var again = (await Read(rounds, year, R1)).Approve([Movement("5.57.70", MovementKind.EstimateAppropriation, 3_00, Date(year, 4, 20))])! with { MovementWatermark = last };
        (await Apply(rounds, year, again, "round.approve")).Should().BeTrue("read afresh, the approval goes through");
    }
}

using Budget.Application;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// The follow-up reader's contract: per account, the movements decided on or before the date by kind and the postings
/// up to it. Consumption is read from two aggregates (whole months from posting_month, the current month's days from
/// posting_day), so the dates below walk both paths and the year's edges.
/// </summary>
public sealed class FollowUpReaderContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private const int Year = 2060;

    private static readonly ImportData TheYear = new()
    {
        Accounts = TwoCommittees(),
        Movements =
        [
            Movement("5.57.70", MovementKind.OriginalBudget, 1_000_000_00, Date(Year - 1, 10, 15)),
            Movement("5.57.70", MovementKind.CarryOver, 20_000_01, Date(Year, 3, 10)),
            Movement("5.57.70", MovementKind.CouncilDecision, 50_000_00, Date(Year, 5, 20)),
            Movement("5.57.70", MovementKind.CouncilDecision, -1_00, Date(Year, 5, 20)),
            Movement("5.57.71", MovementKind.TechnicalReallocation, -5_000_00, Date(Year, 5, 20)),
            Movement("5.57.71", MovementKind.PriorEstimateShift, 3_33, Date(Year, 1, 1)),
        ],
        Postings =
        [
            Posting("5.57.70", Date(Year, 1, 15), 100_01),
            Posting("5.57.70", Date(Year, 3, 31), 200_00),
            Posting("5.57.70", Date(Year, 4, 10), 300_00),
            Posting("5.57.70", Date(Year, 4, 10), 0_50),
            Posting("5.57.70", Date(Year, 4, 30), 400_00),
            Posting("5.57.70", Date(Year, 12, 31), 500_00),
            Posting("5.57.71", Date(Year, 4, 15), 70_00),
            Posting("5.57.71", Date(Year, 4, 16), -70_00),
        ],
        Estimates = [Estimate(R2, "5.57.70", 1_100_000_00, "flere borgere", requested: 30_000_00)],
    };

    private async Task<IReadOnlyDictionary<string, AccountFacts>> FactsAsOf(BudgetStore store, LocalDate asOf, RoundNumber? round = null)
    {
        if ((await ((IYearStore)store).FindYear(Year, None)) is null)
        {
            await Import(store, Year, TheYear);
        }

        var facts = await ((IFollowUpReader)store).AccountFacts(Year, round ?? R2, asOf, None);
        return facts.ToDictionary(f => f.Account.Id.Value);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Every_account_of_the_year_has_facts_in_account_order(string provider)
    {
        using var store = Store(provider);

        await FactsAsOf(store, Date(Year, 6, 30));

        var facts = await ((IFollowUpReader)store).AccountFacts(Year, R2, Date(Year, 6, 30), None);

        facts.Select(f => f.Account).Should().Equal(await ((IYearStore)store).Accounts(Year, None));
        facts.Single(f => f.Account.Id == Id("5.57.72")).Should().Be(new AccountFacts(TwoCommittees()[0], AppropriationsByKind.None, Ore(0), null));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Movements_decided_on_or_before_the_date_count_per_kind(string provider)
    {
        using var store = Store(provider);

        var beforeDecision = await FactsAsOf(store, Date(Year, 5, 19));
        var onDecision = await FactsAsOf(store, Date(Year, 5, 20));

        beforeDecision["5.57.70"].Appropriations.Should().Be(new AppropriationsByKind(Ore(1_000_000_00), Ore(0), Ore(20_000_01), Ore(0), Ore(0), Ore(0)));
        onDecision["5.57.70"].Appropriations.Should().Be(new AppropriationsByKind(Ore(1_000_000_00), Ore(0), Ore(20_000_01), Ore(49_999_00), Ore(0), Ore(0)));
        beforeDecision["5.57.71"].Appropriations.Should().Be(new AppropriationsByKind(Ore(0), Ore(3_33), Ore(0), Ore(0), Ore(0), Ore(0)));
        onDecision["5.57.71"].Appropriations.Should().Be(new AppropriationsByKind(Ore(0), Ore(3_33), Ore(0), Ore(0), Ore(-5_000_00), Ore(0)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Before_1_January_nothing_is_consumed_but_the_original_budget_decided_the_year_before_counts(string provider)
    {
        using var store = Store(provider);

        var facts = await FactsAsOf(store, Date(Year - 1, 12, 31));

        facts["5.57.70"].Consumption.Should().Be(Ore(0));
        facts["5.57.70"].Appropriations.Should().Be(AppropriationsByKind.None.With(MovementKind.OriginalBudget, Ore(1_000_000_00)));
        facts["5.57.71"].Should().Be(new AccountFacts(facts["5.57.71"].Account, AppropriationsByKind.None, Ore(0), null));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task At_a_month_end_consumption_is_every_posting_through_that_day(string provider)
    {
        using var store = Store(provider);

        (await FactsAsOf(store, Date(Year, 1, 31)))["5.57.70"].Consumption.Should().Be(Ore(100_01));
        (await FactsAsOf(store, Date(Year, 2, 28)))["5.57.70"].Consumption.Should().Be(Ore(100_01));
        (await FactsAsOf(store, Date(Year, 3, 31)))["5.57.70"].Consumption.Should().Be(Ore(300_01));
        var april = await FactsAsOf(store, Date(Year, 4, 30));
        april["5.57.70"].Consumption.Should().Be(Ore(1_000_51));
        april["5.57.71"].Consumption.Should().Be(Ore(0), "70 kr. posted and reversed in April");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Mid_month_consumption_adds_the_days_of_the_month_through_the_date(string provider)
    {
        using var store = Store(provider);

        (await FactsAsOf(store, Date(Year, 1, 14)))["5.57.70"].Consumption.Should().Be(Ore(0));
        (await FactsAsOf(store, Date(Year, 1, 15)))["5.57.70"].Consumption.Should().Be(Ore(100_01), "a posting on the date counts (January: days only)");
        (await FactsAsOf(store, Date(Year, 4, 9)))["5.57.70"].Consumption.Should().Be(Ore(300_01));
        (await FactsAsOf(store, Date(Year, 4, 10)))["5.57.70"].Consumption.Should().Be(Ore(600_51));
        var midApril = await FactsAsOf(store, Date(Year, 4, 15));
        midApril["5.57.70"].Consumption.Should().Be(Ore(600_51));
        midApril["5.57.71"].Consumption.Should().Be(Ore(70_00), "an account with no earlier month reads its days alone");
        (await FactsAsOf(store, Date(Year, 12, 30)))["5.57.70"].Consumption.Should().Be(Ore(1_000_51));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task On_and_after_31_December_consumption_is_the_whole_year(string provider)
    {
        using var store = Store(provider);

        (await FactsAsOf(store, Date(Year, 12, 31)))["5.57.70"].Consumption.Should().Be(Ore(1_500_51));
        var later = await FactsAsOf(store, Date(Year + 1, 2, 14));
        later["5.57.70"].Consumption.Should().Be(Ore(1_500_51));
        later["5.57.71"].Consumption.Should().Be(Ore(0));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_facts_carry_the_estimate_of_the_round_asked_for(string provider)
    {
        using var store = Store(provider);

        (await FactsAsOf(store, Date(Year, 6, 30), R2))["5.57.70"].Estimate.Should().Be(Estimate(R2, "5.57.70", 1_100_000_00, "flere borgere", requested: 30_000_00));
        (await FactsAsOf(store, Date(Year, 6, 30), R1))["5.57.70"].Estimate.Should().BeNull();
        (await FactsAsOf(store, Date(Year, 6, 30), R2))["5.57.71"].Estimate.Should().BeNull();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_year_without_accounts_has_no_facts(string provider)
    {
        using var store = Store(provider);

        (await ((IFollowUpReader)store).AccountFacts(2099, R1, Date(2099, 6, 30), None)).Should().BeEmpty();
    }
}

using Budget.Domain.Accounts;
using Budget.Application;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>The import session's contract: one all-or-nothing transaction, and what it reports of the year before it.</summary>
public sealed class ImportContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private static ImportData Everything(int year) => new()
    {
        Accounts = TwoCommittees(),
        Cutoffs = new Dictionary<RoundNumber, LocalDate> { [R1] = Date(year, 4, 15) },
        Settings = new Dictionary<string, Amount> { ["service_frame"] = Ore(987_654_321_00) },
        Movements = [Movement("5.57.70", MovementKind.OriginalBudget, 1_000_000_00, Date(year - 1, 10, 15), "B" + year)],
        Postings = [Posting("5.57.70", Date(year, 2, 3), 12_345)],
        Estimates = [Estimate(R1, "5.57.70", 950_000_00)],
    };

    [Theory, MemberData(nameof(Providers))]
    public async Task Disposing_a_session_without_commit_leaves_nothing_not_even_the_year(string provider)
    {
        using var store = Store(provider);

        await using (var session = await ((IImportStore)store).BeginImport(2051, None))
        {
            await Fill(session, Everything(2051));
        }

        (await ((IYearStore)store).Years(None)).Should().NotContain(2051);
        (await ((IYearStore)store).FindYear(2051, None)).Should().BeNull();
        (await ((IYearStore)store).Accounts(2051, None)).Should().BeEmpty();
        (await ((IYearStore)store).Settings(2051, None)).Should().BeEmpty();
        (await ((IYearStore)store).History(2051, Id("5.57.70"), None)).Should().BeEmpty();
        (await ((IEstimateStore)store).FindEstimate(2051, R1, Id("5.57.70"), None)).Should().BeNull();
        (await ((IRoundStore)store).LastMovement(2051, None)).Should().Be(0);
        (await Trail(store, 2051)).Should().BeEmpty();

        // And the year can still be imported afterwards: the aborted session left no key behind.
        await Import(store, 2051, Everything(2051));
        (await ((IYearStore)store).Accounts(2051, None)).Should().HaveCount(4);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Everything_an_import_brings_is_visible_only_after_commit(string provider)
    {
        using var store = Store(provider);
        IYearStore years = store;
        IFollowUpReader reader = store;

        await using var session = await ((IImportStore)store).BeginImport(2052, None);
        await Fill(session, Everything(2052));

        (await years.FindYear(2052, None)).Should().BeNull("the year itself is part of the uncommitted import");
        (await years.Accounts(2052, None)).Should().BeEmpty();
        (await years.Settings(2052, None)).Should().BeEmpty();
        (await reader.AccountFacts(2052, R1, Date(2052, 12, 31), None)).Should().BeEmpty();
        (await ((IEstimateStore)store).FindEstimate(2052, R1, Id("5.57.70"), None)).Should().BeNull();
        (await Trail(store, 2052)).Should().BeEmpty();

        await session.Commit(Audit(2052, "import", "years/2052"), None);

        (await years.FindYear(2052, None)).Should().Be(RoundCalendar.Default(2052).WithCutoff(R1, Date(2052, 4, 15)));
        (await years.Accounts(2052, None)).Should().HaveCount(4);
        (await years.Settings(2052, None)).Should().Equal(new Dictionary<string, Amount> { ["service_frame"] = Ore(987_654_321_00) });
        var facts = (await reader.AccountFacts(2052, R1, Date(2052, 12, 31), None)).Single(f => f.Account.Id == Id("5.57.70"));
        facts.Appropriations.OriginalBudget.Should().Be(Ore(1_000_000_00));
        facts.Consumption.Should().Be(Ore(12_345));
        facts.Estimate.Should().Be(Estimate(R1, "5.57.70", 950_000_00));
        var stored = await ((IEstimateStore)store).FindEstimate(2052, R1, Id("5.57.70"), None);
        stored.Should().Be(new StoredEstimate(2052, Estimate(R1, "5.57.70", 950_000_00), 1, Clock.Now), "an import records at the clock's instant when it began");
        (await Trail(store, 2052)).Should().Equal(("import", "years/2052"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_session_reports_the_year_before_it_magnitudes_accounts_and_round_states(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2053, new ImportData
        {
            Accounts = TwoCommittees(),
            Movements = [Movement("5.57.70", MovementKind.OriginalBudget, 100_00, Date(2053, 1, 1)), Movement("5.57.71", MovementKind.TechnicalReallocation, -50_00, Date(2053, 2, 1))],
            Postings = [Posting("5.57.70", Date(2053, 1, 5), 30_00), Posting("5.57.70", Date(2053, 1, 6), -20_00), Posting("5.57.71", Date(2053, 3, 1), 1)],
        });
        var round = (await ((IRoundStore)store).FindRound(2053, R2, None))!;
        (await ((IRoundStore)store).Apply(2053, round.Submit()!, Audit(2053, "round.submit", "rounds/2"), None)).Should().BeTrue();

        await using var session = await ((IImportStore)store).BeginImport(2053, None);

        // Sums of |amount|: the ceiling counts a negative amount as much as a positive one.
        session.Magnitudes.Should().Be((150_00L, 50_01L));
        session.ExistingAccounts.Keys.Select(k => k.Value).Should().BeEquivalentTo(["5.57.70", "5.57.71", "5.57.72", "5.68.90"]);
        session.ExistingAccounts[Id("5.57.72")].Should().Be(TwoCommittees()[0]);
        session.RoundStates.Should().Equal(new Dictionary<RoundNumber, RoundState> { [R1] = RoundState.Open, [R2] = RoundState.Submitted, [R3] = RoundState.Open });
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_new_year_starts_with_nothing_and_every_round_open(string provider)
    {
        using var store = Store(provider);

        await using var session = await ((IImportStore)store).BeginImport(2054, None);

        session.Magnitudes.Should().Be((0L, 0L));
        session.ExistingAccounts.Should().BeEmpty();
        session.RoundStates.Values.Should().Equal(RoundState.Open, RoundState.Open, RoundState.Open);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_years_first_estimates_are_stored_whole_with_a_history_row_each(string provider)
    {
        // SQLite inserts a year's first estimates directly rather than staging them (decision 0035): every value is kept.
        using var store = Store(provider);
        await Import(store, 2059, new ImportData
        {
            Accounts = TwoCommittees(),
            Estimates = [Estimate(R1, "5.57.70", 910_50, "første skøn", requested: -10_50), Estimate(R3, "5.57.71", -5, "")],
        });

        (await ((IEstimateStore)store).FindEstimate(2059, R1, Id("5.57.70"), None)).Should()
            .Be(new StoredEstimate(2059, Estimate(R1, "5.57.70", 910_50, "første skøn", requested: -10_50), 1, Clock.Now));
        (await ((IEstimateStore)store).FindEstimate(2059, R3, Id("5.57.71"), None)).Should()
            .Be(new StoredEstimate(2059, Estimate(R3, "5.57.71", -5, ""), 1, Clock.Now));
        var history = await ((IYearStore)store).History(2059, Id("5.57.70"), None);
        history.Select(e => (e.Round, e.Version, e.Amount, e.Explanation, e.RecordedAt)).Should().Equal((R1, 1L, Ore(910_50), "første skøn", Clock.Now));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_reimported_estimate_gets_the_next_version_and_a_history_row_per_version(string provider)
    {
        using var store = Store(provider);
        var first = Clock.Now;
        await Import(store, 2055, new ImportData { Accounts = TwoCommittees(), Estimates = [Estimate(R1, "5.57.70", 900_00, "første"), Estimate(R2, "5.57.70", 800_00)] });
        Clock.Advance(Duration.FromDays(2));
        await Import(store, 2055, new ImportData { Estimates = [Estimate(R1, "5.57.70", 910_50, "anden", requested: 10_50), Estimate(R1, "5.57.71", 5)] });

        (await ((IEstimateStore)store).FindEstimate(2055, R1, Id("5.57.70"), None)).Should()
            .Be(new StoredEstimate(2055, Estimate(R1, "5.57.70", 910_50, "anden", requested: 10_50), 2, Clock.Now));
        (await ((IEstimateStore)store).FindEstimate(2055, R2, Id("5.57.70"), None))!.Version.Should().Be(1, "round 2's estimate was not in the second file");
        (await ((IEstimateStore)store).FindEstimate(2055, R1, Id("5.57.71"), None))!.Version.Should().Be(1);

        var history = (await ((IYearStore)store).History(2055, Id("5.57.70"), None)).Where(e => e.Round == R1).ToArray();
        history.Select(e => (e.Version, e.Amount, e.Explanation, e.RecordedAt)).Should().Equal(
            (1L, Ore(900_00), "første", first),
            (2L, Ore(910_50), "anden", Clock.Now));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_later_import_adds_to_the_year_it_finds(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2056, new ImportData
        {
            Accounts = TwoCommittees(),
            Movements = [Movement("5.57.70", MovementKind.OriginalBudget, 500_00, Date(2055, 10, 1))],
            Postings = [Posting("5.57.70", Date(2056, 3, 10), 7_00)],
        });
        await Import(store, 2056, new ImportData
        {
            Movements = [Movement("5.57.70", MovementKind.CarryOver, 25_00, Date(2056, 3, 1))],
            Postings = [Posting("5.57.70", Date(2056, 2, 1), 1_00), Posting("5.57.70", Date(2056, 3, 10), 2_00)],
        });

        var facts = (await ((IFollowUpReader)store).AccountFacts(2056, R1, Date(2056, 3, 31), None)).Single(f => f.Account.Id == Id("5.57.70"));

        facts.Appropriations.Should().Be(AppropriationsByKind.None.With(MovementKind.OriginalBudget, Ore(500_00)).With(MovementKind.CarryOver, Ore(25_00)));
        facts.Consumption.Should().Be(Ore(10_00));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Postings_of_many_accounts_are_summed_per_account_and_day_across_the_import_s_slabs(string provider)
    {
        // 150 accounts (the sums are kept 64 accounts to a block), postings round-robin across them in a leap year,
        // on 1 January and 31 December (each account's first and last day in its block), 10 February and 29 February.
        using var store = Store(provider);
        var accounts = Enumerable.Range(0, 150).Select(i => Account($"5.57.{70 + (i / 100)}.{i % 100:00}", "Udvalg", "Område")).ToArray();
        LocalDate[] days = [Date(2060, 1, 1), Date(2060, 2, 10), Date(2060, 2, 29), Date(2060, 2, 29), Date(2060, 12, 31)];
        var postings = days.SelectMany((day, d) => accounts.Select((a, i) => new Posting(a.Id, day, Ore((i * 1_000) + d + 1)))).ToArray();
        await Import(store, 2060, new ImportData { Accounts = accounts, Postings = postings });

        // Within a month the days are read (posting_day), at a month's end its cumulative total (posting_month).
        async Task<Dictionary<AccountId, Amount>> ConsumptionAsOf(LocalDate asOf) =>
            (await ((IFollowUpReader)store).AccountFacts(2060, R1, asOf, None)).ToDictionary(f => f.Account.Id, f => f.Consumption);
        var byJanuary1 = await ConsumptionAsOf(Date(2060, 1, 1));
        var byFebruary28 = await ConsumptionAsOf(Date(2060, 2, 28));
        var byDecember30 = await ConsumptionAsOf(Date(2060, 12, 30));
        var byYearEnd = await ConsumptionAsOf(Date(2060, 12, 31));
        for (var i = 0; i < accounts.Length; i++)
        {
            // 1 January (+1), 10 February (+2), 29 February twice (+3, +4), 31 December (+5).
            byJanuary1[accounts[i].Id].Should().Be(Ore((i * 1_000) + 1), accounts[i].Id.Value);
            byFebruary28[accounts[i].Id].Should().Be(Ore((2 * i * 1_000) + 3), accounts[i].Id.Value);
            byDecember30[accounts[i].Id].Should().Be(Ore((4 * i * 1_000) + 10), accounts[i].Id.Value);
            byYearEnd[accounts[i].Id].Should().Be(Ore((5 * i * 1_000) + 15), accounts[i].Id.Value);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_second_import_adds_to_every_stored_day_and_month_of_many_accounts(string provider)
    {
        // 400 accounts with postings, half of them from January, half from June: 3.800 stored month rows. The second
        // import brings 50 new accounts and posts on every account on a stored day (5 January for the first half, a
        // month before the first stored one for the second), on a new day of a stored month and on 31 December: 4.800
        // month rows added to or inserted before stored ones — more than PostgreSQL's upsert writes in one statement —
        // and the new accounts' rows beside them.
        using var store = Store(provider);
        var all = Enumerable.Range(0, 450).Select(i => Account($"5.57.{70 + (i / 100)}.{i % 100:00}", "Udvalg", "Område")).ToArray();
        var (old, fresh) = (all[..400], all[400..]);
        Posting[] On(IEnumerable<Account> accounts, LocalDate day, int times) =>
            accounts.Select(a => new Posting(a.Id, day, Ore((Array.IndexOf(all, a) + 1) * times))).ToArray();
        await Import(store, 2061, new ImportData { Accounts = old, Postings = [.. On(old[..200], Date(2061, 1, 5), 1), .. On(old, Date(2061, 6, 10), 10)] });
        await Import(store, 2061, new ImportData { Accounts = fresh, Postings = [.. On(all, Date(2061, 1, 5), 100), .. On(all, Date(2061, 6, 11), 1_000), .. On(all, Date(2061, 12, 31), 10_000)] });

        async Task<Dictionary<AccountId, Amount>> ConsumptionAsOf(LocalDate asOf) =>
            (await ((IFollowUpReader)store).AccountFacts(2061, R1, asOf, None)).ToDictionary(f => f.Account.Id, f => f.Consumption);
        var asOf = new[] { Date(2061, 1, 5), Date(2061, 6, 10), Date(2061, 6, 30), Date(2061, 12, 30), Date(2061, 12, 31) };
        var read = new List<Dictionary<AccountId, Amount>>();
        foreach (var date in asOf)
        {
            read.Add(await ConsumptionAsOf(date));
        }

        for (var i = 0; i < all.Length; i++)
        {
            // Per unit: first import 1 (5 January, first half only) and 10 (10 June, the 400); second 100, 1.000, 10.000.
            var first = i < 200 ? 1 : 0;
            var june10 = i < 400 ? 10 : 0;
            long[] expected = [first + 100, first + 100 + june10, first + 100 + june10 + 1_000, first + 100 + june10 + 1_000, first + 100 + june10 + 11_000];
            read.Select(r => r[all[i].Id].Ore).Should().Equal(expected.Select(e => e * (i + 1)), all[i].Id.Value);
        }
    }
}

using Budget.Application;
using Budget.Domain;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>The appropriation store's contract: single writes of movements and postings, audited, and the year ceiling.</summary>
public sealed class AppropriationContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task Added_movements_are_in_the_facts_and_the_history_with_one_audit_entry(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2071, new ImportData { Accounts = TwoCommittees(), Movements = [Movement("5.57.70", MovementKind.OriginalBudget, 400_00, Date(2070, 10, 1))] });
        Clock.Advance(Duration.FromHours(1));

        await ((IAppropriationStore)store).AddMovements(
            2071,
            [Movement("5.57.70", MovementKind.CouncilDecision, 12_34, Date(2071, 6, 1), "KB 17"), Movement("5.57.71", MovementKind.CouncilDecision, -12_34, Date(2071, 6, 1), "KB 17")],
            Audit(2071, "movements.add", "movements"),
            None);

        var facts = (await ((IFollowUpReader)store).AccountFacts(2071, R1, Date(2071, 6, 1), None)).ToDictionary(f => f.Account.Id.Value);
        facts["5.57.70"].Appropriations.Should().Be(AppropriationsByKind.None.With(MovementKind.OriginalBudget, Ore(400_00)).With(MovementKind.CouncilDecision, Ore(12_34)));
        facts["5.57.71"].Appropriations.Should().Be(AppropriationsByKind.None.With(MovementKind.CouncilDecision, Ore(-12_34)));
        var last = (await ((IYearStore)store).History(2071, Id("5.57.70"), None))[^1];
        last.Should().Be(new AccountHistoryEntry("movement", Date(2071, 6, 1), Clock.Now, MovementKind.CouncilDecision, null, Ore(12_34), "KB 17", "byrådet", null, null, null));
        (await Trail(store, 2071)).Should().Equal(("import", "years/2071"), ("movements.add", "movements"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Added_postings_join_the_imported_ones_in_every_month_after_them_with_one_audit_entry(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2072, new ImportData { Accounts = TwoCommittees(), Postings = [Posting("5.57.70", Date(2072, 3, 10), 5_00)] });

        await ((IAppropriationStore)store).AddPostings(
            2072,
            [Posting("5.57.70", Date(2072, 2, 1), 1_01), Posting("5.57.70", Date(2072, 3, 10), 2_00), Posting("5.57.71", Date(2072, 11, 20), -3_00)],
            Audit(2072, "postings.add", "postings"),
            None);

        async Task<long> Consumed(string account, LocalDate asOf) =>
            (await ((IFollowUpReader)store).AccountFacts(2072, R1, asOf, None)).Single(f => f.Account.Id == Id(account)).Consumption.Ore;
        (await Consumed("5.57.70", Date(2072, 2, 28))).Should().Be(1_01);
        (await Consumed("5.57.70", Date(2072, 3, 9))).Should().Be(1_01);
        (await Consumed("5.57.70", Date(2072, 3, 10))).Should().Be(8_01);
        (await Consumed("5.57.70", Date(2072, 3, 31))).Should().Be(8_01);
        (await Consumed("5.57.70", Date(2072, 12, 31))).Should().Be(8_01);
        (await Consumed("5.57.71", Date(2072, 11, 19))).Should().Be(0);
        (await Consumed("5.57.71", Date(2072, 11, 30))).Should().Be(-3_00);
        (await Trail(store, 2072)).Should().Equal(("import", "years/2072"), ("postings.add", "postings"));
    }

    /// <summary>
    /// The year ceiling measures postings by each day's sum (decisions 0029, 0032): a later write that cancels part of a
    /// stored day makes the day's |sum| smaller, not the measure larger. SQLite keeps each month's measure in its row
    /// and takes it again from the merged days; adding the two measures would say 1.850 øre here.
    /// </summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task A_write_that_cancels_part_of_a_stored_day_lowers_the_years_measure_of_postings(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2077, new ImportData { Accounts = TwoCommittees(), Postings = [Posting("5.57.70", Date(2077, 3, 10), 10_00), Posting("5.57.71", Date(2077, 1, 5), -2_00)] });

        await ((IAppropriationStore)store).AddPostings(
            2077,
            [Posting("5.57.70", Date(2077, 3, 10), -4_00), Posting("5.57.70", Date(2077, 3, 11), 50), Posting("5.57.71", Date(2077, 1, 5), 2_00)],
            Audit(2077, "postings.add", "postings"),
            None);

        await using (var session = await ((IImportStore)store).BeginImport(2077, None))
        {
            session.Magnitudes.Postings.Should().Be(6_00 + 50);
        }

        (await ((IFollowUpReader)store).AccountFacts(2077, R1, Date(2077, 3, 10), None)).Select(f => (f.Account.Id.Value, f.Consumption.Ore))
            .Should().Contain([("5.57.70", 6_00L), ("5.57.71", 0L)]);
    }

    /// <summary>
    /// The store refuses postings on an account their year does not have and keeps none of the write: its own check of
    /// the accounts a postings write touches, now that posting_month has no foreign key either (decision 0027). The
    /// application never sends such a posting; this is the guard behind it.
    /// </summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task Postings_on_an_account_the_year_does_not_have_are_refused_and_none_of_the_write_is_stored(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2075, new ImportData { Accounts = TwoCommittees(), Postings = [Posting("5.57.70", Date(2075, 3, 10), 5_00)] });
        await Import(store, 2076, new ImportData { Accounts = [.. TwoCommittees(), Account("5.57.79", "Ældreudvalget", "Hjemmepleje")] });

        var write = () => ((IAppropriationStore)store).AddPostings(
            2075,
            [Posting("5.57.70", Date(2075, 2, 1), 1_01), Posting("5.57.79", Date(2075, 2, 1), 2_00)],
            Audit(2075, "postings.add", "postings"),
            None);

        (await write.Should().ThrowAsync<UnknownAccountsException>()).Which.Accounts.Should().Equal("5.57.79");
        var facts = await ((IFollowUpReader)store).AccountFacts(2075, R1, Date(2075, 12, 31), None);
        facts.Select(f => (f.Account.Id.Value, f.Consumption.Ore)).Should().BeEquivalentTo([("5.57.70", 5_00L), ("5.57.71", 0L), ("5.57.72", 0L), ("5.68.90", 0L)]);
        (await ((IFollowUpReader)store).AccountFacts(2076, R1, Date(2076, 12, 31), None)).Should().OnlyContain(f => f.Consumption.Ore == 0);
        (await Trail(store, 2075)).Should().Equal(("import", "years/2075"));
    }

    /// <summary>
    /// The ceiling is reached with two movements of 10^18 øre, far above what one input may carry (10^13 øre, contract
    /// §7): the store does not check inputs, the application does, and reaching the ceiling with inputs of the largest
    /// size takes 200.000 movements, an import of about 25 s per provider, too slow for this suite. The second is one
    /// øre short, so the year stands at the ceiling minus one øre: one more øre reaches it exactly and is accepted;
    /// then every write that adds movements, in either sign and by any path, is refused whole.
    /// </summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task The_year_ceiling_accepts_a_write_up_to_it_and_refuses_one_across_it_storing_nothing(string provider)
    {
        const int year = 2073;
        const long half = AmountCeilings.MaxYearMagnitudeOre / 2;
        using var store = Store(provider);
        var accounts = TwoCommittees();
        await Import(store, year, new ImportData
        {
            Accounts = accounts,
            Movements = [Movement("5.57.70", MovementKind.CouncilDecision, half, Date(year, 1, 1)), Movement("5.57.71", MovementKind.TechnicalReallocation, -(half - 1), Date(year, 1, 1))],
        });

        await using (var session = await ((IImportStore)store).BeginImport(year, None))
        {
            session.Magnitudes.Should().Be((AmountCeilings.MaxYearMagnitudeOre - 1, 0L), "the sum of |amount| is exact to the øre");
        }

        IAppropriationStore appropriations = store;
        await appropriations.AddMovements(year, [Movement("5.57.72", MovementKind.CouncilDecision, -1, Date(year, 6, 1))], Audit(year, "movements.add", "movements/at-ceiling"), None);
        var atCeiling = await ((IRoundStore)store).LastMovement(year, None);
        var factsAtCeiling = await ((IFollowUpReader)store).AccountFacts(year, R1, Date(year, 12, 31), None);

        var oneMore = () => appropriations.AddMovements(year, [Movement("5.57.72", MovementKind.CouncilDecision, 1, Date(year, 6, 2))], Audit(year, "movements.add", "movements/over"), None);
        var oneLess = () => appropriations.AddMovements(year, [Movement("5.57.72", MovementKind.CouncilDecision, -1, Date(year, 6, 2))], Audit(year, "movements.add", "movements/over"), None);
        var netZero = () => appropriations.AddMovements(year, [Movement("5.57.72", MovementKind.CouncilDecision, 1, Date(year, 6, 2)), Movement("5.68.90", MovementKind.CouncilDecision, -1, Date(year, 6, 2))], Audit(year, "movements.add", "movements/over"), None);
        await oneMore.Should().ThrowAsync<BudgetRuleException>().WithMessage("*nothing was stored*");
        await oneLess.Should().ThrowAsync<BudgetRuleException>("the ceiling bounds the sum of |amount|");
        await netZero.Should().ThrowAsync<BudgetRuleException>("a batch counts |amount| of each movement, not its net");

        var imported = async () =>
        {
            await using var session = await ((IImportStore)store).BeginImport(year, None);
            await session.AddMovements([Movement("5.57.70", MovementKind.CarryOver, 1, Date(year, 3, 1))], None);
            await session.Commit(Audit(year, "import", "years/over"), None);
        };
        await imported.Should().ThrowAsync<BudgetRuleException>();

        // Postings have a ceiling of their own: a year full of movements still takes postings.
        await appropriations.AddPostings(year, [Posting("5.57.70", Date(year, 5, 5), AmountCeilings.MaxInputOre)], Audit(year, "postings.add", "postings"), None);

        (await ((IRoundStore)store).LastMovement(year, None)).Should().Be(atCeiling);
        (await ((IFollowUpReader)store).AccountFacts(year, R1, Date(year, 12, 31), None)).Select(f => f.Appropriations)
            .Should().Equal(factsAtCeiling.Select(f => f.Appropriations));
        (await Trail(store, year)).Should().Equal(("import", $"years/{year}"), ("movements.add", "movements/at-ceiling"), ("postings.add", "postings"));
    }

    /// <summary>The postings' ceiling, reached with amounts no file could carry (the store takes what the application let through; the ceiling is its own guard).</summary>
    [Theory, MemberData(nameof(Providers))]
    public async Task The_postings_ceiling_refuses_the_posting_across_it_storing_nothing(string provider)
    {
        const int year = 2074;
        using var store = Store(provider);
        const long half = AmountCeilings.MaxYearMagnitudeOre / 2;
        await Import(store, year, new ImportData { Accounts = TwoCommittees(), Postings = [Posting("5.57.70", Date(year, 1, 2), half), Posting("5.57.71", Date(year, 1, 2), -half)] });

        var across = () => ((IAppropriationStore)store).AddPostings(year, [Posting("5.57.72", Date(year, 2, 2), 1)], Audit(year, "postings.add", "postings"), None);

        await across.Should().ThrowAsync<BudgetRuleException>();
        (await ((IFollowUpReader)store).AccountFacts(year, R1, Date(year, 12, 31), None)).Single(f => f.Account.Id == Id("5.57.72")).Consumption.Should().Be(Ore(0));
        (await Trail(store, year)).Should().Equal(("import", $"years/{year}"));
        await ((IAppropriationStore)store).AddMovements(year, [Movement("5.57.72", MovementKind.CouncilDecision, 1, Date(year, 2, 2))], Audit(year, "movements.add", "movements"), None);
    }
}

using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using FluentAssertions;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>
/// A follow-up kept between reports and re-added only where accounts changed (decision 0021) is the follow-up built
/// afresh, for any grouping, after any sequence of changes: some accounts' facts replaced (estimates, movements,
/// consumption, a gross basis appearing or going), the same list handed again, accounts added, removed or moved.
/// </summary>
public class KeptFollowUpsProperties
{
    private static readonly string[] Committees = ["Økonomiudvalget", "Social- og Sundhedsudvalget", "Erhvervs- og Beskæftigelsesudvalget"];
    private static readonly string[] Areas = ["Beskæftigelse", "Ydelser og overførsler", "Erhverv"];
    private static readonly string[] Groups = ["Kontante ydelser", ""];
    private static readonly LocalDate AsOf = new(2014, 3, 31);
    private static readonly RoundNumber Round1 = RoundNumber.Of(1);

    private static readonly Gen<Amount> Amounts = Gen.Choose(-2_000_000, 2_000_000).Select(ore => Amount.FromOre(ore * 100L + ore % 100));

    private static readonly Gen<Account> Accounts = AccountsAmong(40);

    private static Gen<Account> AccountsAmong(int ids) =>
        from id in Gen.Choose(0, ids)
        from committee in Gen.Elements(Committees)
        from area in Gen.Elements(Areas)
        from grouping in Gen.Elements(Groups)
        from block in Gen.Elements(Enum.GetValues<Block>())
        select new Account(AccountId.Parse($"A{id}"), $"Konto {id}", committee, area, grouping, block);

    private static Gen<AccountFacts> FactsOf(Account account) =>
        from original in Amounts
        from council in Amounts
        from consumption in Amounts
        from estimated in Gen.Elements(0, 1, 2)
        from estimate in Amounts
        from outYear in Amounts
        from gross in Amounts
        select new AccountFacts(
            account,
            AppropriationsByKind.None.With(MovementKind.OriginalBudget, original).With(MovementKind.CouncilDecision, council),
            consumption,
            estimated == 0 ? null : new AccountEstimate(Round1, account.Id, estimate, "", OutYearConsequences.From([outYear, Amount.Zero, Amount.Zero, Amount.Zero]),
                Basis: estimated == 2 ? new GrossBasis(gross, [], "test", gross - estimate) : null));

    /// <summary>One step: which positions get new facts (by index), or a list of other accounts.</summary>
    private sealed record Step(int[] Changed, bool OtherAccounts, int Seed);

    private static readonly Gen<(Account[] Accounts, Step[] Steps)> Histories = HistoriesAmong(40);

    private static Gen<(Account[] Accounts, Step[] Steps)> HistoriesAmong(int ids) =>
        from accounts in Gen.NonEmptyListOf(AccountsAmong(ids)).Select(a => a.DistinctBy(x => x.Id).ToArray())
        from steps in Gen.ListOf(
            from changed in Gen.ListOf(Gen.Choose(0, ids))
            from other in Gen.Frequency((1, Gen.Constant(true)), (6, Gen.Constant(false)))
            from seed in Gen.Choose(0, int.MaxValue - 1)
            select new Step([.. changed], other, seed))
        select (accounts, steps.ToArray());

    [Fact]
    public void A_kept_follow_up_after_any_changes_is_the_one_built_afresh() =>
        Prop.ForAll(Histories.ToArbitrary(), history =>
        {
            var kept = new KeptFollowUps();
            var facts = history.Accounts.Select(a => FactsOf(a).Sample(1, 1).Single()).ToArray();
            foreach (var step in history.Steps.Prepend(new Step([], false, 0)))
            {
                if (step.OtherAccounts)
                {
                    var random = new Random(step.Seed);
                    facts = [.. facts.Where(_ => random.Next(4) != 0).Concat(Accounts.Sample(random.Next(0, 3), 1).Select(a => FactsOf(a).Sample(1, 1).Single())).DistinctBy(f => f.Account.Id).OrderBy(_ => random.Next())];
                }
                else if (step.Changed.Length > 0)
                {
                    facts = (AccountFacts[])facts.Clone();
                    foreach (var position in step.Changed.Where(p => p < facts.Length))
                    {
                        facts[position] = FactsOf(facts[position].Account).Sample(1, 1).Single();
                    }
                }

                foreach (var by in Enum.GetValues<FollowUpGrouping>())
                {
                    var incremental = kept.Build(2014, Round1, AsOf, by, facts);
                    var built = FollowUpCalculator.Build(2014, Round1, AsOf, by, facts);
                    if (!incremental.Rows.SequenceEqual(built.Rows) || incremental.Total != built.Total)
                    {
                        return false;
                    }
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    /// <summary>
    /// The same, with the facts handed as the store hands them (decision 0026): a list in chunks, each step's list made
    /// from the last one with the changed accounts replaced, so the kept follow-up compares only the chunks that
    /// differ; with up to 300 accounts, several chunks of 64.
    /// </summary>
    [Fact]
    public void A_kept_follow_up_of_facts_in_shared_chunks_is_the_one_built_afresh() =>
        Prop.ForAll(HistoriesAmong(300).ToArbitrary(), history =>
        {
            var kept = new KeptFollowUps();
            var facts = new ChunkedList<AccountFacts>(history.Accounts.Select(a => FactsOf(a).Sample(1, 1).Single()).ToArray());
            foreach (var step in history.Steps.Prepend(new Step([], false, 0)))
            {
                if (step.OtherAccounts)
                {
                    var random = new Random(step.Seed);
                    facts = new ChunkedList<AccountFacts>([.. facts.Where(_ => random.Next(4) != 0).Concat(AccountsAmong(300).Sample(random.Next(0, 3), 1).Select(a => FactsOf(a).Sample(1, 1).Single())).DistinctBy(f => f.Account.Id).OrderBy(_ => random.Next())]);
                }
                else
                {
                    var current = facts;
                    facts = facts.With(step.Changed.Where(p => p < current.Count).Select(p => (p, FactsOf(current[p].Account).Sample(1, 1).Single())));
                }

                foreach (var by in Enum.GetValues<FollowUpGrouping>())
                {
                    var incremental = kept.Build(2014, Round1, AsOf, by, facts);
                    var built = FollowUpCalculator.Build(2014, Round1, AsOf, by, facts);
                    if (!incremental.Rows.SequenceEqual(built.Rows) || incremental.Total != built.Total)
                    {
                        return false;
                    }
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_same_facts_give_the_same_report_and_a_changed_account_changes_its_row_and_the_total()
    {
        var erhverv = new Account(AccountId.Parse("6.48.67"), "Erhverv", "Erhvervs- og Beskæftigelsesudvalget", "Erhverv");
        var administration = new Account(AccountId.Parse("6.45.51"), "Administration", "Økonomiudvalget", "Administration");
        AccountFacts Facts(Account account, long originalKroner, long? estimateKroner) => new(
            account,
            AppropriationsByKind.None.With(MovementKind.OriginalBudget, Amount.FromOre(originalKroner * 100)),
            Amount.Zero,
            estimateKroner is { } e ? new AccountEstimate(Round1, account.Id, Amount.FromOre(e * 100), "", OutYearConsequences.None) : null);
        var kept = new KeptFollowUps();
        AccountFacts[] first = [Facts(administration, 2_000_000, null), Facts(erhverv, 2_150_000, 1_150_000)];

        var report = kept.Build(2014, Round1, AsOf, FollowUpGrouping.Committee, first);
        kept.Build(2014, Round1, AsOf, FollowUpGrouping.Committee, first).Should().BeSameAs(report);

        AccountFacts[] second = [first[0], Facts(erhverv, 2_150_000, 2_150_000)];
        var after = kept.Build(2014, Round1, AsOf, FollowUpGrouping.Committee, second);
        after.Rows[0].Committee.Should().Be("Erhvervs- og Beskæftigelsesudvalget");
        after.Rows[0].Figures.VarianceToCorrected.Should().Be(Amount.Zero);
        after.Rows[1].Should().BeSameAs(report.Rows[1], "Økonomiudvalget's account did not change");
        after.Total.Estimate.Should().Be(Amount.FromOre(4_150_000_00));
        report.Total.Estimate.Should().Be(Amount.FromOre(3_150_000_00));
    }
}

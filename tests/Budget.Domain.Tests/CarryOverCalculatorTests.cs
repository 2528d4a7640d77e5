using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using Budget.Domain.YearEnd;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>
/// The carry-over arithmetic of domain.md §8 per policy shape, with amounts of the size the 2014 papers print (the
/// corrected budgets of domain.md §5), and the choice of the most specific policy.
/// </summary>
public class CarryOverCalculatorTests
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";

    private static readonly Validity From2014 = new(new LocalDate(2014, 1, 1), null, "test");

    private static Account Account(string id, string area = "Beskæftigelse", Block block = Block.Drift) => new(AccountId.Parse(id), "Konto " + id, Committee, area, null, block);

    private static CarryOverSelector Selector(string kind, string value) =>
        CarryOverSelector.TryParse(kind, value, out var selector, out var error) ? selector : throw new InvalidOperationException(error!.Value.Message);

    private static CarryOverPolicy Automatic(string name, string kind, string value, decimal underspend, decimal overspend, decimal? cap = null, Validity? validity = null) =>
        new(name, Selector(kind, value), CarryOverMode.Automatic, underspend, overspend, cap, validity ?? From2014);

    private static CarryOverPolicy ByDecision(string name, string kind, string value) =>
        new(name, Selector(kind, value), CarryOverMode.ByDecision, null, null, null, From2014);

    private static Amount Kr(decimal kroner) => Amount.Of(kroner);

    private static readonly CarryOverPolicy Band = Automatic("±5 %", "block", "drift", 1m, 1m, 5m);

    [Fact]
    public void An_underspend_inside_the_band_is_carried_in_full()
    {
        // Driftsudgifter beskæftigelsesindsats, corrected 20.164.000; accounts 19.500.000: underspend 664.000 < 5 % (1.008.200).
        var line = CarryOverCalculator.Line(Account("5.68.90"), Kr(20_164_000m), Kr(19_500_000m), Band);

        line.Result.Should().Be(Kr(-664_000m));
        line.Share.Should().Be(1m);
        line.Proposed.Should().Be(Kr(664_000m), "−result × share: the unspent money moves on");
        line.Flag.Should().BeNull();
    }

    [Fact]
    public void An_underspend_beyond_the_band_carries_the_cap_and_is_marked_capped()
    {
        var line = CarryOverCalculator.Line(Account("5.68.90"), Kr(20_164_000m), Kr(18_000_000m), Band);

        line.Result.Should().Be(Kr(-2_164_000m));
        line.Proposed.Should().Be(Kr(1_008_200m), "5 % of 20.164.000");
        line.Flag.Should().Be(CarryOverMarker.Capped);
    }

    [Fact]
    public void An_overspend_inside_the_band_is_carried_as_a_reduction_of_next_year()
    {
        // Beskæftigelsesordninger, corrected 4.786.000; accounts 4.900.000: overspend 114.000 < 5 % (239.300).
        var line = CarryOverCalculator.Line(Account("5.68.98"), Kr(4_786_000m), Kr(4_900_000m), Band);

        line.Result.Should().Be(Kr(114_000m));
        line.Proposed.Should().Be(Kr(-114_000m));
        line.Flag.Should().BeNull();
    }

    [Fact]
    public void An_overspend_beyond_the_band_carries_minus_the_cap()
    {
        // The published variance +2.487.000 on 4.786.000 as the year's result.
        var line = CarryOverCalculator.Line(Account("5.68.98"), Kr(4_786_000m), Kr(7_273_000m), Band);

        line.Proposed.Should().Be(Kr(-239_300m));
        line.Flag.Should().Be(CarryOverMarker.Capped);
    }

    [Fact]
    public void Different_shares_for_under_and_overspend_round_to_the_ore_half_away_from_zero()
    {
        var prudent = Automatic("halvt mindreforbrug, tredjedel merforbrug", "block", "drift", 0.5m, 0.3333m);

        var under = CarryOverCalculator.Line(Account("3.30.46"), Kr(1_537_000m), Kr(1_535_765.43m), prudent);
        var over = CarryOverCalculator.Line(Account("3.30.46"), Kr(1_537_000m), Kr(1_538_000m), prudent);

        under.Result.Should().Be(Kr(-1_234.57m));
        under.Share.Should().Be(0.5m);
        under.Proposed.Should().Be(Kr(617.29m), "1.234,57 × 0,5 = 617,285, half away from zero");
        over.Share.Should().Be(0.3333m);
        over.Proposed.Should().Be(Kr(-333.30m), "1.000 × 0,3333");
        CarryOverCalculator.Line(Account("3.30.46"), Kr(1_537_000m), Kr(1_535_765.43m) - Kr(0.02m), prudent).Proposed
            .Should().Be(Kr(617.30m), "1.234,59 × 0,5 = 617,295 rounds away from zero too");
        var even = CarryOverCalculator.Line(Account("3.30.46"), Kr(1_537_000m), Kr(1_537_000m), prudent);
        (even.Share, even.Proposed).Should().Be((0.5m, Amount.Zero), "a zero result is read with the underspend share (decision 0013) and carries nothing");
    }

    [Fact]
    public void The_cap_is_truncated_to_whole_ore_so_a_capped_amount_never_exceeds_the_cap()
    {
        var tight = Automatic("±2,5 %", "block", "drift", 1m, 1m, 2.5m);

        var line = CarryOverCalculator.Line(Account("5.46.60"), Kr(1_234_567.89m), Kr(1_000_000m), tight);

        line.Proposed.Should().Be(Kr(30_864.19m), "2,5 % of 1.234.567,89 is 30.864,19725: 30.864,20 would be over the cap");
        line.Flag.Should().Be(CarryOverMarker.Capped);
    }

    [Fact]
    public void On_an_income_account_the_cap_is_a_percentage_of_the_budget_in_absolute_value()
    {
        // Income budgeted at −1.000.000; only −900.000 came in: lower income is an overspend of 100.000.
        var line = CarryOverCalculator.Line(Account("6.48.67"), Kr(-1_000_000m), Kr(-900_000m), Band);

        line.Result.Should().Be(Kr(100_000m));
        line.Proposed.Should().Be(Kr(-50_000m));
        line.Flag.Should().Be(CarryOverMarker.Capped);
    }

    [Fact]
    public void A_by_decision_policy_or_no_policy_proposes_nothing_and_marks_the_row()
    {
        var decision = ByDecision("overførsler efter beslutning", "class", "transfer");

        var decided = CarryOverCalculator.Line(Account("5.57.73"), Kr(79_082_600m), Kr(71_517_600m), decision);
        var none = CarryOverCalculator.Line(Account("5.57.73"), Kr(79_082_600m), Kr(71_517_600m), null);

        decided.Result.Should().Be(Kr(-7_565_000m));
        decided.Share.Should().BeNull();
        decided.Proposed.Should().Be(Amount.Zero);
        decided.Flag.Should().Be(CarryOverMarker.ByDecision);
        decided.Policy.Should().BeSameAs(decision);
        none.Policy.Should().BeNull();
        none.Proposed.Should().Be(Amount.Zero);
        none.Flag.Should().Be(CarryOverMarker.ByDecision);
    }

    private static readonly CarryOverPolicies Layered = new(
    [
        Band,
        ByDecision("overførsler", "class", "transfer"),
        ByDecision("beskæftigelse", "chart-prefix", "5.68"),
        Automatic("driftsudgifter beskæftigelse", "chart-prefix", "5.68.90", 0.5m, 0m),
        Automatic("Beskæftigelse fuldt", "activity-area", "Beskæftigelse", 1m, 1m),
        Automatic("anlæg", "block", "anlaeg", 1m, 1m),
    ]);

    private static ExpenditureClass? ClassOf(Account account) => account.Id.Value switch
    {
        var id when id.StartsWith("5.57", StringComparison.Ordinal) || id.StartsWith("5.48", StringComparison.Ordinal) || id == "5.68.91" => ExpenditureClass.Transfer,
        _ => ExpenditureClass.Service,
    };

    [Theory]
    [InlineData("5.68.90", "Beskæftigelse", "driftsudgifter beskæftigelse", "the longest chart prefix beats the shorter one, the area, the class and the block")]
    [InlineData("5.68.91", "Beskæftigelse", "beskæftigelse", "a chart prefix beats the activity area")]
    [InlineData("5.57.73", "Beskæftigelse", "Beskæftigelse fuldt", "the activity area beats the class")]
    [InlineData("5.48.68", "Ydelser og overførsler", "overførsler", "the class beats the block")]
    [InlineData("6.48.67", "Erhverv", "±5 %", "the block when nothing narrower matches")]
    public void The_most_specific_selector_wins(string account, string area, string policy, string because)
    {
        var chosen = Layered.For(Account(account, area), ClassOf(Account(account, area)), new LocalDate(2014, 12, 31));

        chosen!.Name.Should().Be(policy, because);
    }

    [Fact]
    public void A_policy_applies_to_the_years_whose_last_day_it_covers()
    {
        var ended = new CarryOverPolicies([Automatic("til og med 30.12.2014", "block", "drift", 1m, 1m, validity: new Validity(new LocalDate(2014, 1, 1), new LocalDate(2014, 12, 30), "test"))]);

        ended.For(Account("5.46.60"), ExpenditureClass.Service, CarryOverPolicies.InForceFor(2014)).Should().BeNull();
        ended.For(Account("5.46.60"), ExpenditureClass.Service, CarryOverPolicies.InForceFor(2013)).Should().BeNull("it did not yet exist on 31.12.2013");
        ended.For(Account("5.46.60"), ExpenditureClass.Service, new LocalDate(2014, 12, 30))!.Name.Should().Be("til og med 30.12.2014");
    }

    [Fact]
    public void Rows_per_area_and_committee_sum_the_accounts_and_show_a_policy_only_when_all_share_it()
    {
        var facts = new[]
        {
            Facts(Account("5.68.90"), 20_164_000m, 19_500_000m),
            Facts(Account("5.68.98"), 4_786_000m, 7_273_000m),
            Facts(Account("5.57.73"), 79_082_600m, 71_517_600m),
            Facts(Account("6.48.67", "Erhverv"), 2_150_000m, 2_100_000m),
        };
        var policies = new CarryOverPolicies([Band, ByDecision("overførsler", "class", "transfer")]);

        var byAccount = CarryOverCalculator.Build(2014, new LocalDate(2015, 2, 27), FollowUpGrouping.Account, facts, policies, ClassOf);
        var byArea = CarryOverCalculator.Build(2014, new LocalDate(2015, 2, 27), FollowUpGrouping.ActivityArea, facts, policies, ClassOf);
        var byCommittee = CarryOverCalculator.Build(2014, new LocalDate(2015, 2, 27), FollowUpGrouping.Committee, facts, policies, ClassOf);

        byAccount.Rows.Select(r => (r.Account!.Id.Value, r.Proposed.Kroner, r.Flag)).Should().Equal(
            ("5.57.73", 0m, CarryOverMarker.ByDecision), ("5.68.90", 664_000m, null), ("5.68.98", -239_300m, CarryOverMarker.Capped), ("6.48.67", 50_000m, null));
        var beskaeftigelse = byArea.Rows[0];
        (beskaeftigelse.ActivityArea, beskaeftigelse.CorrectedBudget.Kroner, beskaeftigelse.Accounts.Kroner, beskaeftigelse.Result.Kroner, beskaeftigelse.Proposed.Kroner)
            .Should().Be(("Beskæftigelse", 104_032_600m, 98_290_600m, -5_742_000m, 424_700m));
        beskaeftigelse.Policy.Should().BeNull("two policies apply in the area");
        beskaeftigelse.Flag.Should().Be(CarryOverMarker.ByDecision, "one of its accounts awaits a decision");
        byArea.Rows[1].Policy.Should().Be("±5 %");
        byArea.Rows[1].Share.Should().Be(1m);
        byArea.Rows[1].CapPercent.Should().Be(5m);
        byCommittee.Rows.Should().ContainSingle().Which.Proposed.Should().Be(Kr(474_700m));
        foreach (var report in new[] { byAccount, byArea, byCommittee })
        {
            report.Total.Should().Be(new CarryOverRow(null, null, null, Kr(106_182_600m), Kr(100_390_600m), null, null, null, Kr(474_700m), null));
        }
    }

    private static AccountFacts Facts(Account account, decimal corrected, decimal accounts) =>
        new(account, AppropriationsByKind.None.With(MovementKind.OriginalBudget, Kr(corrected)), Kr(accounts), null);

    [Fact]
    public void A_time_shift_has_the_sign_of_the_variance_and_at_most_its_size()
    {
        TimeShifts.Problem(Kr(-2_000_000m), Kr(-5_025_000m)).Should().BeNull();
        TimeShifts.Problem(Kr(-5_025_000m), Kr(-5_025_000m)).Should().BeNull("the whole variance may move");
        TimeShifts.Problem(Amount.Zero, Kr(3_402_000m)).Should().BeNull();
        TimeShifts.Problem(Kr(1_000m), Kr(-5_025_000m)).Should().Be("a time shift has the sign of the variance (-5025000.00 kr.): 1000.00 kr. moves money the other way");
        TimeShifts.Problem(Kr(1_000m), Amount.Zero).Should().NotBeNull("there is nothing to shift");
        TimeShifts.Problem(Kr(-5_025_000.01m), Kr(-5_025_000m)).Should().Be("a time shift is at most the size of the variance (-5025000.00 kr.): -5025000.01 kr. is more");
    }

    private static readonly Gen<(long Corrected, long Accounts, decimal Under, decimal Over, decimal? Cap)> Cases =
        from corrected in Gen.Choose(-2_000_000_000, 2_000_000_000).Select(x => (long)x * 1_000)
        from accounts in Gen.Choose(-2_000_000_000, 2_000_000_000).Select(x => (long)x * 1_000)
        from under in Gen.Choose(0, 10_000)
        from over in Gen.Choose(0, 10_000)
        from cap in Gen.Elements<decimal?>(null, 0m, 2.5m, 5m, 12.34m, 100m)
        select (corrected, accounts, under / 10_000m, over / 10_000m, cap);

    [Fact]
    public void A_proposal_moves_against_the_result_never_more_than_the_share_of_it_nor_past_the_cap()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var policy = Automatic("p", "block", "drift", c.Under, c.Over, c.Cap);
            var line = CarryOverCalculator.Line(Account("5.46.60"), Amount.FromOre(c.Corrected), Amount.FromOre(c.Accounts), policy);
            var result = (decimal)(c.Accounts - c.Corrected);
            var share = result > 0 ? c.Over : c.Under;
            var exact = -result * share;
            var limit = c.Cap is { } cap ? decimal.Truncate(Math.Abs((decimal)c.Corrected) * cap / 100m) : decimal.MaxValue;
            var proposed = (decimal)line.Proposed.Ore;
            return Math.Sign(proposed) * Math.Sign(result) <= 0
                && Math.Abs(proposed) <= Math.Ceiling(Math.Abs(exact))
                && Math.Abs(proposed) <= limit
                && (line.Flag == CarryOverMarker.Capped) == (Math.Abs(decimal.Round(exact, 0, MidpointRounding.AwayFromZero)) > limit)
                && (line.Flag == CarryOverMarker.Capped ? Math.Abs(proposed) == limit : proposed == decimal.Round(exact, 0, MidpointRounding.AwayFromZero));
        }).QuickCheckThrowOnFailure();
    }
}

using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>The arithmetic of cases (domain.md §9): phasing by whole months, the financing split to the øre, kept totals, frames, price levels.</summary>
public class CaseArithmeticTests
{
    private static Amount Kr(decimal kroner) => Amount.Of(kroner);

    private static long[] Ore(CaseAmounts amounts) => amounts.ToList().Select(a => a.Ore).ToArray();

    [Fact]
    public void A_measure_from_the_first_of_a_month_counts_that_month_and_one_from_mid_month_does_not()
    {
        // 1.200.000 kr. a year from 1 July 2015 in a case of 2014: nothing in 2014, six months in 2015, then whole years.
        Ore(Phasing.Amounts(Kr(1_200_000m), new LocalDate(2015, 7, 1), null, 2014)).Should().Equal(0, 600_000_00, 1_200_000_00, 1_200_000_00);
        // From 15 July 2015: July is not covered from its first day, so August–December, five months.
        Ore(Phasing.Amounts(Kr(1_200_000m), new LocalDate(2015, 7, 15), null, 2014)).Should().Equal(0, 500_000_00, 1_200_000_00, 1_200_000_00);
        // From 1 January of the budget year: four whole years.
        Ore(Phasing.Amounts(Kr(1_200_000m), new LocalDate(2014, 1, 1), null, 2014)).Should().Equal(1_200_000_00, 1_200_000_00, 1_200_000_00, 1_200_000_00);
    }

    [Fact]
    public void A_measure_ends_with_the_last_month_it_covers_whole()
    {
        // 1 March 2014 through 30 June 2016: 10 months, 12 months, 6 months, 0.
        Ore(Phasing.Amounts(Kr(-240_000m), new LocalDate(2014, 3, 1), new LocalDate(2016, 6, 30), 2014)).Should().Equal(-200_000_00, -240_000_00, -120_000_00, 0);
        // To 15 June 2016: June is not covered whole, so five months in 2016.
        Ore(Phasing.Amounts(Kr(-240_000m), new LocalDate(2014, 3, 1), new LocalDate(2016, 6, 15), 2014)).Should().Equal(-200_000_00, -240_000_00, -100_000_00, 0);
        Phasing.MonthsCovered(2014, new LocalDate(2014, 2, 28), new LocalDate(2014, 2, 28)).Should().Be(0);
        Phasing.MonthsCovered(2014, new LocalDate(2014, 2, 1), new LocalDate(2014, 2, 28)).Should().Be(1, "February 2014 has 28 days");
    }

    [Fact]
    public void A_part_year_is_rounded_to_the_ore_half_away_from_zero()
    {
        // 100.000,01 × 5 / 12 = 41.666,670833… → 41.666,67; −100.000,01 × 7 / 12 = −58.333,339166… → −58.333,34.
        Phasing.OfYear(Kr(100_000.01m), 5).Should().Be(Kr(41_666.67m));
        Phasing.OfYear(Kr(-100_000.01m), 7).Should().Be(Kr(-58_333.34m));
        // 0,06 × 1 / 12 = 0,005 exactly: half an øre goes away from zero.
        Phasing.OfYear(Kr(0.06m), 1).Should().Be(Kr(0.01m));
        Phasing.OfYear(Kr(-0.06m), 1).Should().Be(Kr(-0.01m));
    }

    [Fact]
    public void Three_shares_of_three_ore_give_one_ore_each_by_largest_remainder()
    {
        // Lines of 0,03 kr.; shares ¼, ¼, ½: exact −0,0075, −0,0075, −0,015 kr. Floors 0, 0, 1 øre; the two øre still
        // missing go to the largest remainders (¾, ¾; the earlier first): −1, −1, −1 øre.
        var split = CaseFinancing.Split(new CaseAmounts(Amount.FromOre(3), Amount.FromOre(-3), Amount.FromOre(0), Amount.FromOre(1)), [0.25m, 0.25m, 0.5m]);

        split.Select(s => s.BudgetYear.Ore).Should().Equal(-1, -1, -1);
        split.Select(s => s.OutYear1.Ore).Should().Equal(1, 1, 1);
        split.Select(s => s.OutYear2.Ore).Should().Equal(0, 0, 0);
        // One øre, exact ¼, ¼, ½: floors 0, 0, 0; the one øre to the largest remainder, the half.
        split.Select(s => s.OutYear3.Ore).Should().Equal(0, 0, -1);
    }

    [Fact]
    public void Thirds_of_an_odd_amount_give_the_last_ore_to_the_largest_remainder_and_ties_to_the_earlier_row()
    {
        // 1.000,00 kr. over 0,3333333333 / 0,3333333333 / 0,3333333334: exact −333,33333333, −333,33333333, −333,33333334 kr.;
        // floors 33.333 øre each (99.999), the last øre to the third row, whose remainder is largest.
        var thirds = CaseFinancing.Split(new CaseAmounts(Kr(1_000m), Kr(1_000.01m), Kr(0.02m), Kr(0m)), [0.3333333333m, 0.3333333333m, 0.3333333334m]);

        thirds.Select(s => s.BudgetYear.Ore).Should().Equal(-33_333, -33_333, -33_334);
        // 1.000,01 kr.: exact −33.333,6666…, −33.333,6666…, −33.333,6667… øre; floors 33.333 (99.999); two øre missing go to
        // the third (remainder 0,6667…) and then the first (0,6666…, tied with the second: the earlier row).
        thirds.Select(s => s.OutYear1.Ore).Should().Equal(-33_334, -33_333, -33_334);
        // 0,02 kr.: exact 0,6666…, 0,6666…, 0,6666…7 øre; floors 0; two øre to the third, then the first.
        thirds.Select(s => s.OutYear2.Ore).Should().Equal(-1, 0, -1);
        foreach (var year in Enumerable.Range(0, CaseAmounts.Count))
        {
            thirds.Sum(s => s[year].Ore).Should().Be(-new[] { 100_000L, 100_001L, 2L, 0L }[year], "the financing is exactly minus the lines");
        }
    }

    [Fact]
    public void A_financing_split_refuses_shares_that_do_not_add_up_to_one()
    {
        var split = () => CaseFinancing.Split(new CaseAmounts(Kr(1m), Kr(1m), Kr(1m), Kr(1m)), [0.5m, 0.4m]);

        split.Should().Throw<BudgetRuleException>().WithMessage("*add up to exactly 1*");
    }

    [Fact]
    public void Kept_totals_at_every_level_print_subtotals_one_and_one_under_a_total_of_two()
    {
        // Rows 0,6 / 0,6 under one subtotal and 0,4 / 0,4 under another (thousands).
        var tree = TotalTree.Sum(
        [
            TotalTree.Sum([TotalTree.Leaf(Kr(600m)), TotalTree.Leaf(Kr(600m))]),
            TotalTree.Sum([TotalTree.Leaf(Kr(400m)), TotalTree.Leaf(Kr(400m))]),
        ]);

        var rounded = ThousandsRounding.KeepingTotals(tree);

        rounded.Value.Should().Be(2);
        rounded.Parts.Select(p => p.Value).Should().Equal(1, 1);
        rounded.Parts[0].Parts.Select(p => p.Value).Should().Equal(1, 0);
        rounded.Parts[1].Parts.Select(p => p.Value).Should().Equal(1, 0);
        // The rows alone by largest remainder against the total (the old keepTotals) print 1, 1 | 0, 0: subtotals 2 and 0.
        ThousandsRounding.KeepingTotal([Kr(600m), Kr(600m), Kr(400m), Kr(400m)]).Rows.Should().Equal(1, 1, 0, 0);
    }

    [Fact]
    public void A_cash_neutral_case_prints_zero_with_kept_totals_where_rows_rounded_alone_print_one()
    {
        // Lines 600 + 600 kr., financing −1.200 kr.: rounded alone 1 + 1 − 1 = 1 under a total of 0.
        var tree = TotalTree.Sum(
        [
            TotalTree.Sum([TotalTree.Leaf(Kr(600m)), TotalTree.Leaf(Kr(600m))]),
            TotalTree.Sum([TotalTree.Leaf(Kr(-1_200m))]),
        ]);

        var rounded = ThousandsRounding.KeepingTotals(tree);

        rounded.Value.Should().Be(0);
        rounded.Parts.Select(p => p.Value).Should().Equal(1, -1);
        rounded.Parts[0].Parts.Select(p => p.Value).Should().Equal(1, 0);
        ThousandsRounding.Independently([Kr(600m), Kr(600m), Kr(-1_200m)]).Rows.Sum().Should().Be(1);
    }

    [Fact]
    public void A_frame_is_shared_in_whole_kroner_floor_then_largest_remainder_with_the_fixed_amounts_after()
    {
        // 1.000 kr. over weights 1, 1, 1: 333 each and the last krone to the earliest of the tied remainders.
        // 2021: −100 kr. over 1, 1, 1: −33 each, then −1 to the first. A fixed 50 kr. on the second area in 2020.
        var result = FrameAllocation.Allocate(
            new Dictionary<int, Amount> { [2020] = Kr(1_000m), [2021] = Kr(-100m) },
            [new("Økonomiudvalget", "Administration", 1m), new("Social- og Sundhedsudvalget", "Ældre", 1m), new("Social- og Sundhedsudvalget", "Handicap", 1m)],
            [new FrameFixed("Social- og Sundhedsudvalget", "Ældre", new Dictionary<int, Amount> { [2020] = Kr(50m) })]);

        result.Rows.Select(r => r.Amounts[2020].Kroner).Should().Equal(334m, 383m, 333m);
        result.Rows.Select(r => r.Amounts[2021].Kroner).Should().Equal(-34m, -33m, -33m);
        result.Committees.Select(c => (c.Committee, c.Amounts[2020].Kroner)).Should().Equal(("Økonomiudvalget", 334m), ("Social- og Sundhedsudvalget", 716m));
        result.Total[2020].Should().Be(Kr(1_050m));
        result.Total[2021].Should().Be(Kr(-100m));
    }

    [Fact]
    public void A_frame_follows_the_published_example_of_a_one_percent_efficiency_frame()
    {
        // 26.349.341 kr. over weights 40 %, 35 %, 25 %: 10.539.736,4 / 9.222.269,35 / 6.587.335,25 → floors 10.539.736,
        // 9.222.269, 6.587.335 (26.349.340); the last krone to the largest remainder, 0,4.
        var result = FrameAllocation.Allocate(new Dictionary<int, Amount> { [2020] = Kr(26_349_341m) },
            [new("A", "a", 40m), new("A", "b", 35m), new("B", "c", 25m)], []);

        result.Rows.Select(r => r.Amounts[2020].Kroner).Should().Equal(10_539_737m, 9_222_269m, 6_587_335m);
    }

    [Fact]
    public void A_savings_catalogue_sums_per_class_and_net()
    {
        var totals = CatalogueTotals.Of(
        [
            (new CaseAmounts(Kr(-100m), Kr(-200m), Kr(-200m), Kr(-200m)), CaseClass.Transfer),
            (new CaseAmounts(Kr(60m), Kr(120m), Kr(120m), Kr(120m)), CaseClass.Service),
            (new CaseAmounts(Kr(-5m), Kr(-10m), Kr(-10m), Kr(-10m)), CaseClass.Income),
            (new CaseAmounts(Kr(30m), Kr(0m), Kr(0m), Kr(0m)), CaseClass.OneOff),
            (new CaseAmounts(Kr(1m), Kr(1m), Kr(1m), Kr(1m)), CaseClass.Service),
        ]);

        Ore(totals.Service).Should().Equal(61_00, 121_00, 121_00, 121_00);
        Ore(totals.Transfer).Should().Equal(-100_00, -200_00, -200_00, -200_00);
        Ore(totals.Net).Should().Equal(-14_00, -89_00, -89_00, -89_00);
        totals.Unclassified.IsZero.Should().BeTrue();
    }

    [Fact]
    public void Approval_grants_the_budget_year_of_every_row_as_council_decisions()
    {
        var value = new AppropriationCase(2014, "BS-1", "Flere jobkonsulenter", true, true, null, 2014,
        [
            new CaseRow(CaseRowKind.Line, AccountId.Parse("5.68.90"), new CaseAmounts(Kr(500m), Kr(1_000m), Kr(1_000m), Kr(1_000m))),
            new CaseRow(CaseRowKind.Line, AccountId.Parse("5.57.73"), new CaseAmounts(Kr(0m), Kr(-400m), Kr(-400m), Kr(-400m))),
            new CaseRow(CaseRowKind.Financing, AccountId.Parse("6.48.67"), new CaseAmounts(Kr(-500m), Kr(-600m), Kr(-600m), Kr(-600m))) { Share = 1m },
        ]);

        var movements = value.Movements(new LocalDate(2014, 5, 26), "Kommunalbestyrelsen");

        movements.Select(m => (m.Account.Value, m.Kind, m.Amount.Kroner)).Should().Equal(("5.68.90", MovementKind.CouncilDecision, 500m), ("6.48.67", MovementKind.CouncilDecision, -500m));
        movements.Should().OnlyContain(m => m.Reference == "BS-1: Flere jobkonsulenter" && m.DecidedOn == new LocalDate(2014, 5, 26));
        value.Total.IsZero.Should().BeTrue();
    }

    [Fact]
    public void A_price_level_moves_by_the_ratio_of_the_indices_rounded_to_the_ore()
    {
        var index = new PriceIndex(
        [
            new(2014, PriceIndexKind.Service, 103.2m, "test"), new(2015, PriceIndexKind.Service, 104.9m, "test"),
            new(2014, PriceIndexKind.Transfer, 102.4m, "test"), new(2015, PriceIndexKind.Transfer, 103.6m, "test"),
        ]);

        // 1.000.000 × 104,9 / 103,2 = 1.016.472,868… → 1.016.472,87; × 103,6 / 102,4 = 1.011.718,75 exactly.
        index.Convert(Kr(1_000_000m), 2014, 2015, PriceIndexKind.Service).Should().Be(Kr(1_016_472.87m));
        index.Convert(Kr(1_000_000m), 2014, 2015, PriceIndexKind.Transfer).Should().Be(Kr(1_011_718.75m));
        index.Convert(Kr(-1_000_000m), 2015, 2014, PriceIndexKind.Service).Should().Be(Kr(-983_794.09m));
        index.Problem(2014, 2016, [PriceIndexKind.Service]).Should().Contain("service 2016");
        index.Problem(2016, 2016, [PriceIndexKind.Service]).Should().BeNull();
    }
}

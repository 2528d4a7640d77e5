using Budget.Domain;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Domain.Tests;

public sealed class RateScheduleTests
{
    private static WeekBand Band(int from, int? to, decimal rate) => new(from, to, RefusionRate.Of(rate));

    private static readonly RateSchedule Staircase2016 = RateSchedule.FromBands([Band(1, 4, 80), Band(5, 26, 40), Band(27, 52, 30), Band(53, null, 20)]);

    [Theory]
    [InlineData(1, 80)]
    [InlineData(4, 80)]
    [InlineData(5, 40)]
    [InlineData(26, 40)]
    [InlineData(27, 30)]
    [InlineData(52, 30)]
    [InlineData(53, 20)]
    [InlineData(520, 20)]
    public void The_2016_staircase_changes_rate_exactly_at_its_band_boundaries(int week, decimal percent)
    {
        Staircase2016.Should().BeOfType<Staircase>();
        Staircase2016.RateAt(week).Percent.Should().Be(percent);
    }

    [Fact]
    public void One_open_band_is_a_flat_rate_and_a_last_band_that_ends_cuts_the_refusion_off()
    {
        var flat = RateSchedule.FromBands([Band(1, null, 65)]);
        var ledighedsydelse = RateSchedule.FromBands([Band(1, 78, 30)]);

        flat.Should().Be(new FlatRate(RefusionRate.Of(65)));
        ledighedsydelse.Should().BeOfType<CutOffAfter>().Which.LastWeek.Should().Be(78);
        ledighedsydelse.RateAt(78).Percent.Should().Be(30);
        ledighedsydelse.RateAt(79).Percent.Should().Be(0);
        ledighedsydelse.Bands.Should().Equal(Band(1, 78, 30), Band(79, null, 0));
    }

    [Theory]
    [InlineData(2, "The bands start at week 2, not week 1.")]
    [InlineData(6, "weeks 5–5 are not covered between weeks 1–4 and weeks 6+.")]
    [InlineData(4, "weeks 1–4 and weeks 4+ overlap.")]
    public void Bands_must_start_at_week_1_without_gap_or_overlap(int secondFrom, string message)
    {
        var bands = secondFrom == 2 ? new[] { Band(2, null, 10) } : [Band(1, 4, 80), Band(secondFrom, null, 40)];

        var build = () => RateSchedule.FromBands(bands);

        build.Should().Throw<BudgetRuleException>().WithMessage(message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.01)]
    [InlineData(33.333)]
    public void A_rate_is_0_to_100_percent_with_at_most_two_decimals(decimal percent)
    {
        var rate = () => RefusionRate.Of(percent);

        rate.Should().Throw<BudgetRuleException>();
    }

    [Fact]
    public void Co_financing_rates_are_turned_into_the_states_share()
    {
        var dagpenge = new RefusionRule("2016", "dagpenge", null, RateMeasure.CoFinancing,
            RateSchedule.FromBands([Band(1, 4, 20), Band(5, 26, 60), Band(27, 52, 70), Band(53, null, 80)]),
            new Validity(new LocalDate(2016, 1, 4), null, "test"));

        new[] { 1, 5, 27, 53 }.Select(w => dagpenge.RefusionAt(w).Percent).Should().Equal(80m, 40m, 30m, 20m);
    }

    [Fact]
    public void Each_weeks_refusion_is_rounded_to_ore_and_the_totals_are_the_sums_of_the_weeks()
    {
        var rule = new RefusionRule("pre2016", "fleksloentilskud", null, RateMeasure.Refusion, RateSchedule.FromBands([Band(1, null, 65)]), new Validity(new LocalDate(2014, 1, 1), null, "test"));

        var result = RefusionCases.Calculate("x", rule, 1, [Amount.Of(3_557.69m), Amount.Of(0.01m), Amount.Of(-100m)]);

        result.Weeks.Select(w => w.Refusion.Kroner).Should().Equal(2_312.50m, 0.01m, -65m);
        result.Totals.Refusion.Kroner.Should().Be(2_247.51m);
        result.Totals.Gross.Kroner.Should().Be(3_457.70m);
        result.Totals.Net.Kroner.Should().Be(1_210.19m);
    }

    [Theory]
    [InlineData(2014, "2013-12-30", 52)]
    [InlineData(2015, "2014-12-29", 53)]
    [InlineData(2016, "2016-01-04", 52)]
    [InlineData(2021, "2021-01-04", 52)]
    public void A_budget_years_weeks_are_its_ISO_weeks_and_each_is_governed_by_its_Thursday(int year, string firstMonday, int weeks)
    {
        var mondays = RuleWeeks.MondaysOf(year);

        mondays.Should().HaveCount(weeks);
        mondays[0].ToString("yyyy-MM-dd", null).Should().Be(firstMonday);
        mondays.Should().AllSatisfy(m => m.DayOfWeek.Should().Be(IsoDayOfWeek.Monday));
        RuleWeeks.GoverningDate(mondays[0]).Year.Should().Be(year);
        RuleWeeks.GoverningDate(mondays[^1]).Year.Should().Be(year);
    }

    [Fact]
    public void Weeks_in_a_job_do_not_count_and_enough_of_them_in_a_row_start_the_count_again()
    {
        var rule = new RefusionRule("pre2016", "ledighedsydelse", null, RateMeasure.Refusion, RateSchedule.FromBands([Band(1, 2, 30)]), new Validity(new LocalDate(2014, 1, 1), null, "test"), ResetAfterWeeksInJob: 3);
        var pay = Amount.Of(100m);
        Amount[] weeks = [pay, pay, Amount.Zero, Amount.Zero, pay, Amount.Zero, Amount.Zero, Amount.Zero, pay];

        var result = RefusionCases.Calculate("x", _ => rule, 1, weeks, new HashSet<int> { 3, 4, 6, 7, 8 });

        result.Weeks.Select(w => (w.Anciennity, w.Rate.Percent, w.InJob)).Should().Equal(
            (1, 30m, false), (2, 30m, false), (2, 0m, true), (2, 0m, true), (3, 0m, false), (3, 0m, true), (3, 0m, true), (3, 0m, true), (1, 30m, false));
        result.Totals.Refusion.Kroner.Should().Be(90m);
        ((Action)(() => RefusionCases.Calculate("x", _ => rule, 1, [pay, pay], new HashSet<int> { 2 }))).Should().Throw<BudgetRuleException>();
    }

    [Fact]
    public void Refusion_never_exceeds_the_gross_amount_and_net_plus_refusion_is_gross()
    {
        var amounts = ArbMap.Default.GeneratorFor<int>().Select(i => Amount.FromOre(Math.Abs((long)i) * 37)).ArrayOf();
        var starts = Gen.Choose(1, 200);

        Prop.ForAll(Arb.From(Gen.Zip(amounts, starts)), input =>
        {
            var (weekly, start) = input;
            var rule = new RefusionRule("2016", "kontanthjaelp", null, RateMeasure.Refusion, Staircase2016, new Validity(new LocalDate(2016, 1, 4), null, "test"));
            var result = RefusionCases.Calculate("p", rule, start, weekly);
            return result.Weeks.All(w => w.Refusion <= w.Amount && w.Refusion.Ore >= 0)
                && result.Totals.Net + result.Totals.Refusion == result.Totals.Gross
                && result.Weeks.Select(w => w.Anciennity).SequenceEqual(Enumerable.Range(start, weekly.Length));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(100, 1_500_000, 1_075_700, 537_850)]
    [InlineData(100, 800_000, 800_000, 400_000)]
    [InlineData(12.5, 200_000, 134_462.50, 67_231.25)]
    public void The_operating_cap_binds_only_when_costs_exceed_persons_times_the_cap(decimal persons, decimal costs, decimal refundable, decimal refusion)
    {
        var cap = new OperatingCap("driftsloft-2014", 2014, "kontanthjaelp-dagpenge", Amount.Of(10_757m), RefusionRate.Of(50), true, "domain.md §6");

        var result = OperatingCaps.Calculate(cap, persons, Amount.Of(costs));

        result.RefundableCosts.Kroner.Should().Be(refundable);
        result.Refusion.Kroner.Should().Be(refusion);
    }

    [Theory]
    [InlineData(800_000, 0)]
    [InlineData(1_630_000, 200_000)]
    [InlineData(2_050_000, 410_000)]
    [InlineData(2_500_000, 747_500)]
    public void The_central_scheme_refunds_marginal_rates_above_each_threshold(decimal costs, decimal refusion)
    {
        var scheme = new ThresholdScheme("serviceloven-176", 2021, [new(Amount.Of(830_000m), RefusionRate.Of(25)), new(Amount.Of(1_630_000m), RefusionRate.Of(50)), new(Amount.Of(2_050_000m), RefusionRate.Of(75))], "domain.md §6");

        scheme.RefusionOf(Amount.Of(costs)).Kroner.Should().Be(refusion);
    }
}

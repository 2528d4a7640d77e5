using Budget.Domain.Accounts;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>What-if on refusion with rules written out here (the API tests use the rule data itself).</summary>
public class RefusionWhatIfTests
{
    private static readonly Validity Always = new(new LocalDate(2016, 1, 4), null, "test");

    private static readonly RefusionRule Staircase = new("2016", "kontanthjaelp", null, RateMeasure.Refusion, RateSchedule.FromBands(
        [new WeekBand(1, 4, RefusionRate.Of(80)), new WeekBand(5, 26, RefusionRate.Of(40)), new WeekBand(27, 52, RefusionRate.Of(30)), new WeekBand(53, null, RefusionRate.Of(20))]), Always);

    private static readonly RefusionRule CoFinanced = new("2016", "dagpenge", null, RateMeasure.CoFinancing, RateSchedule.FromBands(
        [new WeekBand(1, 4, RefusionRate.Of(20)), new WeekBand(5, 26, RefusionRate.Of(60)), new WeekBand(27, 52, RefusionRate.Of(70)), new WeekBand(53, null, RefusionRate.Of(80))]), Always);

    private static readonly RefusionRule StopsAfter78Weeks = new("pre2016", "ledighedsydelse", Activity.Passive, RateMeasure.Refusion, RateSchedule.FromBands([new WeekBand(1, 78, RefusionRate.Of(30))]), Always);

    [Fact]
    public void A_benefit_line_crossing_the_staircase_steps_gets_each_weeks_rate()
    {
        // Anciennity 20 in the first week: weeks 20–26 at 40 % (7), 27–52 at 30 % (26), 53–71 at 20 % (19):
        // Σ = 280 + 780 + 380 = 1.440 rate-weeks over 52. Gross 10 × 10.000 × 12 = 1.200.000;
        // refusion 1.200.000 × 1.440 / 5.200 = 332.307,6923… → 332.307,69.
        var line = RefusionWhatIf.Line(new WhatIfLine(ExpenditureClass.Transfer, 10m, Amount.Of(10_000m), Staircase, 20));

        line.Gross.Should().Be(Amount.Of(1_200_000m));
        line.Refusion.Should().Be(Amount.Of(332_307.69m));
        line.AverageRatePercent.Should().Be(1_440m / 52m);
    }

    [Fact]
    public void Refusion_is_rounded_once_per_line_from_the_unrounded_gross()
    {
        // 0,3333 persons × 1.000,67 kr. × 12 = 4.002,279732 → gross 4.002,28; weeks 1–4 at 80 %, 5–26 at 40 %, 27–52 at
        // 30 %: 4.002,279732 × 1.980 / 5.200 = 1.523,9450… → 1.523,94. Rounding the gross first would give
        // 4.002,28 × 1.980 / 5.200 = 1.523,9451… → 1.523,95: nothing is rounded before the line's refusion.
        var line = RefusionWhatIf.Line(new WhatIfLine(ExpenditureClass.Transfer, 0.3333m, Amount.Of(1_000.67m), Staircase, 1));

        line.Gross.Should().Be(Amount.Of(4_002.28m));
        line.Refusion.Should().Be(Amount.Of(1_523.94m));
    }

    [Fact]
    public void Co_financing_rates_are_turned_into_refusion()
    {
        // Dagpenge from 2016: the municipality pays 20 / 60 / 70 / 80 %, the state the rest: weeks 1–4 80 %, 5–26 40 %, 27–52 30 %.
        var line = RefusionWhatIf.Line(new WhatIfLine(ExpenditureClass.Transfer, 1m, Amount.Of(5_200m), CoFinanced, 1));

        line.Refusion.Should().Be(Amount.Of(23_760m), "62.400 × (4 × 80 + 22 × 40 + 26 × 30) / 5.200");
    }

    [Fact]
    public void Ledighedsydelse_refusion_stops_after_78_weeks_within_the_year()
    {
        // Anciennity 60: weeks 60–78 (19 weeks) at 30 %, 79–111 none: 13.900 × 12 × 570 / 5.200 = 18.283,85 per person.
        var crossing = RefusionWhatIf.Line(new WhatIfLine(ExpenditureClass.Transfer, 1m, Amount.Of(13_900m), StopsAfter78Weeks, 60));
        var past = RefusionWhatIf.Line(new WhatIfLine(ExpenditureClass.Transfer, 1m, Amount.Of(13_900m), StopsAfter78Weeks, 79));

        crossing.Refusion.Should().Be(Amount.Of(18_283.85m));
        past.Refusion.Should().Be(Amount.Zero);
        past.Net.Should().Be(Amount.Of(166_800m), "domain.md §6: past 18 months a person costs the whole benefit");
    }

    [Fact]
    public void Scenarios_keep_service_and_transfer_apart_and_differ_from_the_first()
    {
        var passive = RefusionWhatIf.Scenario("Ledighedsydelse", [new WhatIfLine(ExpenditureClass.Transfer, 10m, Amount.Of(13_900m), StopsAfter78Weeks, 79)]);
        var flexjob = RefusionWhatIf.Scenario("Fleksjob",
        [
            new WhatIfLine(ExpenditureClass.Service, 10m, Amount.Of(5_000m), null),
            new WhatIfLine(ExpenditureClass.Transfer, 10m, Amount.Of(15_000m), StopsAfter78Weeks with { Schedule = new FlatRate(RefusionRate.Of(65)) }),
        ]);

        flexjob.Totals.Should().Be(new WhatIfTotals(Amount.Of(600_000m), Amount.Of(630_000m), Amount.Of(2_400_000m), Amount.Of(1_170_000m)));
        flexjob.Totals.Net.Should().Be(Amount.Of(1_230_000m));
        RefusionWhatIf.Differences([passive, flexjob]).Should().Equal(
            WhatIfTotals.None,
            new WhatIfTotals(Amount.Of(600_000m), Amount.Of(630_000m - 1_668_000m), Amount.Of(2_400_000m - 1_668_000m), Amount.Of(1_170_000m)));
    }
}

using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;
using static Budget.Domain.Tests.PublishedActivityAreas;

namespace Budget.Domain.Tests;

public class FollowUpCalculatorTests
{
    private static readonly RoundNumber Round1 = RoundNumber.Of(1);

    private static FollowUpFigures Area(FollowUpReport report, string area) =>
        report.Rows.Single(r => r.ActivityArea == area).Figures;

    [Fact]
    public void Employment_activity_area_of_round_1_2014_reproduces_every_published_column()
    {
        var report = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.ActivityArea);

        report.AsOf.Should().Be(new LocalDate(2014, 3, 31));
        var employment = Area(report, "Beskæftigelse");
        employment.OriginalBudget.Should().Be(Thousands(293_262));
        employment.Appropriations.CouncilDecisions.Should().Be(Thousands(-403));
        employment.Appropriations.TechnicalReallocations.Should().Be(Thousands(58));
        employment.SupplementaryAppropriations.Should().Be(Thousands(-345));
        employment.CorrectedBudget.Should().Be(Thousands(292_917));
        employment.Consumption.Should().Be(Thousands(43_168));
        employment.ConsumptionPercent.Should().Be(14.7m);
        employment.Estimate.Should().Be(Thousands(287_892));
        employment.VarianceToCorrected.Should().Be(Thousands(-5_025));
        employment.VarianceToOriginal.Should().Be(Thousands(-5_370));
    }

    [Fact]
    public void Benefits_and_business_areas_reproduce_the_published_columns()
    {
        var report = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.ActivityArea);

        var benefits = Area(report, "Ydelser og overførsler");
        benefits.OriginalBudget.Should().Be(Thousands(166_921));
        benefits.Appropriations.CarryOvers.Should().Be(Thousands(117));
        benefits.Appropriations.TechnicalReallocations.Should().Be(Thousands(1_643));
        benefits.CorrectedBudget.Should().Be(Thousands(168_681));
        benefits.ConsumptionPercent.Should().Be(23.3m);
        benefits.VarianceToCorrected.Should().Be(Amount.Zero);

        var business = Area(report, "Erhverv");
        business.OriginalBudget.Should().Be(Amount.Zero);
        business.CorrectedBudget.Should().Be(Thousands(2_150));
        business.ConsumptionPercent.Should().Be(77.9m);
        business.Estimate.Should().Be(Thousands(2_150));
    }

    [Fact]
    public void Committee_total_is_the_sum_of_the_published_area_rows()
    {
        // The paper prints 460.182 / 463.747 / 458.722: it summed unrounded amounts it does not publish.
        // From the printed rows the sums are one thousand higher; variance and variance to original agree.
        var report = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.Committee);

        var committee = report.Rows.Should().ContainSingle().Subject.Figures;
        committee.Should().Be(report.Total);
        committee.OriginalBudget.Should().Be(Thousands(460_183));
        committee.CorrectedBudget.Should().Be(Thousands(463_748));
        committee.Estimate.Should().Be(Thousands(458_723));
        committee.VarianceToCorrected.Should().Be(Thousands(-5_025));
        committee.VarianceToOriginal.Should().Be(Thousands(-1_460));
        committee.Consumption.Should().Be(Thousands(84_207));
        committee.EstimatesMissing.Should().Be(0);
    }

    [Fact]
    public void Corrected_budget_ignores_movements_decided_after_the_as_of_date()
    {
        var year = Year2014();
        var report = FollowUpCalculator.Build(year, Round1, FollowUpGrouping.ActivityArea, asOf: new LocalDate(2014, 2, 23));

        var employment = Area(report, "Beskæftigelse");
        employment.CorrectedBudget.Should().Be(Thousands(293_262), "the council decision and reallocation of 24 February are not yet decided");
        employment.Consumption.Should().Be(Thousands(14_000), "only the January posting lies on or before 23 February");
        Area(report, "Ydelser og overførsler").Appropriations.CarryOvers.Should().Be(Amount.Zero);
    }

    [Fact]
    public void Movements_and_postings_dated_on_the_cut_off_count()
    {
        var report = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.ActivityArea, asOf: new LocalDate(2014, 2, 24));

        var employment = Area(report, "Beskæftigelse");
        employment.CorrectedBudget.Should().Be(Thousands(292_917));
        employment.Consumption.Should().Be(Thousands(14_000));
    }

    [Fact]
    public void A_later_round_measures_against_a_corrected_budget_holding_the_approved_estimate_appropriation()
    {
        var year = Year2014();
        var approval = new AppropriationMovement(Employment.Id, MovementKind.EstimateAppropriation, Thousands(-5_025), new LocalDate(2014, 6, 25), "KB 25.06.2014 pkt. 7", "Kommunalbestyrelsen");
        var withApproval = new BudgetYear(2014, year.Accounts, year.Movements.Append(approval), year.Postings, year.Estimates);

        var round1 = FollowUpCalculator.Build(withApproval, Round1, FollowUpGrouping.ActivityArea);
        var round2 = FollowUpCalculator.Build(withApproval, RoundNumber.Of(2), FollowUpGrouping.ActivityArea);

        Area(round1, "Beskæftigelse").CorrectedBudget.Should().Be(Thousands(292_917));
        var employment2 = Area(round2, "Beskæftigelse");
        employment2.Appropriations.EstimateAppropriations.Should().Be(Thousands(-5_025));
        employment2.CorrectedBudget.Should().Be(Thousands(287_892));
        employment2.VarianceToCorrected.Should().Be(Amount.Zero, "round 2 has no estimate, so it is the new corrected budget");
        round2.Total.EstimatesMissing.Should().Be(3);
    }

    [Fact]
    public void An_account_without_an_estimate_is_expected_at_its_corrected_budget_and_counted_missing()
    {
        var year = Year2014();
        var withoutBusinessEstimate = new BudgetYear(2014, year.Accounts, year.Movements, year.Postings, year.Estimates.Where(e => e.Account != Business.Id));

        var report = FollowUpCalculator.Build(withoutBusinessEstimate, Round1, FollowUpGrouping.ActivityArea);

        var business = Area(report, "Erhverv");
        business.Estimate.Should().Be(Thousands(2_150));
        business.VarianceToCorrected.Should().Be(Amount.Zero);
        business.EstimatesMissing.Should().Be(1);
        report.Total.EstimatesMissing.Should().Be(1);
    }

    [Fact]
    public void Consumption_percent_is_absent_when_the_corrected_budget_is_zero()
    {
        var report = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.ActivityArea, asOf: new LocalDate(2014, 3, 20));

        var business = Area(report, "Erhverv");
        business.CorrectedBudget.Should().Be(Thousands(2_150));
        var beforeReallocation = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.ActivityArea, asOf: new LocalDate(2014, 1, 31));
        var empty = Area(beforeReallocation, "Erhverv");
        empty.CorrectedBudget.Should().Be(Amount.Zero);
        empty.ConsumptionPercent.Should().BeNull();
    }

    [Fact]
    public void Consumption_percent_rounds_half_away_from_zero_to_one_decimal()
    {
        Percent.OneDecimal(Amount.Of(1_475m), Amount.Of(10_000m)).Should().Be(14.8m);
        Percent.OneDecimal(Amount.Of(-1_475m), Amount.Of(10_000m)).Should().Be(-14.8m);
        Percent.OneDecimal(Amount.Of(1_474.99m), Amount.Of(10_000m)).Should().Be(14.7m);
        Percent.OneDecimal(Amount.Of(12m), Amount.Zero).Should().BeNull();
    }

    [Fact]
    public void Rows_by_account_carry_every_grouping_member_and_are_ordered_by_committee_area_and_account()
    {
        var report = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.Account);

        report.Rows.Select(r => r.Account!.Id.Value).Should().Equal("BESK", "ERHVERV", "YDELSER");
        report.Rows.Should().AllSatisfy(r => r.Committee.Should().Be(Committee));
        report.Rows[0].ActivityArea.Should().Be("Beskæftigelse");
        report.Rows[0].Block.Should().Be(Block.Drift);
    }

    [Fact]
    public void Block_and_municipality_roll_ups_give_the_same_total()
    {
        var byBlock = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.Block);
        var municipality = FollowUpCalculator.Build(Year2014(), Round1, FollowUpGrouping.Municipality);

        byBlock.Rows.Should().ContainSingle().Which.Block.Should().Be(Block.Drift);
        byBlock.Rows[0].Figures.Should().Be(municipality.Total);
        municipality.Rows.Should().ContainSingle().Which.Figures.CorrectedBudget.Should().Be(Thousands(463_748));
    }
}

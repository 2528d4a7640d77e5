using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Forecast;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>The forecast methods on series worked out by hand (domain.md §10, contract §11).</summary>
public class ForecastTests
{
    private static Amount Kr(decimal kroner) => Amount.Of(kroner);

    [Fact]
    public void Linear_scales_by_the_days_from_1_January_through_the_date_inclusive()
    {
        // 31 March 2014 is day 90 of 365.
        YearEndForecast.Linear(Kr(90_000m), new LocalDate(2014, 3, 31)).Should().Be(Kr(365_000m));
        // 100 × 365 / 90 = 405,555… → 405,56 (øre, half away from zero).
        YearEndForecast.Linear(Kr(100m), new LocalDate(2014, 3, 31)).Should().Be(Kr(405.56m));
        YearEndForecast.Linear(Kr(-100m), new LocalDate(2014, 3, 31)).Should().Be(Kr(-405.56m));
        // The last day: the consumption itself.
        YearEndForecast.Linear(Kr(123_456.78m), new LocalDate(2014, 12, 31)).Should().Be(Kr(123_456.78m));
    }

    [Fact]
    public void Linear_in_a_leap_year_counts_29_February_and_366_days()
    {
        YearEndForecast.ElapsedDays(new LocalDate(2016, 3, 31)).Should().Be(91);
        YearEndForecast.DaysInYear(2016).Should().Be(366);
        YearEndForecast.Linear(Kr(91_000m), new LocalDate(2016, 3, 31)).Should().Be(Kr(366_000m));
        // Through 29 February: 60 days; 1.000 × 366 / 60 = 6.100.
        YearEndForecast.Linear(Kr(1_000m), new LocalDate(2016, 2, 29)).Should().Be(Kr(6_100m));
        // The same consumption on 31 March of a common year is spread over fewer days (365/90).
        YearEndForecast.Linear(Kr(91_000m), new LocalDate(2015, 3, 31)).Should().Be(Kr(369_055.56m));
    }

    [Fact]
    public void The_same_day_in_a_year_without_29_February_is_28_February()
    {
        YearEndForecast.SameDayIn(2015, new LocalDate(2016, 2, 29)).Should().Be(new LocalDate(2015, 2, 28));
        YearEndForecast.SameDayIn(2012, new LocalDate(2016, 2, 29)).Should().Be(new LocalDate(2012, 2, 29));
        YearEndForecast.SameDayIn(2016, new LocalDate(2015, 3, 31)).Should().Be(new LocalDate(2016, 3, 31));
    }

    [Fact]
    public void A_year_end_payment_misleads_the_straight_line_and_not_the_profile()
    {
        // Last year: 10.000 a month and 80.000 paid at year end: 30.000 by 31 March, 200.000 for the year (share 0,15).
        // This year 10 % more so far: 33.000.
        var lastYear = new PriorYearConsumption(2014, Kr(30_000m), Kr(200_000m));
        var asOf = new LocalDate(2015, 3, 31);

        YearEndForecast.Linear(Kr(33_000m), asOf).Should().Be(Kr(133_833.33m), "33.000 × 365 / 90 misses the year-end payment");
        YearEndForecast.Profile(Kr(33_000m), [lastYear]).Should().Be(Kr(220_000m), "33.000 / 0,15");
        YearEndForecast.LastYear(Kr(33_000m), lastYear).Should().Be(new LastYearComparison(Kr(30_000m), 10.0m, Kr(220_000m)));
    }

    [Fact]
    public void The_profile_averages_the_shares_of_the_earlier_years()
    {
        // Shares by the day: 0,15 and 0,25 → 0,20; 33.000 / 0,20 = 165.000. A year with nothing consumed at all adds no share.
        var years = new[]
        {
            new PriorYearConsumption(2013, Kr(50_000m), Kr(200_000m)),
            new PriorYearConsumption(2014, Kr(30_000m), Kr(200_000m)),
            new PriorYearConsumption(2012, Kr(0m), Kr(0m)),
        };

        YearEndForecast.Profile(Kr(33_000m), years).Should().Be(Kr(165_000m));
        // Thirds: 1 / (1/3) = 3 exactly in decimal? 10.000 / ((1/3 + 1/3)/2) = 30.000, rounded once.
        YearEndForecast.Profile(Kr(10_000m), [new PriorYearConsumption(2014, Kr(1m), Kr(3m)), new PriorYearConsumption(2013, Kr(2m), Kr(6m))]).Should().Be(Kr(30_000m));
    }

    [Fact]
    public void Without_a_usable_earlier_year_the_profile_is_null()
    {
        YearEndForecast.Profile(Kr(33_000m), []).Should().BeNull("no prior year");
        YearEndForecast.Profile(Kr(33_000m), [new PriorYearConsumption(2014, Kr(10m), Kr(0m))]).Should().BeNull("a year that consumed nothing in total has no share");
        YearEndForecast.Profile(Kr(33_000m), [new PriorYearConsumption(2014, Kr(0m), Kr(120_000m))]).Should().BeNull("nothing by this day last year: no share to scale by");
        YearEndForecast.LastYear(Kr(33_000m), null).Should().BeNull();
        YearEndForecast.LastYear(Kr(33_000m), new PriorYearConsumption(2014, Kr(0m), Kr(120_000m))).Should().Be(new LastYearComparison(Kr(0m), null, null));
    }

    [Fact]
    public void A_forecast_beyond_what_an_amount_holds_cannot_be_computed()
    {
        var huge = Amount.FromOre(AmountCeilings.MaxYearMagnitudeOre);

        YearEndForecast.Linear(huge, new LocalDate(2014, 1, 1)).Should().BeNull("2 × 10^16 kr. × 365 is beyond a long of øre");
        YearEndForecast.Profile(huge, [new PriorYearConsumption(2014, Amount.FromOre(1), huge)]).Should().BeNull();
        YearEndForecast.LastYear(huge, new PriorYearConsumption(2014, Amount.FromOre(1), huge))!.Forecast.Should().BeNull();
    }

    [Fact]
    public void Deviation_is_against_the_size_of_the_corrected_budget_with_one_decimal_and_flags_beyond_5_percent()
    {
        YearEndForecast.DeviationPercent(Kr(210_010m), Kr(200_000m)).Should().Be(5.0m, "5,005 % → 5,0 (half away from zero)");
        YearEndForecast.Flag(5.0m).Should().BeNull("5,0 % is not above 5 %");
        YearEndForecast.DeviationPercent(Kr(210_100m), Kr(200_000m)).Should().Be(5.1m, "5,05 % → 5,1");
        YearEndForecast.Flag(5.1m).Should().Be(BudgetDeviation.Over);
        YearEndForecast.DeviationPercent(Kr(189_900m), Kr(200_000m)).Should().Be(-5.1m);
        YearEndForecast.Flag(-5.1m).Should().Be(BudgetDeviation.Under);
        // Income: a budget of −100.000 and a forecast of −94.000 is 6.000 less income, + as the sign convention says.
        YearEndForecast.DeviationPercent(Kr(-94_000m), Kr(-100_000m)).Should().Be(6.0m);
        YearEndForecast.DeviationPercent(Kr(1m), Amount.Zero).Should().BeNull("no budget to measure against");
        YearEndForecast.DeviationPercent(null, Kr(1m)).Should().BeNull();
        YearEndForecast.Flag(null).Should().BeNull();
    }

    private static readonly Account Dagpenge = new(AccountId.Parse("5.57.72"), "Dagpenge", "Beskæftigelsesudvalget", "Ydelser");
    private static readonly Account Kontanthjaelp = new(AccountId.Parse("5.57.73"), "Kontanthjælp", "Beskæftigelsesudvalget", "Ydelser");
    private static readonly Account Drift = new(AccountId.Parse("6.45.51"), "Drift", "Økonomiudvalget", "Administration");

    private static AccountFacts Facts(Account account, decimal corrected, decimal consumption, decimal? estimate = null) => new(
        account,
        AppropriationsByKind.None.With(MovementKind.OriginalBudget, Kr(corrected)),
        Kr(consumption),
        estimate is { } e ? new AccountEstimate(RoundNumber.Of(1), account.Id, Kr(e), "", OutYearConsequences.None) : null);

    [Fact]
    public void Rows_forecast_their_own_sums_and_match_earlier_years_by_area_name_or_account_id()
    {
        var asOf = new LocalDate(2015, 3, 31);
        var facts = new[] { Facts(Dagpenge, 100_000m, 30_000m, 110_000m), Facts(Kontanthjaelp, 100_000m, 20_000m), Facts(Drift, 50_000m, 9_000m) };
        // 2014: the area's accounts had 40.000 of 160.000 (share 0,25); Kontanthjælp sat under another area in 2014.
        var accountMovedIn2014 = new Account(Kontanthjaelp.Id, "Kontanthjælp", "Beskæftigelsesudvalget", "Gammelt område");
        var prior = new PriorYear(2014, [new AccountYearToDate(Dagpenge, Kr(25_000m), Kr(100_000m)), new AccountYearToDate(accountMovedIn2014, Kr(15_000m), Kr(60_000m))]);

        var byArea = ForecastCalculator.Build(2015, asOf, RoundNumber.Of(1), FollowUpGrouping.ActivityArea, facts, [prior]);
        var byAccount = ForecastCalculator.Build(2015, asOf, RoundNumber.Of(1), FollowUpGrouping.Account, facts, [prior]);

        byArea.Rows.Select(r => (r.Members.Committee, r.Members.ActivityArea)).Should().Equal(("Beskæftigelsesudvalget", "Ydelser"), ("Økonomiudvalget", "Administration"));
        var ydelser = byArea.Rows[0];
        ydelser.Consumption.Should().Be(Kr(50_000m));
        ydelser.Estimate.Should().Be(Kr(210_000m), "110.000 estimated plus the corrected budget where none is");
        ydelser.EstimatesMissing.Should().Be(1);
        ydelser.Profile.Should().Be(Kr(200_000m), "in 2014 the area 'Ydelser' held only Dagpenge: 50.000 / (25.000 / 100.000)");
        ydelser.ProfileYears.Should().Equal(2014);
        ydelser.Suggested.Should().Be(Kr(200_000m));
        ydelser.DeviationPercent.Should().Be(0m);
        ydelser.Flag.Should().BeNull();
        byArea.Rows[1].Profile.Should().BeNull("Administration is not in 2014");
        byArea.Rows[1].LastYear.Should().BeNull();
        byArea.Rows[1].Linear.Should().Be(Kr(36_500m));

        var kontanthjaelp = byAccount.Rows.Single(r => r.Members.Account == Kontanthjaelp);
        kontanthjaelp.Members.Should().Be(new RowMembers("Beskæftigelsesudvalget", "Ydelser", Kontanthjaelp, null));
        kontanthjaelp.Profile.Should().Be(Kr(80_000m), "matched by account id: 20.000 / (15.000 / 60.000)");
        kontanthjaelp.DeviationPercent.Should().Be(-20.0m);
        kontanthjaelp.Flag.Should().Be(BudgetDeviation.Under);
        kontanthjaelp.LastYear!.GrowthPercent.Should().Be(33.3m, "(20.000 − 15.000) / 15.000");
    }

    [Fact]
    public void The_estimate_beside_the_forecast_is_the_latest_round_whose_cut_off_has_passed()
    {
        var calendar = RoundCalendar.Default(2015);

        ForecastCalculator.CurrentRound(calendar, new LocalDate(2015, 2, 1)).Value.Should().Be(1);
        ForecastCalculator.CurrentRound(calendar, new LocalDate(2015, 3, 31)).Value.Should().Be(1);
        ForecastCalculator.CurrentRound(calendar, new LocalDate(2015, 6, 30)).Value.Should().Be(2);
        ForecastCalculator.CurrentRound(calendar, new LocalDate(2015, 9, 29)).Value.Should().Be(2);
        ForecastCalculator.CurrentRound(calendar, new LocalDate(2015, 12, 31)).Value.Should().Be(3);
    }

    [Fact]
    public void Month_comparison_gives_each_month_last_year_the_difference_and_both_years_to_date()
    {
        Amount[] Months(params decimal[] kroner) => kroner.Select(Kr).ToArray();
        var thisYear = new[]
        {
            new AccountConsumption(Dagpenge, Months(10, 20, 30, 0, 0, 0, 0, 0, 0, 0, 0, 5)),
            new AccountConsumption(Kontanthjaelp, Months(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)),
        };
        var lastYear = new[] { new AccountConsumption(Dagpenge, Months(12, 18, 0, 40, 0, 0, 0, 0, 0, 0, 0, 0)) };

        var byArea = MonthComparison.Build(2015, FollowUpGrouping.ActivityArea, thisYear, lastYear);
        var byAccount = MonthComparison.Build(2015, FollowUpGrouping.Account, thisYear, lastYear);
        var alone = MonthComparison.Build(2015, FollowUpGrouping.Account, thisYear, null);

        var area = byArea.Rows.Single();
        area.Months.Take(4).Should().Equal(
            new MonthFigures(1, Kr(11), Kr(12), Kr(11), Kr(12)),
            new MonthFigures(2, Kr(21), Kr(18), Kr(32), Kr(30)),
            new MonthFigures(3, Kr(31), Kr(0), Kr(63), Kr(30)),
            new MonthFigures(4, Kr(1), Kr(40), Kr(64), Kr(70)));
        area.Months.Select(m => m.Difference).Should().Equal(Kr(-1), Kr(3), Kr(31), Kr(-39), Kr(1), Kr(1), Kr(1), Kr(1), Kr(1), Kr(1), Kr(1), Kr(6));
        area.Months[11].Should().Be(new MonthFigures(12, Kr(6), Kr(0), Kr(77), Kr(70)));
        byAccount.Rows.Single(r => r.Members.Account == Kontanthjaelp).Months.Should().OnlyContain(m => m.LastYear == null && m.Difference == null && m.LastYearToDate == null,
            "Kontanthjælp has no accounts last year");
        byAccount.HasLastYear.Should().BeTrue();
        alone.HasLastYear.Should().BeFalse();
        alone.Rows.SelectMany(r => r.Months).Should().OnlyContain(m => m.LastYear == null && m.Difference == null);
        alone.Rows[0].Months[11].ThisYearToDate.Should().Be(Kr(65));
    }

    [Fact]
    public void The_backtest_scores_each_method_against_the_actual_year()
    {
        var account = Dagpenge;
        AccountYearToDate At(decimal toDate, decimal yearEnd) => new(account, Kr(toDate), Kr(yearEnd));
        // By 31 March: 2013 30 of 120, 2014 36 of 150, 2015 40 of 150.
        var years = new[]
        {
            new BacktestYear(2013, [At(30, 120)]),
            new BacktestYear(2014, [At(36, 150)]),
            new BacktestYear(2015, [At(40, 150)]),
        };

        var report = Backtest.Run(2014, 2015, new AnnualDate(3, 31), years);

        report.Years.Should().Equal(2014, 2015);
        // Linear: 2014 36 × 365/90 = 146 (2,67 %), 2015 40 × 365/90 = 162,22 (8,15 %) → MAPE 5,4; one within 5 %.
        // Profile: 2014 36/0,25 = 144 (4 %); 2015 40/((0,25+0,24)/2) = 163,27 (8,85 %) → 6,4; one within.
        // Last year: 2014 = profile; 2015 150 × 40/36 = 166,67 (11,11 %) → 7,6; one within.
        report.Methods.Should().Equal(
            new BacktestMethodResult(ForecastMethod.Linear, 2, 5.4m, 50.0m, 5.4m, 50.0m),
            new BacktestMethodResult(ForecastMethod.Profile, 2, 6.4m, 50.0m, 6.4m, 50.0m),
            new BacktestMethodResult(ForecastMethod.LastYear, 2, 7.6m, 50.0m, 7.6m, 50.0m));
        report.CommonForecasts.Should().Be(2);
        Backtest.Run(2013, 2013, new AnnualDate(3, 31), years).Methods.Select(m => (m.Method, m.Forecasts, m.Mape)).Should().Equal(
            (ForecastMethod.Linear, 1, 1.4m), (ForecastMethod.Profile, 0, null), (ForecastMethod.LastYear, 0, null));
    }

    private static readonly Gen<Amount> Kroner = Gen.Choose(-2_000_000_000, 2_000_000_000).Select(ore => Amount.FromOre(ore));

    private static readonly Gen<LocalDate> Days = from year in Gen.Choose(2000, 2030)
                                                  from day in Gen.Choose(0, 365)
                                                  select new LocalDate(year, 1, 1).PlusDays(Math.Min(day, CalendarSystem.Iso.GetDaysInYear(year) - 1));

    [Fact]
    public void With_one_earlier_year_the_profile_and_last_year_grown_agree_to_the_oere()
    {
        var samples = from consumption in Kroner
                      from toDate in Kroner
                      from yearEnd in Kroner
                      select (consumption, toDate, yearEnd);

        Prop.ForAll(samples.ToArbitrary(), s =>
        {
            var last = new PriorYearConsumption(2014, s.toDate, s.yearEnd);
            var profile = YearEndForecast.Profile(s.consumption, [last]);
            var grown = YearEndForecast.LastYear(s.consumption, last)!.Forecast;
            // The same formula, c ÷ (td ÷ ye) and ye × c ÷ td: equal to the øre (the share is a 28-digit decimal, so a
            // result exactly halfway between two øre could round apart), unless the profile has no share to scale by.
            return profile is null
                ? s.yearEnd.IsZero || s.toDate.IsZero || (decimal)s.toDate.Ore / s.yearEnd.Ore <= 0m
                : grown is { } g && Math.Abs(profile.Value.Ore - g.Ore) <= 1;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_straight_line_never_undershoots_consumption_of_one_sign_and_equals_it_on_31_December()
    {
        Prop.ForAll(Kroner.ToArbitrary(), Days.ToArbitrary(), (consumption, day) =>
        {
            var linear = YearEndForecast.Linear(consumption, day)!.Value;
            var yearEnd = YearEndForecast.Linear(consumption, new LocalDate(day.Year, 12, 31));
            return Math.Abs(linear.Ore) >= Math.Abs(consumption.Ore) && Math.Sign(linear.Ore) == Math.Sign(consumption.Ore) && yearEnd == consumption;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Month_totals_add_up_to_the_year_and_differences_are_this_year_less_last_year()
    {
        var accounts = new[] { Dagpenge, Kontanthjaelp, Drift };
        var years = from thisYear in Gen.ArrayOf(Gen.ArrayOf(Kroner, 12), 3)
                    from lastYear in Gen.ArrayOf(Gen.ArrayOf(Kroner, 12), 3)
                    select (thisYear, lastYear);

        Prop.ForAll(years.ToArbitrary(), y =>
        {
            var report = MonthComparison.Build(2015, FollowUpGrouping.Committee,
                accounts.Select((a, i) => new AccountConsumption(a, y.thisYear[i])).ToArray(),
                accounts.Select((a, i) => new AccountConsumption(a, y.lastYear[i])).ToArray());
            var total = report.Rows.Sum(r => r.Months[11].ThisYearToDate);
            var expected = y.thisYear.SelectMany(m => m).Sum();
            return total == expected && report.Rows.All(r => r.Months.All(m => m.Difference == m.ThisYear - m.LastYear!.Value
                && m.LastYearToDate == r.Months.Take(m.Month).Aggregate(Amount.Zero, (sum, x) => sum + x.LastYear!.Value)));
        }).QuickCheckThrowOnFailure();
    }
}

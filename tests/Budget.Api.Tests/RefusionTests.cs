using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Budget.Application.Refusion;

namespace Budget.Api.Tests;

/// <summary>Contract §6 over HTTP, with the shipped rule data of data/rules.</summary>
public sealed class RefusionTests(PublishedFiguresTests.DemoApi api) : IClassFixture<PublishedFiguresTests.DemoApi>
{
    private readonly HttpClient client = api.Factory.CreateClient();

    private const string WeekDetail = "?detail=weeks";

    private async Task<JsonNode> Calculate(object request, string query = "")
    {
        var response = await client.PostAsync("/api/refusion/calculate" + query, Http.JsonBody(request));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private static object Case(string benefit, string ruleSet, int firstWeek, string? activity, params decimal[] weekly) =>
        new { id = "c1", benefit, ruleSet, firstWeekAnciennity = firstWeek, activity, weeklyAmounts = weekly };

    [Fact]
    public async Task The_contract_example_gets_80_percent_in_the_first_weeks_of_the_2016_staircase()
    {
        var result = await Calculate(new { cases = new[] { Case("kontanthjaelp", "2016", 1, "passive", 3000, 3000, 3000) } }, WeekDetail);

        var weeks = result["cases"]![0]!["weeks"]!.AsArray();
        weeks.Select(w => w.Text()).Should().Equal(
            "{\"week\":1,\"anciennity\":1,\"rate\":80,\"amount\":3000,\"refusion\":2400}",
            "{\"week\":2,\"anciennity\":2,\"rate\":80,\"amount\":3000,\"refusion\":2400}",
            "{\"week\":3,\"anciennity\":3,\"rate\":80,\"amount\":3000,\"refusion\":2400}");
        result["total"].Text().Should().Be("{\"gross\":9000,\"refusion\":7200,\"net\":1800}");
    }

    [Fact]
    public async Task The_staircase_steps_down_at_weeks_5_27_and_53()
    {
        var weekly = Enumerable.Repeat(1000m, 56).ToArray();

        var result = await Calculate(new { cases = new[] { Case("sygedagpenge", "2016", 1, null, weekly) } }, WeekDetail);

        var rates = result["cases"]![0]!["weeks"]!.AsArray().Select(w => w!["rate"]!.GetValue<decimal>()).ToArray();
        rates[..4].Should().AllBeEquivalentTo(80m);
        rates[4..26].Should().AllBeEquivalentTo(40m);
        rates[26..52].Should().AllBeEquivalentTo(30m);
        rates[52..].Should().AllBeEquivalentTo(20m);
        result["total"]!["refusion"]!.GetValue<decimal>().Should().Be(4 * 800m + 22 * 400m + 26 * 300m + 4 * 200m);
    }

    [Fact]
    public async Task Dagpenge_after_2016_are_co_financed_20_60_70_80_so_the_states_share_is_the_rest()
    {
        var result = await Calculate(new { cases = new[] { Case("dagpenge", "2016", 4, null, 5000, 5000, 5000) } }, WeekDetail);

        result["cases"]![0]!["weeks"]!.AsArray().Select(w => w!["rate"]!.GetValue<decimal>()).Should().Equal(80m, 40m, 40m);
        result["total"].Text().Should().Be("{\"gross\":15000,\"refusion\":8000,\"net\":7000}");
    }

    [Theory]
    [InlineData("kontanthjaelp", "passive", 10, 30)]
    [InlineData("kontanthjaelp", "job-oriented", 10, 50)]
    [InlineData("kontanthjaelp", "education", 10, 50)]
    [InlineData("dagpenge", "passive", 4, 100)]
    [InlineData("dagpenge", "passive", 5, 30)]
    [InlineData("dagpenge", "job-oriented", 5, 50)]
    [InlineData("sygedagpenge", "passive", 4, 100)]
    [InlineData("sygedagpenge", "passive", 8, 50)]
    [InlineData("sygedagpenge", "passive", 9, 30)]
    [InlineData("sygedagpenge", "job-oriented", 9, 50)]
    [InlineData("sygedagpenge", "job-oriented", 52, 50)]
    [InlineData("sygedagpenge", "job-oriented", 53, 0)]
    [InlineData("sygedagpenge", "education", 8, 50)]
    [InlineData("sygedagpenge", "education", 9, 50)]
    [InlineData("sygedagpenge", "education", 53, 0)]
    [InlineData("revalidering", "job-oriented", 1, 65)]
    [InlineData("revalidering", "education", 1, 50)]
    [InlineData("fleksloentilskud", "passive", 100, 65)]
    [InlineData("personlig-assistance", "passive", 1, 50)]
    [InlineData("personlig-assistance", "education", 200, 50)]
    [InlineData("voksenelev-loentilskud", "job-oriented", 1, 100)]
    [InlineData("voksenelev-loentilskud", "passive", 300, 100)]
    [InlineData("sygedagpenge", "partial-return", 4, 100)]
    [InlineData("sygedagpenge", "partial-return", 5, 50)]
    [InlineData("sygedagpenge", "partial-return", 8, 50)]
    [InlineData("sygedagpenge", "partial-return", 9, 50)]
    [InlineData("sygedagpenge", "partial-return", 52, 50)]
    [InlineData("sygedagpenge", "partial-return", 53, 0)]
    public async Task The_pre_2016_table_gives_the_rate_by_benefit_activity_and_week(string benefit, string activity, int week, decimal rate)
    {
        var result = await Calculate(new { cases = new[] { Case(benefit, "pre2016", week, activity, 1000) } }, WeekDetail);

        result["cases"]![0]!["weeks"]![0]!["rate"]!.GetValue<decimal>().Should().Be(rate);
        result["cases"]![0]!["refusion"]!.GetValue<decimal>().Should().Be(10m * rate);
    }

    [Fact]
    public async Task A_dated_case_spanning_new_year_2016_uses_pre2016_for_the_2015_weeks_and_the_staircase_from_4_January()
    {
        var result = await Calculate(new
        {
            cases = new[] { new { id = "c1", benefit = "kontanthjaelp", firstWeekStart = "2015-12-21", firstWeekAnciennity = 10, activity = "passive", weeklyAmounts = new[] { 3000.15m, 3000.15m, 3000.15m, 3000.15m } } },
        }, WeekDetail);

        // 30 % of 3.000,15 = 900,045 → 900,05 and 40 % = 1.200,06, each week rounded half away from zero.
        result["cases"]![0]!["weeks"]!.AsArray().Select(w => w.Text()).Should().Equal(
            "{\"week\":1,\"anciennity\":10,\"rate\":30,\"amount\":3000.15,\"refusion\":900.05,\"weekStart\":\"2015-12-21\",\"ruleSet\":\"pre2016\"}",
            "{\"week\":2,\"anciennity\":11,\"rate\":30,\"amount\":3000.15,\"refusion\":900.05,\"weekStart\":\"2015-12-28\",\"ruleSet\":\"pre2016\"}",
            "{\"week\":3,\"anciennity\":12,\"rate\":40,\"amount\":3000.15,\"refusion\":1200.06,\"weekStart\":\"2016-01-04\",\"ruleSet\":\"2016\"}",
            "{\"week\":4,\"anciennity\":13,\"rate\":40,\"amount\":3000.15,\"refusion\":1200.06,\"weekStart\":\"2016-01-11\",\"ruleSet\":\"2016\"}");
        result["cases"]![0]!.Text().Should().StartWith("{\"id\":\"c1\",\"gross\":12000.6,\"refusion\":4200.22,\"net\":7800.38,");
        ((string?)result["cases"]![0]!["ruleSet"]).Should().Be("pre2016+2016");
    }

    [Fact]
    public async Task A_case_gives_either_a_rule_set_or_the_Monday_its_weeks_start()
    {
        var both = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new[] { new { id = "c", benefit = "kontanthjaelp", ruleSet = "2016", firstWeekStart = "2016-01-04", firstWeekAnciennity = 1, weeklyAmounts = new[] { 1m } } } }));
        var notMonday = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new[] { new { id = "c", benefit = "kontanthjaelp", firstWeekStart = "2016-01-05", firstWeekAnciennity = 1, weeklyAmounts = new[] { 1m } } } }));
        var beforeData = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new[] { new { id = "c", benefit = "kontanthjaelp", activity = "passive", firstWeekStart = "2012-01-02", firstWeekAnciennity = 1, weeklyAmounts = new[] { 1m } } } }));

        both.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await both.Json())["errors"]!["Cases[0].RuleSet"]![0]).Should().StartWith("Give 'RuleSet' or 'FirstWeekStart', not both");
        notMonday.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await notMonday.Json())["errors"]!["Cases[0].FirstWeekStart"].Should().NotBeNull();
        beforeData.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await beforeData.Json())["errors"]!["Cases[0].FirstWeekStart"]![0]).Should().Be("Week 1 (from 2012-01-02): The rule data has no single rule set for kontanthjaelp in force on 2012-01-05.");
    }

    [Fact]
    public async Task Sygedagpenge_with_partial_return_keep_50_percent_from_week_9_where_passive_periods_drop_to_30()
    {
        var partialReturn = await Calculate(new { cases = new[] { Case("sygedagpenge", "pre2016", 8, "partial-return", 2000.05m, 2000.05m) } }, WeekDetail);
        var passive = await Calculate(new { cases = new[] { Case("sygedagpenge", "pre2016", 8, "passive", 2000.05m, 2000.05m) } }, WeekDetail);

        // 50 % of 2.000,05 = 1.000,025 → 1.000,03; 30 % = 600,015 → 600,02 (each week half away from zero).
        partialReturn["cases"]![0]!["weeks"]!.AsArray().Select(w => $"{w!["anciennity"]}:{w["rate"]}:{w["refusion"]}").Should().Equal("8:50:1000.03", "9:50:1000.03");
        passive["cases"]![0]!["weeks"]!.AsArray().Select(w => $"{w!["anciennity"]}:{w["rate"]}:{w["refusion"]}").Should().Equal("8:50:1000.03", "9:30:600.02");
    }

    [Fact]
    public async Task Partial_return_is_an_activity_of_sygedagpenge_only()
    {
        var response = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new[] { Case("kontanthjaelp", "pre2016", 1, "partial-return", 1000) } }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await response.Json())["errors"]!["Cases[0].Activity"]![0]).Should().Be("Rule set pre2016 has no rate for kontanthjaelp in activity 'partial-return'; it has passive, job-oriented, education.");
    }

    [Fact]
    public async Task Ledighedsydelse_refusion_stops_after_18_months_on_the_benefit()
    {
        var result = await Calculate(new { cases = new[] { Case("ledighedsydelse", "pre2016", 76, "passive", 3200, 3200, 3200, 3200, 3200) } }, WeekDetail);

        var weeks = result["cases"]![0]!["weeks"]!.AsArray();
        weeks.Select(w => (int)w!["anciennity"]!).Should().Equal(76, 77, 78, 79, 80);
        weeks.Select(w => w!["rate"]!.GetValue<decimal>()).Should().Equal(30m, 30m, 30m, 0m, 0m);
        result["total"].Text().Should().Be("{\"gross\":16000,\"refusion\":2880,\"net\":13120}");
    }

    /// <summary>Ledighedsydelse from anciennity 77: three weeks on the benefit, <paramref name="weeksInJob"/> in a job, one more on the benefit.</summary>
    private static object BackFromAJob(int weeksInJob) => new
    {
        id = "c1",
        benefit = "ledighedsydelse",
        ruleSet = "pre2016",
        firstWeekAnciennity = 77,
        activity = "passive",
        weeklyAmounts = new[] { 1000m, 1000m, 1000m }.Concat(Enumerable.Repeat(0m, weeksInJob)).Append(1000m).ToArray(),
        jobPeriods = new[] { new { fromWeek = 4, toWeek = 3 + weeksInJob } },
    };

    [Theory]
    [InlineData(38, 80, 0, 600)]
    [InlineData(39, 1, 30, 900)]
    public async Task Ledighedsydelse_refusion_returns_after_39_weeks_in_a_job_and_not_after_38(int weeksInJob, int anciennityAfter, decimal rateAfter, decimal refusion)
    {
        var result = await Calculate(new { cases = new[] { BackFromAJob(weeksInJob) } }, WeekDetail);

        var weeks = result["cases"]![0]!["weeks"]!.AsArray();
        weeks.Take(3).Select(w => $"{w!["anciennity"]}:{w["rate"]}").Should().Equal(new[] { "77:30", "78:30", "79:0" }, "week 78 is the last with refusion");
        weeks.Skip(3).Take(weeksInJob).Should().AllSatisfy(w => w!.Text().Should().Contain("\"rate\":0,\"amount\":0,\"refusion\":0,\"inJob\":true"));
        var back = weeks[^1]!;
        ((int)back["week"]!).Should().Be(4 + weeksInJob);
        ((int)back["anciennity"]!).Should().Be(anciennityAfter, "weeks in a job do not count as weeks on the benefit");
        back["rate"]!.GetValue<decimal>().Should().Be(rateAfter);
        result["total"].Text().Should().Be($"{{\"gross\":4000,\"refusion\":{refusion},\"net\":{4000 - refusion}}}");
    }

    [Fact]
    public async Task A_week_in_a_job_carries_no_benefit_and_job_periods_lie_within_the_listed_weeks()
    {
        async Task<JsonNode> Refused(object item)
        {
            var response = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new[] { item } }));
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            return (await response.Json())["errors"]!;
        }

        var paid = await Refused(new { id = "c", benefit = "ledighedsydelse", ruleSet = "pre2016", activity = "passive", firstWeekAnciennity = 1, weeklyAmounts = new[] { 1000m, 5m }, jobPeriods = new[] { new { fromWeek = 2, toWeek = 2 } } });
        var beyond = await Refused(new { id = "c", benefit = "ledighedsydelse", ruleSet = "pre2016", activity = "passive", firstWeekAnciennity = 1, weeklyAmounts = new[] { 1000m, 0m }, jobPeriods = new[] { new { fromWeek = 2, toWeek = 3 } } });
        var overlap = await Refused(new { id = "c", benefit = "ledighedsydelse", ruleSet = "pre2016", activity = "passive", firstWeekAnciennity = 1, weeklyAmounts = new[] { 0m, 0m, 0m }, jobPeriods = new[] { new { fromWeek = 1, toWeek = 2 }, new { fromWeek = 2, toWeek = 3 } } });

        ((string?)paid["Cases[0].WeeklyAmounts"]![0]).Should().Be("A week in a job carries no benefit: its amount must be 0.");
        ((string?)beyond["Cases[0].JobPeriods"]![0]).Should().Be("A job period ends after the last listed week.");
        ((string?)overlap["Cases[0].JobPeriods"]![0]).Should().Be("Job periods overlap.");
    }

    [Fact]
    public async Task The_Allerod_flexjob_example_costs_about_130000_a_year_a_saving_of_about_37000()
    {
        // Domain.md §6 (Allerød, 2015): flexjob wage 65.000 + subsidy 185.000 − 65 % refusion of the subsidy, against
        // 167.000 for ledighedsydelse past 18 months (no refusion). The subsidy is paid weekly: 51 × 3.557,69 + 3.557,81.
        var subsidy = Enumerable.Repeat(3_557.69m, 51).Append(3_557.81m).ToArray();
        var ledighedsydelse = Enumerable.Repeat(3_211.54m, 51).Append(3_211.46m).ToArray();

        var result = await Calculate(new
        {
            cases = new object[]
            {
                new { id = "flexjob", benefit = "fleksloentilskud", ruleSet = "pre2016", firstWeekAnciennity = 1, weeklyAmounts = subsidy },
                new { id = "ledighedsydelse", benefit = "ledighedsydelse", ruleSet = "pre2016", firstWeekAnciennity = 79, activity = "passive", weeklyAmounts = ledighedsydelse },
            },
        });

        var flexjob = result["cases"]![0]!;
        flexjob["gross"]!.GetValue<decimal>().Should().Be(185_000m);
        flexjob["refusion"]!.GetValue<decimal>().Should().Be(120_250.08m, "65 % of each week, rounded to øre: 51 × 2.312,50 + 2.312,58");
        var flexjobCost = 65_000m + flexjob["net"]!.GetValue<decimal>();
        var ledighedsydelseCost = result["cases"]![1]!["net"]!.GetValue<decimal>();
        flexjobCost.Should().Be(129_749.92m);
        ledighedsydelseCost.Should().Be(167_000m);
        decimal.Round(flexjobCost / 1000m).Should().Be(130m);
        decimal.Round((ledighedsydelseCost - flexjobCost) / 1000m).Should().Be(37m);
    }

    [Fact]
    public async Task Without_detail_a_case_carries_its_totals_only_and_with_detail_weeks_also_each_week()
    {
        var request = new { cases = new[] { Case("kontanthjaelp", "2016", 1, "passive", 3000, 3000, 3000) } };

        var totals = await Calculate(request);
        var detailed = await Calculate(request, WeekDetail);

        totals["cases"]![0]!.AsObject().Select(p => p.Key).Should().Equal("id", "gross", "refusion", "net", "ruleSet", "source");
        totals["cases"]![0]!.Text().Should().StartWith("{\"id\":\"c1\",\"gross\":9000,\"refusion\":7200,\"net\":1800,");
        detailed["cases"]![0]!.AsObject().Select(p => p.Key).Should().Equal("id", "gross", "refusion", "net", "weeks", "ruleSet", "source");
        detailed["cases"]![0]!["weeks"]!.AsArray().Should().HaveCount(3);
        totals["total"].Text().Should().Be(detailed["total"].Text());
    }

    [Theory]
    [InlineData("?detail=week")]
    [InlineData("?detail=")]
    [InlineData("?detail=WEEKS")]
    [InlineData("?detail=weeks&detail=weeks")]
    public async Task An_unknown_detail_is_a_400_naming_it(string query)
    {
        var response = await client.PostAsync("/api/refusion/calculate" + query, Http.JsonBody(new { cases = new[] { Case("kontanthjaelp", "2016", 1, "passive", 3000) } }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Json())["errors"]!["detail"].Should().NotBeNull();
    }

    /// <summary>192 cases of 520 weeks and one of 160 (or 161): the limit is on the weeks of all cases together.</summary>
    private static object CaseWeeks(int total)
    {
        var weekly = Enumerable.Repeat(1000m, 520).ToArray(); // the most weeks one case may have
        var full = total / weekly.Length;
        var cases = Enumerable.Range(0, full).Select(i => new { id = $"c{i}", benefit = "sygedagpenge", ruleSet = "2016", firstWeekAnciennity = 1, weeklyAmounts = weekly })
            .Append(new { id = "rest", benefit = "sygedagpenge", ruleSet = "2016", firstWeekAnciennity = 1, weeklyAmounts = weekly[..(total % weekly.Length)] })
            .Where(c => c.weeklyAmounts.Length > 0);
        return new { cases };
    }

    [Fact]
    public async Task One_hundred_thousand_case_weeks_are_calculated_and_one_more_is_a_413_saying_the_limit_and_the_count()
    {
        var atLimit = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(CaseWeeks(100_000)));
        var overLimit = await client.PostAsync("/api/refusion/calculate?detail=weeks", Http.JsonBody(CaseWeeks(100_001)));

        atLimit.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await atLimit.Json();
        answer["total"]!["gross"]!.GetValue<decimal>().Should().Be(100_000m * 1000m);
        answer["cases"]!.AsArray().Should().AllSatisfy(c => c!.AsObject().ContainsKey("weeks").Should().BeFalse());
        overLimit.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        overLimit.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await overLimit.Json();
        ((string?)problem["detail"]).Should().Contain("at most 100000 case-weeks").And.Contain("this request has 100001");
        problem["limit"]!.GetValue<int>().Should().Be(100_000);
        problem["caseWeeks"]!.GetValue<long>().Should().Be(100_001);
    }

    [Fact]
    public async Task Unknown_rule_set_benefit_or_activity_are_a_400_naming_each()
    {
        var response = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new
        {
            cases = new[]
            {
                Case("kontanthjaelp", "2017", 1, "passive", 1),
                Case("boligstoette", "2016", 1, "passive", 1),
                Case("kontanthjaelp", "pre2016", 1, null, 1),
                Case("revalidering", "pre2016", 1, "passive", 1),
                Case("kontanthjaelp", "2016", 1, "dancing", 1),
            },
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Json())["errors"]!;
        ((string?)errors["Cases[4].Activity"]![0]).Should().Be("'dancing' is not an activity; activities are passive, job-oriented, education, partial-return.");

        var lookups = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new[] { Case("kontanthjaelp", "2017", 1, "passive", 1), Case("boligstoette", "2016", 1, "passive", 1), Case("kontanthjaelp", "pre2016", 1, null, 1), Case("revalidering", "pre2016", 1, "passive", 1) } }));
        var named = (await lookups.Json())["errors"]!;
        ((string?)named["Cases[0].RuleSet"]![0]).Should().Be("'2017' is not a rule set; known: 2016, pre2016.");
        ((string?)named["Cases[1].Benefit"]![0]).Should().StartWith("'boligstoette' is not a benefit of rule set 2016; known: dagpenge, fleksloentilskud,");
        ((string?)named["Cases[2].Activity"]![0]).Should().Be("The pre2016 rate for kontanthjaelp depends on the activity: give one of passive, job-oriented, education.");
        ((string?)named["Cases[3].Activity"]![0]).Should().Be("Rule set pre2016 has no rate for revalidering in activity 'passive'; it has job-oriented, education.");
    }

    [Theory]
    [InlineData(100, 1_500_000, "{\"capPerPerson\":10757,\"cap\":1075700,\"refundableCosts\":1075700,\"refusion\":537850")]
    [InlineData(100, 800_000, "{\"capPerPerson\":10757,\"cap\":1075700,\"refundableCosts\":800000,\"refusion\":400000")]
    public async Task The_operating_cap_for_2014_binds_only_above_persons_times_10757(decimal persons, decimal costs, string expected)
    {
        var response = await client.PostAsync("/api/refusion/operating-cap", Http.JsonBody(new { year = 2014, group = "kontanthjaelp-dagpenge", fullYearPersons = persons, costs }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Json()).Text().Should().StartWith(expected);
    }

    [Fact]
    public async Task Every_cap_value_the_sources_give_can_be_chosen_and_the_other_group_has_its_own()
    {
        async Task<JsonNode> Cap(object body) => await (await client.PostAsync("/api/refusion/operating-cap", Http.JsonBody(body))).Json();

        var other = await Cap(new { year = 2014, group = "revalidering-ledighedsydelse-sygedagpenge", fullYearPersons = 10, costs = 1_000_000 });
        var financeAct = await Cap(new { year = 2014, group = "kontanthjaelp-dagpenge", fullYearPersons = 10, costs = 1_000_000, capSet = "finanslov-2014" });
        var reduced = await Cap(new { year = 2014, group = "revalidering-ledighedsydelse-sygedagpenge", fullYearPersons = 10, costs = 1_000_000, capSet = "reduceret-2014" });
        var later = await Cap(new { year = 2016, group = "kontanthjaelp-dagpenge", fullYearPersons = 10, costs = 1_000_000 });
        var unknown = await client.PostAsync("/api/refusion/operating-cap", Http.JsonBody(new { year = 2014, group = "boligstoette", fullYearPersons = 10, costs = 1 }));
        var noYear = await client.PostAsync("/api/refusion/operating-cap", Http.JsonBody(new { year = 2030, group = "kontanthjaelp-dagpenge", fullYearPersons = 10, costs = 1 }));

        other["refusion"]!.GetValue<decimal>().Should().Be(52_925m);
        financeAct["refusion"]!.GetValue<decimal>().Should().Be(59_175m);
        reduced["refusion"]!.GetValue<decimal>().Should().Be(57_145m);
        ((string?)later["capSet"]).Should().Be("finanslov-2014");
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await unknown.Json())["errors"]!["group"]![0]).Should().StartWith("'boligstoette' is not a cap group");
        noYear.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noYear.Json())["errors"]!["year"].Should().NotBeNull();
    }

    [Theory]
    [InlineData("aktivitetsparat", 1_000_000.01, "{\"frame\":2130576,\"refundableCosts\":1000000.01,\"refusion\":500000.01,\"rate\":50,")]
    [InlineData("aktivitetsparat", 2_130_576, "{\"frame\":2130576,\"refundableCosts\":2130576,\"refusion\":1065288,\"rate\":50,")]
    [InlineData("aktivitetsparat", 3_000_000, "{\"frame\":2130576,\"refundableCosts\":2130576,\"refusion\":1065288,\"rate\":50,")]
    [InlineData("jobparat", 1_000_000, "{\"frame\":2130576,\"refundableCosts\":0,\"refusion\":0,\"rate\":0,")]
    public async Task Mentor_costs_get_50_percent_within_the_2014_frame_for_activity_ready_persons_and_nothing_for_job_ready(string targetGroup, decimal costs, string expected)
    {
        var response = await client.PostAsync("/api/refusion/mentor-frame", Http.JsonBody(new { year = 2014, targetGroup, costs }));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Json()).Text().Should().StartWith(expected);
    }

    [Fact]
    public async Task A_mentor_frame_for_an_unknown_year_or_group_or_with_negative_costs_is_a_400_naming_the_field()
    {
        var noYear = await client.PostAsync("/api/refusion/mentor-frame", Http.JsonBody(new { year = 2030, targetGroup = "aktivitetsparat", costs = 1 }));
        var noGroup = await client.PostAsync("/api/refusion/mentor-frame", Http.JsonBody(new { year = 2014, targetGroup = "ledig", costs = 1 }));
        var negative = await client.PostAsync("/api/refusion/mentor-frame", Http.JsonBody(new { year = 2014, targetGroup = "jobparat", costs = -1 }));
        var huge = await client.PostAsync("/api/refusion/mentor-frame", Http.JsonBody(new { year = 2014, targetGroup = "jobparat", costs = 1e12m }));

        foreach (var response in new[] { noYear, noGroup, negative, huge })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        }

        ((string?)(await noYear.Json())["errors"]!["year"]![0]).Should().Be("The rule data has no mentor frame for aktivitetsparat in 2030; it has 2014.");
        ((string?)(await noGroup.Json())["errors"]!["TargetGroup"]![0]).Should().Be("'ledig' is not a target group; target groups are aktivitetsparat, jobparat.");
        (await negative.Json())["errors"]!["Costs"].Should().NotBeNull();
        (await huge.Json())["errors"]!["Costs"].Should().NotBeNull();
    }

    [Fact]
    public async Task The_rules_in_force_are_listed_with_their_shape_period_and_source()
    {
        var rules = await (await client.GetAsync("/api/refusion/rules")).Json();

        var ledighedsydelse = rules["rules"]!.AsArray().Single(r => (string?)r!["ruleSet"] == "pre2016" && (string?)r["benefit"] == "ledighedsydelse" && (string?)r["activity"] == "passive")!;
        ((string?)ledighedsydelse["shape"]).Should().Be("cut-off");
        ((string?)ledighedsydelse["validTo"]).Should().Be("2016-01-03");
        rules["rules"]!.AsArray().Count(r => (string?)r!["shape"] == "staircase").Should().Be(12, "9 benefits on the 2016 staircase and pre-2016 dagpenge in 3 activities");
        rules["mentorFrames"]!.AsArray().Select(f => f!["frame"]!.GetValue<decimal>()).Should().AllBeEquivalentTo(2_130_576m);
    }

    [Fact]
    public async Task Every_rule_band_cap_scheme_and_frame_is_listed_with_its_own_source_and_none_cites_the_brief()
    {
        var rules = await (await client.GetAsync("/api/refusion/rules")).Json();

        var sources = rules["rules"]!.AsArray().SelectMany(r => r!["bands"]!.AsArray().Select(b => (string?)b!["source"]).Append((string?)r["source"]))
            .Concat(new[] { "operatingCaps", "centralRefusion", "mentorFrames" }.SelectMany(k => rules[k]!.AsArray().Select(x => (string?)x!["source"])))
            .ToArray();
        sources.Should().AllSatisfy(s => s.Should().StartWith("document: ").And.Contain("date: ").And.NotStartWith("domain.md"));
        var education = rules["rules"]!.AsArray().Single(r => (string?)r!["ruleSet"] == "pre2016" && (string?)r["benefit"] == "sygedagpenge" && (string?)r["activity"] == "education")!;
        ((string?)education["bands"]![2]!["source"]).Should().Contain("weeks 9–52 50 % with job-oriented activation or partial return, else 30 %").And.Contain("or ordinary education 50 %").And.Contain("0010-sygedagpenge-education-rate.md");
        var ledighedsydelse = rules["rules"]!.AsArray().Single(r => (string?)r!["ruleSet"] == "pre2016" && (string?)r["benefit"] == "ledighedsydelse" && (string?)r["activity"] == "passive")!;
        ledighedsydelse["resetAfterWeeksInJob"]!.GetValue<int>().Should().Be(39);
        rules["rules"]!.AsArray().Select(r => (string?)r!["benefit"]).Should().Contain(new[] { "personlig-assistance", "voksenelev-loentilskud" });
    }
}

/// <summary>The rule data is validated as a whole when it is loaded; invalid data stops the start-up.</summary>
public sealed class RuleDataTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "budget-rules", Guid.NewGuid().ToString("N"));

    public RuleDataTests()
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(Http.RepositoryRoot(), "data", "rules"), "*.csv"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Append(string file, string lines) => File.AppendAllText(Path.Combine(folder, file + ".csv"), lines, Encoding.UTF8);

    private RuleDataException Failure() => ((Action)(() => RuleData.LoadFolder(folder))).Should().Throw<RuleDataException>().Which;

    [Fact]
    public void The_shipped_rule_data_loads()
    {
        var book = RuleData.LoadFolder(folder);

        book.RuleSets.Should().Equal("2016", "pre2016");
        book.Caps.Should().HaveCount(12);
    }

    [Fact]
    public void An_overlapping_period_is_refused_naming_both_lines()
    {
        Append("refusion-rates", "2016,kontanthjaelp,*,1,,25,refusion,2020-01-01,,a later law,\n");

        Failure().Errors.Should().ContainSingle().Which.Message.Should().Be("2016 kontanthjaelp (any activity) valid 2020-01-01– overlaps line 31 (2016 kontanthjaelp (any activity) valid 2016-01-04–)");
    }

    [Fact]
    public void A_new_period_after_the_old_one_ends_needs_no_code()
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "refusion-rates.csv"))
            .Select(l => l.StartsWith("2016,kontanthjaelp,", StringComparison.Ordinal) ? l.Replace("2016-01-04,,", "2016-01-04,2026-12-31,", StringComparison.Ordinal) : l)
            .Append("2016,kontanthjaelp,*,1,12,75,refusion,2027-01-01,,next year's law,")
            .Append("2016,kontanthjaelp,*,13,,25,refusion,2027-01-01,,next year's law,");
        File.WriteAllLines(Path.Combine(folder, "refusion-rates.csv"), lines);

        var book = RuleData.LoadFolder(folder);

        book.Find("2016", "kontanthjaelp", null, new NodaTime.LocalDate(2027, 3, 1)).Rule!.RefusionAt(12).Percent.Should().Be(75m);
        book.Find("2016", "kontanthjaelp", null, new NodaTime.LocalDate(2026, 3, 1)).Rule!.RefusionAt(12).Percent.Should().Be(40m);
        book.Find("2016", "kontanthjaelp", null).Rule!.RefusionAt(13).Percent.Should().Be(25m, "without a date the latest period applies");
    }

    [Theory]
    [InlineData("refusion-rates", "2016,x,*,1,,101,refusion,2016-01-04,,s,\n", "rate", "'101' is not a number from 0 to 100 with at most 2 decimals")]
    [InlineData("refusion-rates", "2016,x,*,1,4,80,refusion,2016-01-04,,s,\n2016,x,*,6,,40,refusion,2016-01-04,,s,\n", "from_week", "2016 x (any activity): weeks 5–5 are not covered between weeks 1–4 and weeks 6+.")]
    [InlineData("refusion-rates", "2016,x,*,1,,40,refusion,2016-01-04,2015-01-01,s,\n", "valid_to", "2015-01-01 is before valid_from 2016-01-04")]
    [InlineData("refusion-rates", "2016,x,walking,1,,40,refusion,2016-01-04,,s,\n", "activity", "'walking' is not an activity (passive, job-oriented, education, partial-return, or * for any)")]
    [InlineData("refusion-rates", "2016,x,*,1,,40,refusion,2016-01-04,,s,0\n", "reset_after_weeks_in_job", "'0' is not a whole number from 1 to 520")]
    [InlineData("refusion-rates", "2016,x,*,1,4,40,refusion,2016-01-04,,s,39\n2016,x,*,5,,20,refusion,2016-01-04,,s,26\n", "reset_after_weeks_in_job", "2016 x (any activity) gives different resets after weeks in a job in one period")]
    [InlineData("operating-caps", "other,2014,kontanthjaelp-dagpenge,12000,50,yes,s\n", "in_force", "kontanthjaelp-dagpenge in 2014 has 2 caps in force; exactly one must be")]
    [InlineData("operating-caps", "other,2014,kontanthjaelp-dagpenge,-5,50,no,s\n", "amount_per_person", "the cap per person must be positive")]
    public void Invalid_rule_data_is_refused_with_file_line_column_and_reason(string file, string lines, string column, string message)
    {
        Append(file, lines);

        var error = Failure().Errors.Should().ContainSingle().Which;

        error.File.Should().Be(file);
        error.Column.Should().Be(column);
        error.Message.Should().Be(message);
        error.Line.Should().BeGreaterThan(1);
    }

    [Fact]
    public void The_api_does_not_start_on_invalid_rule_data_and_says_why()
    {
        Append("refusion-rates", "2016,x,*,1,,101,refusion,2016-01-04,,s,\n");
        using var factory = new BudgetApiFactory(seedDemo: false);

        var start = () => factory.WithWebHostBuilder(b => b.UseSetting("Budget:RulesPath", folder)).CreateClient();

        start.Should().Throw<RuleDataException>().WithMessage("The refusion rule data is invalid:\n  refusion-rates.csv line 67, rate: '101' is not a number from 0 to 100 with at most 2 decimals");
    }
}

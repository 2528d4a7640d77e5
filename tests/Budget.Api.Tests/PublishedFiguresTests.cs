using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// The demo year (data/demo) and the activity-area fixture reproduce the published figures of Lyngby-Taarbæk's
/// employment committee, round 1 of 2014 (domain.md §5), when rounded to 1.000 kr. as the paper does.
/// </summary>
public sealed class PublishedFiguresTests : IClassFixture<PublishedFiguresTests.DemoApi>
{
    public sealed class DemoApi : IDisposable
    {
        public BudgetApiFactory Factory { get; } = new(seedDemo: true);

        public void Dispose() => Factory.Dispose();
    }

    private readonly HttpClient client;

    public PublishedFiguresTests(DemoApi api) => client = api.Factory.CreateClient();

    private async Task<JsonNode> FollowUp(string by)
    {
        var response = await client.GetAsync($"/api/budget-years/2014/follow-up?round=1&by={by}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Json();
    }

    // Published per account: corrected budget, variance 2014, out-years 2015–2018 (1.000 kr.).
    public static TheoryData<string, string, decimal, decimal, decimal[]> Accounts => new()
    {
        { "5.57.73", "Kontanthjælp", 79_083, -7_565, [-8_510, -8_481, -8_452, -8_452] },
        { "5.48.68", "Førtidspension", 118_194, -4_000, [0, 0, 0, 0] },
        { "5.57.78", "Dagpenge til forsikrede ledige", 63_872, 3_402, [512, 512, 511, 511] },
        { "5.57.76", "Boligsikring", 14_698, 148, [190, 190, 190, 190] },
        { "5.57.79", "Særlig uddannelsesordning", 1_100, 1_000, [0, 0, 0, 0] },
        { "5.58.80", "Revalidering", 4_259, -1_000, [0, 0, 0, 0] },
        { "5.58.81", "Løntilskud fleksjob mv.", 34_294, 2_000, [0, 0, 0, 0] },
        { "5.58.82", "Ressourceforløb", 10_579, -1_000, [0, 0, 0, 0] },
        { "5.68.90", "Driftsudgifter beskæftigelsesindsats", 20_164, 850, [-227, 184, 1_432, 1_432] },
        { "5.68.91", "Beskæftigelsesindsats forsikrede ledige", 10_790, -391, [-508, -508, -508, -508] },
        { "5.68.97", "Seniorjob", 5_416, -1_000, [0, 0, 0, 0] },
        { "5.68.98", "Beskæftigelsesordninger", 4_786, 2_487, [1_821, 1_821, 1_821, 1_821] },
        { "5.46.60", "Integrationsprogram", 3_175, 44, [0, 0, 0, 0] },
        { "3.30.46", "Erhvervsgrunduddannelse", 1_537, 0, [0, 0, 0, 0] },
        { "4.62.90", "Andre sundhedsudgifter", 1_818, 0, [0, 0, 0, 0] },
        { "5.57.74", "Kontanthjælp til udlændinge", 3_562, 0, [0, 0, 0, 0] },
        { "5.48.67", "Personlige tillæg", 5_456, 0, [0, 0, 0, 0] },
        { "5.57.71", "Sygedagpenge", 49_633, 0, [0, 0, 0, 0] },
        { "5.57.72", "Sociale formål", 1_863, 0, [0, 0, 0, 0] },
        { "5.57.75", "Boligydelse", 26_594, 0, [0, 0, 0, 0] },
        { "5.68.95", "Løn forsikrede ledige", 751, 0, [0, 0, 0, 0] },
        { "5.68.96", "Servicejob", -24, 0, [0, 0, 0, 0] },
        { "6.48.67", "Erhverv", 2_150, 0, [0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Accounts))]
    public async Task Every_account_shows_its_published_corrected_budget_variance_and_out_years(string account, string name, decimal corrected, decimal variance, decimal[] outYears)
    {
        var report = await FollowUp("account");

        var row = report["rows"]!.AsArray().Single(r => (string?)r!["account"] == account)!;
        ((string?)row["accountName"]).Should().Be(name);
        row["correctedBudget"].Thousands().Should().Be(corrected);
        row["varianceToCorrected"].Thousands().Should().Be(variance);
        row["outYears"]!.AsArray().Select(y => y.Thousands()).Should().Equal(outYears);
        ((int)row["estimatesMissing"]!).Should().Be(0);
    }

    [Fact]
    public async Task The_account_table_totals_are_the_published_totals()
    {
        var report = await FollowUp("account");

        var total = report["total"]!;
        total["correctedBudget"].Thousands().Should().Be(463_747, "the rows print 463.750 in sum; the total is rounded from unrounded amounts");
        report["rows"]!.AsArray().Sum(r => r!["correctedBudget"].Thousands()).Should().Be(463_750);
        total["varianceToCorrected"].Thousands().Should().Be(-5_025);
        total["outYears"]!.AsArray().Select(y => y.Thousands()).Should().Equal(-6_722, -6_282, -5_006, -5_006);
    }

    // The committee paper's summary table (original / corrected / estimate), with the Erhverv row and 45.365.
    public static TheoryData<string, decimal, decimal, decimal> Groups => new()
    {
        { "Tilbud til udlændinge", 6_737, 6_737, 6_781 },
        { "Førtidspensioner og personlige tillæg", 123_707, 123_649, 119_649 },
        { "Kontante ydelser", 236_748, 238_660, 235_645 },
        { "Revalidering m.v.", 50_132, 49_132, 49_132 },
        { "Arbejdsmarkedsforanstaltninger", 42_859, 43_419, 45_365 },
        { "Erhverv", 0, 2_150, 2_150 },
    };

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Every_reporting_group_shows_the_published_summary_figures(string group, decimal original, decimal corrected, decimal estimate)
    {
        var report = await FollowUp("group");

        var row = report["rows"]!.AsArray().Single(r => (string?)r!["group"] == group)!;
        row["originalBudget"].Thousands().Should().Be(original);
        row["correctedBudget"].Thousands().Should().Be(corrected);
        row["estimate"].Thousands().Should().Be(estimate);
        row["activityArea"].Should().BeNull();
        ((string?)row["committee"]).Should().Be("Erhvervs- og Beskæftigelsesudvalget");
    }

    [Fact]
    public async Task The_committee_total_is_the_published_total()
    {
        var report = await FollowUp("committee");

        var committee = report["rows"]!.AsArray().Should().ContainSingle().Subject!;
        committee["originalBudget"].Thousands().Should().Be(460_182);
        committee["correctedBudget"].Thousands().Should().Be(463_747);
        committee["estimate"].Thousands().Should().Be(458_722);
        committee["varianceToCorrected"].Thousands().Should().Be(-5_025);
        committee["varianceToOriginal"].Thousands().Should().Be(-1_460);
        committee["group"].Should().BeNull();
        committee["account"].Should().BeNull();
    }

    [Fact]
    public async Task Demo_activity_areas_differ_from_the_printed_area_table_only_where_the_published_levels_disagree()
    {
        // The published account table puts Førtidspension (−4.000) and Boligsikring (+148) where the printed area
        // table shows no variance, and its accounts sum 58 t.kr. below the printed area: see
        // docs/decisions/0002-demo-year-from-three-published-levels.md. Originals and consumption are as printed.
        var report = await FollowUp("activity-area");
        JsonNode Area(string name) => report["rows"]!.AsArray().Single(r => (string?)r!["activityArea"] == name)!;

        Area("Beskæftigelse")["originalBudget"].Thousands().Should().Be(293_262);
        Area("Beskæftigelse")["consumption"].Thousands().Should().Be(43_168);
        Area("Beskæftigelse")["councilDecisions"].Thousands().Should().Be(-403);
        Area("Ydelser og overførsler")["originalBudget"].Thousands().Should().Be(166_921);
        Area("Ydelser og overførsler")["carryOvers"].Thousands().Should().Be(117);
        Area("Ydelser og overførsler")["consumption"].Thousands().Should().Be(39_364);
        Area("Ydelser og overførsler")["correctedBudget"].Thousands().Should().Be(168_622);
        Area("Ydelser og overførsler")["varianceToCorrected"].Thousands().Should().Be(-3_852);
        Area("Erhverv")["consumptionPercent"]!.GetValue<decimal>().Should().Be(77.9m);
        report["total"]!["technicalReallocations"].Thousands().Should().Be(3_851, "58 + 1.643 + 2.150 as printed");
    }

    [Fact]
    public async Task Round_2_of_the_demo_counts_postings_to_june_and_reports_every_estimate_missing()
    {
        var response = await client.GetAsync("/api/budget-years/2014/follow-up?round=2&by=committee");
        var report = await response.Json();

        ((string?)report["asOf"]).Should().Be("2014-06-30");
        var total = report["total"]!;
        total["consumption"].Thousands().Should().Be(168_414, "twice the first quarter's 84.207");
        ((int)total["estimatesMissing"]!).Should().Be(23);
        total["varianceToCorrected"]!.GetValue<decimal>().Should().Be(0);
    }
}

public sealed class ActivityAreaFixtureTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: false);

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task The_printed_activity_area_table_reproduces_the_contract_example_row_exactly()
    {
        var client = factory.CreateClient();
        var import = await client.PostAsync("/api/budget-years/2014/dataset", Http.DatasetFolder("data/fixtures/lyngby-taarbaek-2014-activity-areas"));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());

        var report = await (await client.GetAsync("/api/budget-years/2014/follow-up?round=1&by=activity-area")).Json();

        var employment = report["rows"]!.AsArray().Single(r => (string?)r!["activityArea"] == "Beskæftigelse")!;
        var expected = JsonNode.Parse("""
            { "committee": "Erhvervs- og Beskæftigelsesudvalget", "activityArea": "Beskæftigelse",
              "account": null, "group": null,
              "originalBudget": 293262000, "priorEstimateShifts": 0, "carryOvers": 0,
              "councilDecisions": -403000, "technicalReallocations": 58000, "estimateAppropriations": 0,
              "supplementaryAppropriations": -345000, "correctedBudget": 292917000,
              "consumption": 43168000, "consumptionPercent": 14.7,
              "estimate": 287892000, "varianceToCorrected": -5025000, "varianceToOriginal": -5370000,
              "outYears": [0, 0, 0, 0], "estimatesMissing": 0 }
            """)!.AsObject();
        foreach (var (name, value) in expected)
        {
            JsonNode.DeepEquals(employment[name], value).Should().BeTrue($"{name} should be {value?.ToJsonString()}, was {employment[name]?.ToJsonString()}");
        }

        ((string?)report["by"]).Should().Be("activity-area");
        ((string?)report["unit"]).Should().Be("kr");
        report["total"]!["consumption"]!.GetValue<decimal>().Should().Be(84_207_000m, "the posting of 30 April lies after the cut-off");
    }
}

using System.Net;
using System.Text.Json.Nodes;
using NodaTime;

namespace Budget.Api.Tests;

/// <summary>
/// Year-end over HTTP (contract §9, docs/year-end.md) on a year 2020 and its next year 2021, with the example carry-over
/// policies shipped in data/rules/carry-over-policies.csv: drift carries both ways within ±5 %, anlæg in full,
/// transfers and employment (5.68) only by decision. Amounts of the size the published papers print.
/// </summary>
public sealed class YearEndTests : IAsyncLifetime, IDisposable
{
    private const string Schools = "Børne- og Skoleudvalget";
    private const string Employment = "Erhvervs- og Beskæftigelsesudvalget";
    private const string Finance = "Økonomiudvalget";

    private const string Accounts = """
        committee,activity_area,account,name,group,block
        Børne- og Skoleudvalget,Skoler,3.22.01,Folkeskoler,,drift
        Børne- og Skoleudvalget,Skoler,3.22.05,Skolefritidsordninger,,drift
        Børne- og Skoleudvalget,Skolebyggeri,3.22.01.001,Renovering af skoler,,anlaeg
        Erhvervs- og Beskæftigelsesudvalget,Beskæftigelse,5.68.90,Driftsudgifter beskæftigelsesindsats,,drift
        Erhvervs- og Beskæftigelsesudvalget,Beskæftigelse,5.68.98,Beskæftigelsesordninger,,drift
        Erhvervs- og Beskæftigelsesudvalget,Ydelser og overførsler,5.57.73,Kontanthjælp,,drift
        Erhvervs- og Beskæftigelsesudvalget,Ydelser og overførsler,4.62.90,Andre sundhedsudgifter,,drift
        Erhvervs- og Beskæftigelsesudvalget,Erhverv,6.48.67,Erhverv,,drift
        Økonomiudvalget,Finansiering,7.68.70,Kommunal indkomstskat,,finansiering

        """;

    /// <summary>Corrected budget (original, plus a council decision on 3.22.01) and the year's accounts per account.</summary>
    private const string Movements2020 = """
        account,kind,amount,decided_on,reference,decided_by
        3.22.01,original_budget,148500000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        3.22.01,council_decision,1500000,2020-06-24,KB 24.06.2020,Kommunalbestyrelsen
        3.22.05,original_budget,20000000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        3.22.01.001,original_budget,12000000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        5.68.90,original_budget,20164000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        5.68.98,original_budget,4786000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        5.57.73,original_budget,79082600,2019-10-09,Budget 2020,Kommunalbestyrelsen
        4.62.90,original_budget,1818000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        6.48.67,original_budget,2150000,2019-10-09,Budget 2020,Kommunalbestyrelsen
        7.68.70,original_budget,-500000000,2019-10-09,Budget 2020,Kommunalbestyrelsen

        """;

    private const string Postings2020 = """
        account,posted_on,amount
        3.22.01,2020-06-30,70000000
        3.22.01,2020-12-15,77000000
        3.22.05,2020-12-15,18500000
        3.22.01.001,2020-12-15,9250000
        5.68.90,2020-12-15,19314000
        5.68.98,2020-12-15,7273000
        5.57.73,2020-12-15,71517600
        4.62.90,2020-12-15,1850000
        6.48.67,2020-12-15,2263500
        7.68.70,2020-12-15,-501200000

        """;

    /// <summary>2021 has every account of 2020 but the school renovation (added in the tests that need it).</summary>
    private static string Accounts2021 => string.Join('\n', Accounts.Split('\n').Where(l => !l.Contains("3.22.01.001", StringComparison.Ordinal)));

    private static string Movements2021 => Movements2020.Replace("2019-10-09,Budget 2020", "2020-10-07,Budget 2021", StringComparison.Ordinal)
        .Split('\n').Where(l => !l.Contains("3.22.01.001", StringComparison.Ordinal) && !l.Contains("council_decision", StringComparison.Ordinal)).Aggregate((a, b) => a + "\n" + b);

    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private HttpClient finance = null!;
    private HttpClient council = null!;
    private HttpClient consultant = null!;
    private HttpClient committee = null!;

    public async Task InitializeAsync()
    {
        using var admin = factory.CreateClient();
        await Import(admin, 2020, ("accounts", Accounts), ("movements", Movements2020), ("postings", Postings2020));
        await Import(admin, 2021, ("accounts", Accounts2021), ("movements", Movements2021));
        finance = factory.WithKey(await Users.Create(factory, "Økonomichef", ["finance"]));
        council = factory.WithKey(await Users.Create(factory, "Borgmester", ["council"]));
        consultant = factory.WithKey(await Users.Create(factory, "Konsulent", ["consultant"]));
        committee = factory.WithKey(await Users.Create(factory, "Udvalgsformand", ["committee"]));
        factory.Clock.Set(Instant.FromUtc(2021, 1, 20, 9, 0));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var client in new[] { finance, council, consultant, committee })
        {
            client?.Dispose();
        }

        factory.Dispose();
    }

    private static async Task Import(HttpClient client, int year, params (string Name, string Csv)[] files)
    {
        var response = await client.PostAsync($"/api/budget-years/{year}/dataset", Http.Dataset(files));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> Close(string closedOn = "2021-02-26", HttpClient? client = null) =>
        (client ?? finance).PostAsync("/api/budget-years/2020/close", Http.JsonBody(new { closedOn }));

    private Task<HttpResponseMessage> Approve(object? overrides = null, string decidedOn = "2021-03-25", HttpClient? client = null, int year = 2020) =>
        (client ?? council).PostAsync($"/api/budget-years/{year}/carry-overs/approve", Http.JsonBody(new { decidedOn, reference = "KB 25.03.2021, pkt. 7", overrides }));

    private async Task<JsonNode> CarryOvers(string by = "account")
    {
        var response = await finance.GetAsync($"/api/budget-years/2020/carry-overs?by={by}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return await response.Json();
    }

    private static string Row(string committee, string area, string account, string name, long corrected, long accounts, string? policy, decimal? share, decimal? cap, long proposed, string? flag) =>
        new JsonObject
        {
            ["committee"] = committee, ["activityArea"] = area, ["account"] = account,
            ["correctedBudget"] = corrected, ["accounts"] = accounts, ["result"] = accounts - corrected,
            ["policy"] = policy, ["share"] = share, ["cap"] = cap, ["proposed"] = proposed, ["flag"] = flag, ["accountName"] = name,
        }.Text();

    private const string Band = "Drift: over- og underskud inden for ±5 %";

    [Fact]
    public async Task The_preview_of_an_open_year_gives_each_accounts_result_policy_and_proposal()
    {
        var preview = await CarryOvers();

        ((string?)preview["state"]).Should().Be("open");
        ((string?)preview["asOf"]).Should().Be("2021-01-20", "an open year is a preview as of today's postings");
        preview["rows"]!.AsArray().Select(r => r.Text()).Should().Equal(
            Row(Schools, "Skolebyggeri", "3.22.01.001", "Renovering af skoler", 12_000_000, 9_250_000, "Anlæg: fuld overførsel", 1m, null, 2_750_000, null),
            Row(Schools, "Skoler", "3.22.01", "Folkeskoler", 150_000_000, 147_000_000, Band, 1m, 5m, 3_000_000, null),
            Row(Schools, "Skoler", "3.22.05", "Skolefritidsordninger", 20_000_000, 18_500_000, Band, 1m, 5m, 1_000_000, "capped"),
            Row(Employment, "Beskæftigelse", "5.68.90", "Driftsudgifter beskæftigelsesindsats", 20_164_000, 19_314_000, "Beskæftigelsesindsats: efter beslutning", null, null, 0, "by-decision"),
            Row(Employment, "Beskæftigelse", "5.68.98", "Beskæftigelsesordninger", 4_786_000, 7_273_000, "Beskæftigelsesindsats: efter beslutning", null, null, 0, "by-decision"),
            Row(Employment, "Erhverv", "6.48.67", "Erhverv", 2_150_000, 2_263_500, Band, 1m, 5m, -107_500, "capped"),
            Row(Employment, "Ydelser og overførsler", "4.62.90", "Andre sundhedsudgifter", 1_818_000, 1_850_000, Band, 1m, 5m, -32_000, null),
            Row(Employment, "Ydelser og overførsler", "5.57.73", "Kontanthjælp", 79_082_600, 71_517_600, "Overførselsudgifter: efter beslutning", null, null, 0, "by-decision"),
            Row(Finance, "Finansiering", "7.68.70", "Kommunal indkomstskat", -500_000_000, -501_200_000, null, null, null, 0, "by-decision"));
        preview["total"]!.Text().Should().Be("""{"committee":null,"activityArea":null,"account":null,"correctedBudget":-209999400,"accounts":-224231900,"result":-14232500,"policy":null,"share":null,"cap":null,"proposed":6610500,"flag":null}""");
    }

    [Fact]
    public async Task Per_area_and_per_committee_the_rows_sum_their_accounts_and_keep_the_same_total()
    {
        var byArea = await CarryOvers("activity-area");
        var byCommittee = await CarryOvers("committee");
        var byAccount = await CarryOvers();

        byArea["rows"]!.AsArray().Select(r => ((string?)r!["activityArea"], r["correctedBudget"]!.GetValue<decimal>(), r["result"]!.GetValue<decimal>(), (string?)r["policy"], r["proposed"]!.GetValue<decimal>(), (string?)r["flag"])).Should().Equal(
            ("Skolebyggeri", 12_000_000m, -2_750_000m, "Anlæg: fuld overførsel", 2_750_000m, null),
            ("Skoler", 170_000_000m, -4_500_000m, Band, 4_000_000m, "capped"),
            ("Beskæftigelse", 24_950_000m, 1_637_000m, "Beskæftigelsesindsats: efter beslutning", 0m, "by-decision"),
            ("Erhverv", 2_150_000m, 113_500m, Band, -107_500m, "capped"),
            ("Ydelser og overførsler", 80_900_600m, -7_533_000m, null, -32_000m, "by-decision"),
            ("Finansiering", -500_000_000m, -1_200_000m, null, 0m, "by-decision"));
        byArea["rows"]![0]!["account"].Should().BeNull();
        byCommittee["rows"]!.AsArray().Select(r => ((string?)r!["committee"], r["accounts"]!.GetValue<decimal>(), r["proposed"]!.GetValue<decimal>())).Should().Equal(
            (Schools, 174_750_000m, 6_750_000m), (Employment, 102_218_100m, -139_500m), (Finance, -501_200_000m, 0m));
        byArea["total"]!.Text().Should().Be(byAccount["total"]!.Text());
        byCommittee["total"]!.Text().Should().Be(byAccount["total"]!.Text());
        (await finance.GetAsync("/api/budget-years/2020/carry-overs?by=group")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await finance.GetAsync("/api/budget-years/1999/carry-overs")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Closing_shows_in_the_year_and_refuses_postings_estimates_transitions_and_an_import_of_them_afterwards()
    {
        (await (await finance.GetAsync("/api/budget-years/2020")).Json())["state"]!.GetValue<string>().Should().Be("open");
        (await Problem(await Close("2020-12-30"), HttpStatusCode.BadRequest))["errors"]!["closedOn"]![0]!.GetValue<string>()
            .Should().Be("The accounts of 2020 close from 2020-12-31 (its last day) to 2021-06-30, not on 2020-12-30.");

        var closed = await Close();

        closed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await closed.Json()).Text().Should().Be("""{"year":2020,"state":"closed","closedOn":"2021-02-26"}""");
        var year = await (await finance.GetAsync("/api/budget-years/2020")).Json();
        ((string?)year["state"]).Should().Be("closed");
        ((string?)year["closedOn"]).Should().Be("2021-02-26");

        var posting = await Problem(await finance.PostAsync("/api/budget-years/2020/postings", Http.JsonBody(new[] { new { account = "3.22.01", postedOn = "2020-12-31", amount = 1_000m } })), HttpStatusCode.Conflict);
        ((string?)posting["detail"]).Should().Be("Budget year 2020 was closed on 2021-02-26: its postings, estimates and rounds are final. Nothing was stored.");
        ((string?)posting["state"]).Should().Be("closed");
        ((string?)posting["closedOn"]).Should().Be("2021-02-26");
        await Problem(await consultant.PutAsync("/api/budget-years/2020/rounds/3/estimates/3.22.01", Http.JsonBody(new { estimate = 147_000_000m, explanation = "", outYears = new[] { 0m, 0m, 0m, 0m } })), HttpStatusCode.Conflict);
        await Problem(await consultant.PostAsync("/api/budget-years/2020/rounds/3/submit", null), HttpStatusCode.Conflict);
        var import = await Problem(await finance.PostAsync("/api/budget-years/2020/dataset", Http.Dataset(("postings", "account,posted_on,amount\n3.22.01,2020-12-31,5\n"))), HttpStatusCode.Conflict);
        import["errors"]![0]!.Text().Should().Be("""{"file":"postings","line":0,"column":null,"message":"budget year 2020 was closed on 2021-02-26: its postings are final"}""");
        ((string?)(await Problem(await Close(), HttpStatusCode.Conflict))["detail"]).Should().Be("Budget year 2020 was closed on 2021-02-26; a closed year stays closed.");

        var accounts = (await (await finance.GetAsync("/api/budget-years/2020/follow-up?round=3&by=account&asOf=2020-12-31")).Json())["total"]!;
        accounts["consumption"]!.GetValue<decimal>().Should().Be(-224_231_900m, "nothing was posted after the closing");
        var closedPreview = await CarryOvers();
        ((string?)closedPreview["state"]).Should().Be("closed");
        ((string?)closedPreview["asOf"]).Should().Be("2021-02-26", "a closed year's carry-overs are as of its closing");

        var audit = (await (await finance.GetAsync("/api/budget-years/2020/audit?target=budget-years/2020")).Json()).AsArray().Where(a => (string?)a!["action"] == "year.close").ToArray();
        audit.Should().ContainSingle();
        ((string?)audit[0]!["user"]).Should().Be("Økonomichef");
        audit[0]!["before"]!.Text().Should().Be("""{"state":"open"}""");
        audit[0]!["after"]!.Text().Should().Be("""{"state":"closed","closedOn":"2021-02-26"}""");
    }

    [Fact]
    public async Task Approval_needs_a_closed_year_then_creates_exactly_the_proposed_or_overridden_movements_in_the_next_year_once()
    {
        var open = await Problem(await Approve(), HttpStatusCode.Conflict);
        ((string?)open["state"]).Should().Be("open");
        await Close();
        var overrides = new object[]
        {
            new { account = "3.22.05", amount = 1_500_000m },
            new { account = "5.57.73", amount = 500_000m },
            new { account = "5.68.98", amount = -2_487_000m },
        };

        var missing = await Problem(await Approve(overrides), HttpStatusCode.BadRequest);
        ((string?)missing["errors"]!["overrides"]![0]).Should().Be("These accounts would carry an amount into 2021 but are not accounts of 2021: 3.22.01.001 (2750000.00 kr.). Add them to 2021, or override their carry-over with 0.");
        await Import(finance, 2021, ("accounts", "committee,activity_area,account,name,group,block\nBørne- og Skoleudvalget,Skolebyggeri,3.22.01.001,Renovering af skoler,,anlaeg\n"));
        (await Problem(await Approve(new object[] { new { account = "9.99.99", amount = 1m }, new { account = "3.22.05", amount = 1m }, new { account = "3.22.05", amount = 2m } }), HttpStatusCode.BadRequest))["errors"]!.Text()
            .Should().Be("""{"overrides[0].account":["'9.99.99' is not an account of 2020."],"overrides[2].account":["Account '3.22.05' is overridden twice."]}""");
        factory.Clock.Set(Instant.FromUtc(2021, 3, 25, 18, 30));

        var approved = await Approve(overrides);

        approved.StatusCode.Should().Be(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        (await approved.Json()).Text().Should().Be("""{"movements":7,"total":5123500,"into":2021,"decidedOn":"2021-03-25"}""");
        var next = (await (await finance.GetAsync("/api/budget-years/2021/follow-up?round=1&by=account")).Json())["rows"]!.AsArray()
            .ToDictionary(r => (string)r!["account"]!, r => r!["carryOvers"]!.GetValue<decimal>());
        next.Should().Equal(new Dictionary<string, decimal>
        {
            ["3.22.01"] = 3_000_000m,
            ["3.22.01.001"] = 2_750_000m,
            ["3.22.05"] = 1_500_000m,
            ["4.62.90"] = -32_000m,
            ["5.57.73"] = 500_000m,
            ["5.68.90"] = 0m,
            ["5.68.98"] = -2_487_000m,
            ["6.48.67"] = -107_500m,
            ["7.68.70"] = 0m,
        });
        var folkeskoler = (await (await finance.GetAsync("/api/budget-years/2021/accounts/3.22.01/history")).Json()).AsArray().Single(h => (string?)h!["kind"] == "carry_over")!;
        ((string?)folkeskoler["date"]).Should().Be("2021-03-25");
        ((string?)folkeskoler["reference"]).Should().Be("KB 25.03.2021, pkt. 7");
        ((string?)folkeskoler["decidedBy"]).Should().Be("Kommunalbestyrelsen");
        var total2021 = (await (await finance.GetAsync("/api/budget-years/2021/follow-up?round=1&by=committee")).Json())["total"]!;
        total2021["carryOvers"]!.GetValue<decimal>().Should().Be(5_123_500m);
        total2021["supplementaryAppropriations"]!.GetValue<decimal>().Should().Be(5_123_500m);

        var again = await Problem(await Approve(), HttpStatusCode.Conflict);
        ((string?)again["detail"]).Should().Be("The carry-overs of 2020 were approved on 2021-03-25; a correction is a new movement in 2021.");
        ((string?)(await CarryOvers())["carryOversApprovedOn"]).Should().Be("2021-03-25");
        (await (await finance.GetAsync("/api/budget-years/2021/follow-up?round=1&by=committee")).Json())["total"]!["carryOvers"]!.GetValue<decimal>().Should().Be(5_123_500m, "the second approval stored nothing");

        var audit = (await (await finance.GetAsync("/api/budget-years/2020/audit")).Json()).AsArray().Single(a => (string?)a!["action"] == "carry-overs.approve")!;
        ((string?)audit["user"]).Should().Be("Borgmester");
        ((string?)audit["at"]).Should().Be("2021-03-25T18:30:00Z");
        ((string?)audit["target"]).Should().Be("budget-years/2020/carry-overs");
        audit["after"]!["movements"]!.AsArray().Single(m => (string?)m!["account"] == "3.22.05")!.Text().Should().Be("""{"account":"3.22.05","amount":1500000,"proposed":1000000,"overridden":true}""");
        audit["after"]!["total"]!.GetValue<decimal>().Should().Be(5_123_500m);
    }

    [Fact]
    public async Task A_decision_before_the_closing_or_after_the_next_years_window_is_refused()
    {
        await Close();

        var early = await Problem(await Approve(decidedOn: "2021-02-25"), HttpStatusCode.BadRequest);
        var late = await Problem(await Approve(decidedOn: "2022-07-01"), HttpStatusCode.BadRequest);
        var bad = await Problem(await council.PostAsync("/api/budget-years/2020/carry-overs/approve", Http.JsonBody(new { overrides = new[] { new { account = "3.22.05", amount = 0.001m } } })), HttpStatusCode.BadRequest);

        ((string?)early["errors"]!["decidedOn"]![0]).Should().Be("The carry-over case of 2020 is decided from its closing 2021-02-26 to 2022-06-30, not on 2021-02-25.");
        late["errors"]!["decidedOn"].Should().NotBeNull();
        bad["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("DecidedOn", "Overrides[0].Amount");
        (await (await finance.GetAsync("/api/budget-years/2021/follow-up?round=1&by=committee")).Json())["total"]!["carryOvers"]!.GetValue<decimal>().Should().Be(0m);
    }

    private Task<HttpResponseMessage> PutEstimate(int round, string account, decimal estimate, decimal? timeShift, string? etag = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2020/rounds/{round}/estimates/{account}")
        {
            Content = Http.JsonBody(new { estimate, explanation = "Renoveringen af to skoler er forsinket til 2021.", outYears = new[] { 0m, 0m, 0m, 0m }, timeShift }),
        };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return consultant.SendAsync(request);
    }

    [Fact]
    public async Task A_time_shift_at_the_3rd_estimate_moves_into_the_next_year_on_approval_and_nets_to_zero_over_the_two()
    {
        // Renovering af skoler: corrected 12.000.000, estimate 9.250.000, variance −2.750.000, of which 2.000.000 moves to 2021.
        ((string?)(await Problem(await PutEstimate(3, "3.22.01.001", 9_250_000m, 100_000m), HttpStatusCode.BadRequest))["errors"]!["timeShift"]![0])
            .Should().Be("A time shift has the sign of the variance (-2750000.00 kr.): 100000.00 kr. moves money the other way.");
        ((string?)(await Problem(await PutEstimate(3, "3.22.01.001", 9_250_000m, -3_000_000m), HttpStatusCode.BadRequest))["errors"]!["timeShift"]![0])
            .Should().Be("A time shift is at most the size of the variance (-2750000.00 kr.): -3000000.00 kr. is more.");
        ((string?)(await Problem(await PutEstimate(1, "3.22.01.001", 9_250_000m, -2_000_000m), HttpStatusCode.BadRequest))["errors"]!["timeShift"]![0])
            .Should().Be("A time shift (tidsforskydning) is given with the 3rd estimate, not in round 1.");
        var saved = await PutEstimate(3, "3.22.01.001", 9_250_000m, -2_000_000m);
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        (await saved.Json())["timeShift"]!.GetValue<decimal>().Should().Be(-2_000_000m);

        (await consultant.PostAsync("/api/budget-years/2020/rounds/3/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var name in new[] { Schools, Employment, Finance })
        {
            (await committee.PostAsync("/api/budget-years/2020/rounds/3/recommend", Http.JsonBody(new { committee = name }))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var round3 = new { decidedOn = "2020-11-25", reference = "KB 25.11.2020, pkt. 4" };
        var refused = await Problem(await council.PostAsync("/api/budget-years/2020/rounds/3/approve", Http.JsonBody(round3)), HttpStatusCode.BadRequest);
        ((string?)refused["errors"]!["timeShift"]![0]).Should().Be("These accounts have a time shift into 2021 but are not accounts of 2021: 3.22.01.001 (-2000000.00 kr.). Add them to 2021 before approving.");
        await Import(finance, 2021, ("accounts", "committee,activity_area,account,name,group,block\nBørne- og Skoleudvalget,Skolebyggeri,3.22.01.001,Renovering af skoler,,anlaeg\n"));

        var approved = await council.PostAsync("/api/budget-years/2020/rounds/3/approve", Http.JsonBody(round3));

        approved.StatusCode.Should().Be(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        (await approved.Json())["shifted"]!.Text().Should().Be("""[{"account":"3.22.01.001","amount":2000000,"decidedOn":"2020-11-25","reference":"KB 25.11.2020, pkt. 4","decidedBy":"Kommunalbestyrelsen"}]""");
        var this2020 = (await (await finance.GetAsync("/api/budget-years/2020/follow-up?round=3&by=account&asOf=2020-12-31")).Json())["rows"]!.AsArray().Single(r => (string?)r!["account"] == "3.22.01.001")!;
        var next2021 = (await (await finance.GetAsync("/api/budget-years/2021/follow-up?round=1&by=account")).Json())["rows"]!.AsArray().Single(r => (string?)r!["account"] == "3.22.01.001")!;
        this2020["estimateAppropriations"]!.GetValue<decimal>().Should().Be(-2_750_000m, "the council grants the variance, the time shift included");
        this2020["correctedBudget"]!.GetValue<decimal>().Should().Be(9_250_000m);
        next2021["priorEstimateShifts"]!.GetValue<decimal>().Should().Be(2_000_000m, "the shifted part arrives in 2021 as overf. 3. AR");
        next2021["correctedBudget"]!.GetValue<decimal>().Should().Be(2_000_000m);
        var audit = (await (await finance.GetAsync("/api/budget-years/2020/audit")).Json()).AsArray().Single(a => (string?)a!["action"] == "round.approve")!;
        audit["after"]!["nextYearShifts"]!.Text().Should().Be("""[{"account":"3.22.01.001","amount":2000000}]""");
    }

    public static TheoryData<string, string, bool> WhoMay() => new()
    {
        { "finance", "close", true }, { "consultant", "close", false }, { "committee", "close", false }, { "council", "close", false }, { "reader", "close", false },
        { "council", "approve", true }, { "finance", "approve", false }, { "consultant", "approve", false }, { "committee", "approve", false }, { "reader", "approve", false },
        { "reader", "read", true }, { "consultant", "read", true }, { "committee", "read", true }, { "council", "read", true }, { "finance", "read", true },
    };

    [Theory]
    [MemberData(nameof(WhoMay))]
    public async Task Finance_closes_the_council_approves_and_every_role_reads(string role, string endpoint, bool allowed)
    {
        using var client = factory.WithKey(await Users.Create(factory, $"{role} user", [role]));
        var request = endpoint switch
        {
            "close" => new HttpRequestMessage(HttpMethod.Post, "/api/budget-years/9999/close") { Content = Http.JsonBody(new { closedOn = "2021-01-01" }) },
            "approve" => new HttpRequestMessage(HttpMethod.Post, "/api/budget-years/9999/carry-overs/approve") { Content = Http.JsonBody(new { decidedOn = "2021-03-01" }) },
            _ => new HttpRequestMessage(HttpMethod.Get, "/api/budget-years/9999/carry-overs"),
        };

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(allowed ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_limited_to_some_committees_may_not_close_and_nobody_reads_carry_overs_without_a_key()
    {
        using var scoped = factory.WithKey(await Users.Create(factory, "Skolernes økonomi", ["finance"], [Schools]));
        using var anonymous = factory.Anonymous();

        var refused = await Problem(await Close(client: scoped), HttpStatusCode.Forbidden);

        ((string?)refused["detail"]).Should().Be("Skolernes økonomi is limited to some committees; closing a year closes every committee's accounts.");
        ((string?)(await (await finance.GetAsync("/api/budget-years/2020")).Json())["state"]).Should().Be("open");
        (await anonymous.GetAsync("/api/budget-years/2020/carry-overs")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_carry_over_table_exports_as_csv_and_xlsx_with_the_same_figures()
    {
        var csv = await finance.GetByteArrayAsync("/api/budget-years/2020/carry-overs?by=activity-area&format=csv");
        var xlsx = await finance.GetByteArrayAsync("/api/budget-years/2020/carry-overs?by=activity-area&format=xlsx");

        var lines = System.Text.Encoding.UTF8.GetString(csv, 3, csv.Length - 3).Split("\r\n");
        lines.Should().Contain("Børne- og Skoleudvalget;Skoler;;;170000000,00;165500000,00;-4500000,00;Drift: over- og underskud inden for ±5 %;100,0;5,0;4000000,00;begrænset af loftet");
        lines.Should().Contain("I alt;;;;-209999400,00;-224231900,00;-14232500,00;;;;6610500,00;");
        var sheet = Budget.Reports.XlsxRenderer.Read(xlsx).Single();
        decimal.Parse(sheet.Rows.Single(r => r[0] == "I alt")[10], System.Globalization.CultureInfo.InvariantCulture).Should().Be(6_610_500m);
    }
}

/// <summary>Without the next year: the carry-overs have nowhere to go (404), and round 3's time shifts are not written.</summary>
public sealed class YearEndWithoutNextYearTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: false);

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Approving_carry_overs_into_a_missing_next_year_is_404_and_stores_nothing()
    {
        using var admin = factory.CreateClient();
        (await admin.PostAsync("/api/budget-years/2030/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name\nØkonomiudvalget,Administration,6.45.51,Sekretariat\n"),
            ("movements", "account,kind,amount,decided_on,reference\n6.45.51,original_budget,1000000,2029-10-09,Budget 2030\n")))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/budget-years/2030/close", Http.JsonBody(new { closedOn = "2031-01-31" }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var response = await admin.PostAsync("/api/budget-years/2030/carry-overs/approve", Http.JsonBody(new { decidedOn = "2031-03-01", reference = "KB" }));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        ((string?)(await response.Json())["detail"]).Should().Be("Budget year 2031, which the carry-overs of 2030 go into, does not exist: import it first.");
        (await (await admin.GetAsync("/api/budget-years/2030/carry-overs")).Json())["carryOversApprovedOn"].Should().BeNull();
        (await (await admin.GetAsync("/api/budget-years/2030/audit")).Json()).AsArray().Select(a => (string?)a!["action"]).Should().Equal("dataset.import", "year.close");
    }

    [Fact]
    public async Task Approving_round_3_without_a_next_year_writes_no_time_shift_and_says_so()
    {
        using var admin = factory.CreateClient();
        (await admin.PostAsync("/api/budget-years/2030/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,group,block\nØkonomiudvalget,Byggeri,6.45.51.002,Rådhus,,anlaeg\n"),
            ("movements", "account,kind,amount,decided_on,reference\n6.45.51.002,original_budget,5000000,2029-10-09,Budget 2030\n")))).StatusCode.Should().Be(HttpStatusCode.OK);
        var estimate = await admin.PutAsync("/api/budget-years/2030/rounds/3/estimates/6.45.51.002", Http.JsonBody(new { estimate = 3_000_000m, explanation = "Forsinket.", outYears = new[] { 0m, 0m, 0m, 0m }, timeShift = -1_500_000m }));
        estimate.StatusCode.Should().Be(HttpStatusCode.OK, await estimate.Content.ReadAsStringAsync());
        (await admin.PostAsync("/api/budget-years/2030/rounds/3/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/budget-years/2030/rounds/3/recommend", Http.JsonBody(new { committee = "Økonomiudvalget" }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var approved = await admin.PostAsync("/api/budget-years/2030/rounds/3/approve", Http.JsonBody(new { decidedOn = "2030-11-26", reference = "KB" }));

        approved.StatusCode.Should().Be(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        var round = await approved.Json();
        round["shifted"]!.AsArray().Should().BeEmpty("2031 does not exist: the shift is recorded by hand once it does (decision 0014)");
        round["granted"]!.AsArray().Single()!["amount"]!.GetValue<decimal>().Should().Be(-2_000_000m);
        (await admin.GetAsync("/api/budget-years/2031")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

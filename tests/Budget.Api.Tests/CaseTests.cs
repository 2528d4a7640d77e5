using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// Appropriation cases over real HTTP on a real database (contract §10): financing split to the øre, cash-neutrality,
/// phasing, kept totals, approval into movements and the out-years report, catalogues, price levels, roles and scope.
/// </summary>
public sealed class CaseTests : IAsyncLifetime, IDisposable
{
    internal const string Employment = "Beskæftigelsesudvalget";
    internal const string Finance = "Økonomiudvalget";

    /// <summary>
    /// A small year of two committees: 5.68.90 (service), 5.57.73 and 5.57.78 (transfers), 6.45.51 and 6.52.76 (service,
    /// hovedkonto 6), 7.22.05 (interest, outside the service classification). Original budgets; no estimates except
    /// out-years on two accounts (for the price-level conversion: 103.200 and 102.400 kr. in 2015).
    /// </summary>
    internal static async Task ImportYear(HttpClient client, int year = 2014)
    {
        var response = await client.PostAsync($"/api/budget-years/{year}/dataset", Http.Dataset(
            ("accounts", $"""
                committee,activity_area,account,name,group,block
                {Employment},Jobcenter,5.68.90,Driftsudgifter beskæftigelsesindsats,,drift
                {Employment},Ydelser,5.57.73,Kontanthjælp,,drift
                {Employment},Ydelser,5.57.78,Dagpenge,,drift
                {Finance},Administration,6.45.51,Sekretariat,,drift
                {Finance},Puljer,6.52.76,Pulje til omstilling,,drift
                {Finance},Renter,7.22.05,Renteindtægter,,renter
                """),
            ("movements", $"""
                account,kind,amount,decided_on,reference,decided_by
                5.68.90,original_budget,20000000,{year - 1}-10-09,B,KB
                5.57.73,original_budget,80000000,{year - 1}-10-09,B,KB
                5.57.78,original_budget,60000000,{year - 1}-10-09,B,KB
                6.45.51,original_budget,10000000,{year - 1}-10-09,B,KB
                6.52.76,original_budget,5000000,{year - 1}-10-09,B,KB
                7.22.05,original_budget,-2000000,{year - 1}-10-09,B,KB
                """),
            ("estimates", """
                round,account,estimate,explanation,out_year_1,out_year_2,out_year_3,out_year_4
                1,5.68.90,20000000,Som budget,103200,0,0,0
                1,5.57.73,80000000,Som budget,102400,0,0,0
                """),
            ("settings", """
                key,value
                service_frame,36000000
                """)));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private HttpClient admin = null!;
    private HttpClient finance = null!;
    private HttpClient council = null!;

    public async Task InitializeAsync()
    {
        admin = factory.CreateClient();
        finance = factory.WithKey(await Users.Create(factory, "Økonomichef", ["finance"]));
        council = factory.WithKey(await Users.Create(factory, "Borgmester", ["council"]));
        await ImportYear(admin);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        admin?.Dispose();
        finance?.Dispose();
        council?.Dispose();
        factory.Dispose();
    }

    /// <summary>The cash-neutral, permanent case of the tests: jobconsultants paid by fewer on kontanthjælp and a pool.</summary>
    internal static object Jobconsultants(string reference = "BS-2014-07") => new
    {
        reference,
        title = "Flere jobkonsulenter",
        permanent = true,
        cashNeutral = true,
        lines = new object[]
        {
            new { account = "5.68.90", amounts = new[] { 500_000m, 1_000_000m, 1_000_000m, 1_000_000m } },
            new { account = "5.57.73", annual = -1_200_000m, from = "2014-07-01" },
        },
        financing = new[] { new { account = "6.52.76", share = 1m } },
    };

    private static decimal[] Amounts(JsonNode? node) => node!.AsArray().Select(a => a!.GetValue<decimal>()).ToArray();

    private static async Task<JsonNode> Created(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private async Task<JsonNode> Ok(string path, HttpClient? client = null)
    {
        var response = await (client ?? finance).GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private Task<HttpResponseMessage> Post(object body, HttpClient? client = null) => (client ?? finance).PostAsync("/api/budget-years/2014/cases", Http.JsonBody(body));

    [Fact]
    public async Task A_case_is_stored_with_its_lines_phased_and_its_financing_netting_to_zero()
    {
        var response = await Post(Jobconsultants());
        var created = await Created(response);

        var id = created["id"]!.GetValue<long>();
        response.Headers.Location!.ToString().Should().Be($"/api/budget-years/2014/cases/{id}");
        response.Headers.ETag!.Tag.Should().Be("\"1\"");
        var stored = await Ok($"/api/budget-years/2014/cases/{id}");
        Amounts(stored["years"]).Should().Equal(2014m, 2015m, 2016m, 2017m);
        var rows = stored["rows"]!.AsArray();
        rows.Select(r => ((string)r!["account"]!, (string)r["kind"]!)).Should().Equal(("5.68.90", "line"), ("5.57.73", "line"), ("6.52.76", "financing"));
        Amounts(rows[0]!["amounts"]).Should().Equal(500_000m, 1_000_000m, 1_000_000m, 1_000_000m);
        // −1.200.000 a year from 1 July 2014: six months in 2014.
        Amounts(rows[1]!["amounts"]).Should().Equal(-600_000m, -1_200_000m, -1_200_000m, -1_200_000m);
        Amounts(rows[2]!["amounts"]).Should().Equal(100_000m, 200_000m, 200_000m, 200_000m);
        Amounts(stored["subtotals"]!["lines"]).Should().Equal(-100_000m, -200_000m, -200_000m, -200_000m);
        Amounts(stored["total"]).Should().Equal(0m, 0m, 0m, 0m);
        ((bool)stored["permanent"]!).Should().BeTrue();
        ((int)stored["priceLevel"]!).Should().Be(2014);
        ((string?)rows[1]!["from"]).Should().Be("2014-07-01");
        ((string?)rows[2]!["name"]).Should().Be("Pulje til omstilling");
        stored["approved"].Should().BeNull();
        var audit = (await Ok("/api/budget-years/2014/audit", admin)).AsArray().Single(e => (string)e!["action"]! == "case.create")!;
        ((string)audit["target"]!).Should().Be($"budget-years/2014/cases/{id}");
        ((string)audit["user"]!).Should().Be("Økonomichef");
    }

    [Fact]
    public async Task Three_financing_shares_are_split_exactly_to_the_ore_with_the_remainders_by_largest_remainder()
    {
        var created = await Created(await Post(new
        {
            reference = "BS-ØRE",
            title = "Ulige beløb",
            permanent = false,
            cashNeutral = true,
            lines = new[] { new { account = "5.68.90", amounts = new[] { 0.03m, 1_000.01m, 0.02m, -0.01m } } },
            financing = new[] { new { account = "6.45.51", share = 0.25m }, new { account = "6.52.76", share = 0.25m }, new { account = "5.57.78", share = 0.5m } },
        }));

        var financing = created["rows"]!.AsArray().Where(r => (string)r!["kind"]! == "financing").Select(r => Amounts(r!["amounts"])).ToArray();
        // 2014: −0,03 kr. → exact −0,0075 / −0,0075 / −0,015: floors 0 / 0 / −0,01 and the two øre left to the largest
        // remainders (¾ and ¾, the earlier first). 2015: −1.000,01 → −250,0025 / −250,0025 / −500,005: the øre to the half.
        // 2016: −0,02 → −0,005 / −0,005 / −0,01: floors 0 / 0 / −0,01, the øre to the first of the tied halves.
        // 2017: +0,01 → 0,0025 / 0,0025 / 0,005: the øre to the largest remainder, the half.
        financing[0].Should().Equal(-0.01m, -250m, -0.01m, 0m);
        financing[1].Should().Equal(-0.01m, -250m, 0m, 0m);
        financing[2].Should().Equal(-0.01m, -500.01m, -0.01m, 0.01m);
        Amounts(created["total"]).Should().Equal(0m, 0m, 0m, 0m);
        ((decimal)created["rows"]![3]!["share"]!).Should().Be(0.5m);
    }

    [Fact]
    public async Task A_cash_neutral_case_that_does_not_net_to_zero_is_refused_and_nothing_is_stored()
    {
        var response = await Post(new
        {
            reference = "BS-UBALANCE",
            title = "Udvidelse uden finansiering",
            permanent = true,
            cashNeutral = true,
            lines = new object[]
            {
                new { account = "5.68.90", amounts = new[] { 250_000m, 500_000m, 500_000m, 500_000m } },
                new { account = "6.45.51", amounts = new[] { -250_000m, -500_000m, -499_999.99m, -500_000m } },
            },
        });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Json())["errors"]!;
        ((string)errors["cashNeutral"]![0]!).Should().Contain("0,01 kr. in 2016");
        (await Ok("/api/budget-years/2014/cases"))["cases"]!.AsArray().Should().BeEmpty();
        (await Ok("/api/budget-years/2014/audit", admin)).AsArray().Should().NotContain(e => ((string)e!["action"]!).StartsWith("case.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_line_phased_from_mid_month_counts_whole_months_only_across_the_four_years()
    {
        var created = await Created(await Post(new
        {
            reference = "BS-FASE",
            title = "Midlertidigt projekt",
            permanent = false,
            cashNeutral = false,
            lines = new object[]
            {
                // From 15 July 2014 to 15 June 2016: August–December, all 2015, January–May.
                new { account = "6.45.51", annual = 120_000m, from = "2014-07-15", to = "2016-06-15" },
                // From 1 July 2015 with no end: half of 2015, then whole years.
                new { account = "5.68.90", annual = 100_000.01m, from = "2015-07-01" },
            },
        }));

        var rows = created["rows"]!.AsArray();
        Amounts(rows[0]!["amounts"]).Should().Equal(50_000m, 120_000m, 50_000m, 0m);
        // Half of 100.000,01 is 50.000,005: half away from zero to the øre.
        Amounts(rows[1]!["amounts"]).Should().Equal(0m, 50_000.01m, 100_000.01m, 100_000.01m);
        Amounts(created["total"]).Should().Equal(50_000m, 170_000.01m, 150_000.01m, 100_000.01m);
    }

    [Fact]
    public async Task In_thousands_with_kept_totals_the_rows_add_up_to_the_subtotals_and_the_total_in_every_year()
    {
        var id = (await Created(await Post(new
        {
            reference = "BS-TUSIND",
            title = "600 og 600",
            permanent = true,
            cashNeutral = true,
            lines = new[] { new { account = "5.68.90", amounts = new[] { 600m, 600m, 400m, 1_499m } }, new { account = "6.45.51", amounts = new[] { 600m, 600m, 400m, 1_499m } } },
            financing = new[] { new { account = "6.52.76", share = 1m } },
        })))["id"]!.GetValue<long>();

        var alone = await Ok($"/api/budget-years/2014/cases/{id}?unit=thousands");
        var kept = await Ok($"/api/budget-years/2014/cases/{id}?unit=thousands&keepTotals=true");

        // Rounded one by one: 1 + 1 − 1 = 1 under a printed total of 0 (domain.md §9).
        ((string)alone["unit"]!).Should().Be("thousands");
        alone["rows"]!.AsArray().Select(r => Amounts(r!["amounts"])[0]).Should().Equal(1m, 1m, -1m);
        Amounts(alone["total"]).Should().Equal(0m, 0m, 0m, 0m);
        // Kept at every level: rows 1 + 0 = the lines' 1, financing −1, total 0; 2016: 400 + 400 → 1 + 0 = 1, −1.
        var rows = kept["rows"]!.AsArray().Select(r => Amounts(r!["amounts"])).ToArray();
        rows[0].Should().Equal(1m, 1m, 1m, 2m);
        rows[1].Should().Equal(0m, 0m, 0m, 1m);
        rows[2].Should().Equal(-1m, -1m, -1m, -3m);
        Amounts(kept["subtotals"]!["lines"]).Should().Equal(1m, 1m, 1m, 3m);
        Amounts(kept["subtotals"]!["financing"]).Should().Equal(-1m, -1m, -1m, -3m);
        Amounts(kept["total"]).Should().Equal(0m, 0m, 0m, 0m);
        ((bool)kept["keepTotals"]!).Should().BeTrue();
    }

    [Fact]
    public async Task Approval_turns_the_budget_year_into_council_decisions_and_the_out_years_into_the_out_years_report()
    {
        var id = (await Created(await Post(Jobconsultants())))["id"]!.GetValue<long>();
        var temporary = (await Created(await Post(new
        {
            reference = "BS-2014-08",
            title = "Midlertidig sekretariatsbistand",
            permanent = false,
            cashNeutral = false,
            lines = new[] { new { account = "6.45.51", amounts = new[] { 10_000m, 20_000m, 30_000m, 40_000m } } },
        })))["id"]!.GetValue<long>();

        var approval = await council.PostAsync($"/api/budget-years/2014/cases/{id}/approve", Http.JsonBody(new { decidedOn = "2014-03-20", reference = "KB 20.03.2014 pkt. 7" }));
        (await council.PostAsync($"/api/budget-years/2014/cases/{temporary}/approve", Http.JsonBody(new { decidedOn = "2014-03-25" }))).StatusCode.Should().Be(HttpStatusCode.OK);

        approval.StatusCode.Should().Be(HttpStatusCode.OK, await approval.Content.ReadAsStringAsync());
        var approved = await approval.Json();
        ((string)approved["approved"]!["decidedOn"]!).Should().Be("2014-03-20");
        approved["movements"]!.AsArray().Select(m => ((string)m!["account"]!, (string)m["kind"]!, m["amount"]!.GetValue<decimal>()))
            .Should().Equal(("5.68.90", "council_decision", 500_000m), ("5.57.73", "council_decision", -600_000m), ("6.52.76", "council_decision", 100_000m));
        var followUp = await Ok("/api/budget-years/2014/follow-up?round=1&by=account");
        decimal Council(string account) => followUp["rows"]!.AsArray().Single(r => (string)r!["account"]! == account)!["councilDecisions"]!.GetValue<decimal>();
        Council("5.68.90").Should().Be(500_000m);
        Council("5.57.73").Should().Be(-600_000m);
        Council("6.52.76").Should().Be(100_000m);
        Council("6.45.51").Should().Be(10_000m);
        followUp["total"]!["councilDecisions"]!.GetValue<decimal>().Should().Be(10_000m, "the cash-neutral case nets to zero; the other adds 10.000");
        var history = await Ok("/api/budget-years/2014/accounts/5.68.90/history");
        history.ToJsonString().Should().Contain("BS-2014-07: Flere jobkonsulenter");

        var outYears = await Ok("/api/budget-years/2014/reports/out-years?round=1");
        var byCase = outYears["tables"]![2]!;
        ((string)byCase["title"]!).Should().Be("Godkendte bevillingssager");
        var cells = byCase["rows"]!.AsArray().Select(r => r!["cells"]!).ToArray();
        ((string)cells[0]["name"]!).Should().Be("BS-2014-07: Flere jobkonsulenter (varig, godkendt 20.03.2014)");
        // The cash-neutral case nets to 0 over the municipality; the temporary one stops after 2017.
        new[] { "outYear1", "outYear2", "outYear3", "outYear4" }.Select(k => cells[0][k]!.GetValue<decimal>()).Should().Equal(0m, 0m, 0m, 0m);
        new[] { "outYear1", "outYear2", "outYear3", "outYear4" }.Select(k => cells[1][k]!.GetValue<decimal>()).Should().Equal(20_000m, 30_000m, 40_000m, 0m);
        new[] { "outYear1", "outYear2", "outYear3", "outYear4" }.Select(k => cells[2][k]!.GetValue<decimal>()).Should().Equal(20_000m, 30_000m, 40_000m, 0m);
        var byArea = outYears["tables"]![3]!["rows"]!.AsArray().Select(r => ((string?)r!["cells"]!["name"], r["cells"]!["outYear4"]!.GetValue<decimal>())).ToArray();
        // The permanent case's 2017 goes on into 2018: Jobcenter +1.000.000, Ydelser −1.200.000, Puljer +200.000.
        byArea.Should().Equal(("Jobcenter", 1_000_000m), ("Ydelser", -1_200_000m), ("Administration", 0m), ("Puljer", 200_000m), ("I alt", 0m));
        var employment = await Ok($"/api/budget-years/2014/reports/out-years?round=1&committee={Uri.EscapeDataString(Employment)}");
        employment["tables"]![2]!["rows"]![0]!["cells"]!["outYear4"]!.GetValue<decimal>().Should().Be(-200_000m, "the employment committee's rows of the case: +1.000.000 − 1.200.000");

        var again = await council.PostAsync($"/api/budget-years/2014/cases/{id}/approve", Http.JsonBody(new { decidedOn = "2014-03-21" }));
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        ((string)(await again.Json())["detail"]!).Should().Contain("was approved on 2014-03-20");
        (await Ok("/api/budget-years/2014/follow-up?round=1&by=account"))["total"]!["councilDecisions"]!.GetValue<decimal>().Should().Be(10_000m, "a refused second approval adds nothing");
        var revise = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/cases/{id}") { Content = Http.JsonBody(Jobconsultants()) };
        revise.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        (await finance.SendAsync(revise)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Ok("/api/budget-years/2014/audit", admin)).AsArray().Count(e => (string)e!["action"]! == "case.approve").Should().Be(2);
    }

    [Fact]
    public async Task A_case_approved_after_the_cut_off_shows_in_the_later_round_only()
    {
        var id = (await Created(await Post(Jobconsultants())))["id"]!.GetValue<long>();
        (await council.PostAsync($"/api/budget-years/2014/cases/{id}/approve", Http.JsonBody(new { decidedOn = "2014-05-26" }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var round1 = await Ok("/api/budget-years/2014/reports/out-years?round=1");
        var round2 = await Ok("/api/budget-years/2014/reports/out-years?round=2");

        round1["tables"]![3]!["rows"]!.AsArray().Should().ContainSingle("only the total");
        ((string)round1["tables"]![2]!["notes"]![1]!).Should().StartWith("1 sag(er) godkendt efter skæringsdatoen");
        round2["tables"]![3]!["rows"]!.AsArray().Should().HaveCount(4);
    }

    [Fact]
    public async Task Roles_and_committee_scope_bind_every_case_write()
    {
        var consultant = factory.WithKey(await Users.Create(factory, "Konsulent", ["consultant"]));
        var reader = factory.WithKey(await Users.Create(factory, "Læser", ["reader"]));
        var scoped = factory.WithKey(await Users.Create(factory, "Økonomi ØU", ["finance"], [Finance]));
        var id = (await Created(await Post(Jobconsultants())))["id"]!.GetValue<long>();

        (await Post(Jobconsultants("X-1"), consultant)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Post(Jobconsultants("X-2"), council)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Post(Jobconsultants("X-3"), reader)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Post(Jobconsultants("X-4"), factory.Anonymous())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await finance.PostAsync($"/api/budget-years/2014/cases/{id}/approve", Http.JsonBody(new { decidedOn = "2014-03-20" }))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await consultant.PostAsync("/api/budget-years/2014/frame-allocations", Http.JsonBody(new { name = "x", totals = new Dictionary<string, decimal> { ["2014"] = 1m }, weights = new[] { new { committee = Finance, activityArea = "Puljer", weight = 1m } } })))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await reader.GetAsync($"/api/budget-years/2014/cases/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await factory.Anonymous().GetAsync($"/api/budget-years/2014/cases/{id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var outside = await Post(Jobconsultants("ØU-1"), scoped);
        outside.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ((string)(await outside.Json())["detail"]!).Should().Contain("5.68.90 (Beskæftigelsesudvalget)");
        var inside = await Post(new
        {
            reference = "ØU-2",
            title = "Omplacering i Økonomiudvalget",
            permanent = true,
            cashNeutral = true,
            lines = new[] { new { account = "6.45.51", amounts = new[] { 1m, 1m, 1m, 1m } } },
            financing = new[] { new { account = "6.52.76", share = 1m } },
        }, scoped);
        inside.StatusCode.Should().Be(HttpStatusCode.Created);
        (await Ok("/api/budget-years/2014/cases"))["cases"]!.AsArray().Select(c => (string)c!["reference"]!).Should().Equal("BS-2014-07", "ØU-2");
        consultant.Dispose();
        reader.Dispose();
        scoped.Dispose();
    }

    [Fact]
    public async Task A_revision_is_a_new_version_that_needs_the_current_etag_and_keeps_the_old_one()
    {
        var id = (await Created(await Post(Jobconsultants())))["id"]!.GetValue<long>();
        HttpRequestMessage Revise(string? etag, decimal budgetYear)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/cases/{id}")
            {
                Content = Http.JsonBody(new
                {
                    reference = "BS-2014-07",
                    title = "Flere jobkonsulenter, revideret",
                    permanent = true,
                    cashNeutral = true,
                    lines = new[] { new { account = "5.68.90", amounts = new[] { budgetYear, 1_000_000m, 1_000_000m, 1_000_000m } } },
                    financing = new[] { new { account = "6.52.76", share = 1m } },
                }),
            };
            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", etag);
            }

            return request;
        }

        (await finance.SendAsync(Revise(null, 1m))).StatusCode.Should().Be((HttpStatusCode)428);
        var revised = await finance.SendAsync(Revise("\"1\"", 400_000m));
        revised.StatusCode.Should().Be(HttpStatusCode.OK, await revised.Content.ReadAsStringAsync());
        revised.Headers.ETag!.Tag.Should().Be("\"2\"");
        (await finance.SendAsync(Revise("\"1\"", 1m))).StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);

        var latest = await Ok($"/api/budget-years/2014/cases/{id}");
        var first = await Ok($"/api/budget-years/2014/cases/{id}?version=1");
        ((int)latest["version"]!).Should().Be(2);
        Amounts(latest["total"]).Should().Equal(0m, 0m, 0m, 0m);
        Amounts(latest["rows"]![1]!["amounts"]).Should().Equal(-400_000m, -1_000_000m, -1_000_000m, -1_000_000m);
        ((string)first["title"]!).Should().Be("Flere jobkonsulenter");
        first["rows"]!.AsArray().Should().HaveCount(3);
        latest["versions"]!.AsArray().Select(v => (int)v!["version"]!).Should().Equal(1, 2);
        var audit = (await Ok("/api/budget-years/2014/audit", admin)).AsArray().Where(e => ((string)e!["action"]!).StartsWith("case.", StringComparison.Ordinal)).ToArray();
        audit.Select(e => (string)e!["action"]!).Should().Equal("case.create", "case.revise");
        ((string)audit[1]!["before"]!["title"]!).Should().Be("Flere jobkonsulenter");
        ((string)audit[1]!["after"]!["title"]!).Should().Be("Flere jobkonsulenter, revideret");
    }

    [Fact]
    public async Task A_savings_catalogue_totals_its_proposals_per_class_and_net()
    {
        await Created(await Post(new
        {
            reference = "SK-1",
            title = "Jobkonsulenter frem for kontanthjælp",
            permanent = true,
            cashNeutral = false,
            catalogue = "Sparekatalog 2014",
            lines = new object[]
            {
                new { account = "5.57.73", amounts = new[] { -300_000m, -600_000m, -600_000m, -600_000m } },
                new { account = "5.57.78", amounts = new[] { 100_000m, 200_000m, 200_000m, 200_000m }, classification = "service" },
                new { account = "6.45.51", amounts = new[] { -50_000m, -50_000m, -50_000m, -50_000m }, classification = "income" },
            },
        }));
        await Created(await Post(new
        {
            reference = "SK-2",
            title = "Nyt IT-system",
            permanent = false,
            cashNeutral = false,
            catalogue = "Sparekatalog 2014",
            lines = new object[]
            {
                new { account = "5.68.90", amounts = new[] { 25_000m, 0m, 0m, 0m }, classification = "one-off" },
                new { account = "5.68.90", amounts = new[] { 0m, -10_000m, -10_000m, -10_000m } },
            },
        }));
        await Created(await Post(Jobconsultants()));

        var catalogue = await Ok($"/api/budget-years/2014/cases?catalogue={Uri.EscapeDataString("Sparekatalog 2014")}");

        ((string)catalogue["catalogue"]!).Should().Be("Sparekatalog 2014");
        catalogue["cases"]!.AsArray().Select(c => (string)c!["reference"]!).Should().Equal("SK-1", "SK-2");
        Amounts(catalogue["cases"]![0]!["net"]).Should().Equal(-250_000m, -450_000m, -450_000m, -450_000m);
        Amounts(catalogue["service"]).Should().Equal(100_000m, 190_000m, 190_000m, 190_000m);
        Amounts(catalogue["transfer"]).Should().Equal(-300_000m, -600_000m, -600_000m, -600_000m);
        Amounts(catalogue["income"]).Should().Equal(-50_000m, -50_000m, -50_000m, -50_000m);
        Amounts(catalogue["oneOff"]).Should().Equal(25_000m, 0m, 0m, 0m);
        Amounts(catalogue["net"]).Should().Equal(-225_000m, -460_000m, -460_000m, -460_000m);
        Amounts(catalogue["unclassified"]).Should().Equal(0m, 0m, 0m, 0m);
        var thousands = await Ok($"/api/budget-years/2014/cases?catalogue={Uri.EscapeDataString("Sparekatalog 2014")}&unit=thousands&keepTotals=true");
        Amounts(thousands["net"]).Should().Equal(-225m, -460m, -460m, -460m);
        (await finance.GetAsync("/api/budget-years/2014/cases?catalogue=Ukendt")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var unclassified = await Post(new
        {
            reference = "SK-3",
            title = "Renter",
            permanent = true,
            cashNeutral = false,
            catalogue = "Sparekatalog 2014",
            lines = new[] { new { account = "7.22.05", amounts = new[] { -1m, -1m, -1m, -1m } } },
        });
        unclassified.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string)(await unclassified.Json())["errors"]!["lines[0].classification"]![0]!).Should().Contain("account 7.22.05 has none in the service classification");
    }

    [Fact]
    public async Task An_approved_catalogue_counts_its_service_part_against_the_service_frame_by_its_own_classes()
    {
        var before = await Ok("/api/budget-years/2014/reports/service-frame?round=1");
        var id = (await Created(await Post(new
        {
            reference = "SK-1",
            title = "Jobkonsulenter frem for kontanthjælp",
            permanent = true,
            cashNeutral = false,
            catalogue = "Sparekatalog 2014",
            lines = new object[]
            {
                new { account = "5.57.73", amounts = new[] { -300_000m, -600_000m, -600_000m, -600_000m } },
                new { account = "5.57.78", amounts = new[] { 100_000m, 200_000m, 200_000m, 200_000m }, classification = "service" },
                new { account = "6.45.51", amounts = new[] { -50_000m, -50_000m, -50_000m, -50_000m }, classification = "income" },
            },
        })))["id"]!.GetValue<long>();
        (await council.PostAsync($"/api/budget-years/2014/cases/{id}/approve", Http.JsonBody(new { decidedOn = "2014-03-20" }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var after = await Ok("/api/budget-years/2014/reports/service-frame?round=1");

        // Service accounts 5.68.90, 6.45.51, 6.52.76: 35.000.000; frame 36.000.000.
        before["tables"]![0]!["rows"]!.AsArray().Select(r => r!["cells"]!["amount"]!.GetValue<decimal>()).Should().Equal(35_000_000m, 0m, 0m, 0m, 35_000_000m, 36_000_000m, 1_000_000m);
        // The −50.000 income decided on 6.45.51 leaves the accounts' sum (34.950.000 + 50.000); the 100.000 wage on a
        // transfer account enters as service: spending 35.100.000, compliance 900.000.
        var rows = after["tables"]![0]!["rows"]!.AsArray();
        rows.Select(r => r!["cells"]!["amount"]!.GetValue<decimal>()).Should().Equal(35_000_000m, 100_000m, 0m, 0m, 0m, 35_100_000m, 36_000_000m, 900_000m);
        ((string)rows[1]!["cells"]!["name"]!).Should().Be("Godkendte sparekataloger, serviceudgifter (Sparekatalog 2014)");
    }

    [Fact]
    public async Task Price_levels_convert_on_request_and_are_never_added_silently()
    {
        var older = (await Created(await Post(new
        {
            reference = "BS-2013-PL",
            title = "Vedtaget i 2013-priser",
            permanent = true,
            cashNeutral = false,
            priceLevel = 2013,
            lines = new[] { new { account = "5.68.90", amounts = new[] { 1_000_000m, 1_000_000m, 1_000_000m, 1_000_000m } }, new { account = "5.57.73", amounts = new[] { -1_000_000m, 0m, 0m, 0m } } },
        })))["id"]!.GetValue<long>();
        await Created(await Post(Jobconsultants()));

        var converted = await Ok($"/api/budget-years/2014/cases/{older}?priceLevel=2014");
        // Service (P/L, illustrative index): × 103,2 / 101,6; transfer (satsregulering): × 102,4 / 101,2; to the øre.
        ((int)converted["priceLevel"]!).Should().Be(2014);
        ((int)converted["casePriceLevel"]!).Should().Be(2013);
        Amounts(converted["rows"]![0]!["amounts"])[0].Should().Be(1_015_748.03m);
        Amounts(converted["rows"]![1]!["amounts"])[0].Should().Be(-1_011_857.71m);
        Amounts(converted["total"])[0].Should().Be(3_890.32m);

        var mixed = await finance.GetAsync("/api/budget-years/2014/cases");
        mixed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string)(await mixed.Json())["errors"]!["priceLevel"]![0]!).Should().Contain("2013 P/L, 2014 P/L");
        Amounts((await Ok("/api/budget-years/2014/cases?priceLevel=2014"))["net"])[0].Should().Be(3_890.32m);

        var approve = await council.PostAsync($"/api/budget-years/2014/cases/{older}/approve", Http.JsonBody(new { decidedOn = "2014-03-20" }));
        approve.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        ((string)(await approve.Json())["detail"]!).Should().Contain("is at 2013 P/L");
        (await Ok("/api/budget-years/2014/follow-up?round=2&by=account"))["total"]!["councilDecisions"]!.GetValue<decimal>().Should().Be(0m);

        // The estimates' out-years (2014 P/L) at 2015 P/L: 103.200 × 104,9 / 103,2 and 102.400 × 103,6 / 102,4.
        var outYears = await Ok("/api/budget-years/2014/reports/out-years?round=1&priceLevel=2015");
        var areas = outYears["tables"]![0]!["rows"]!.AsArray().Select(r => ((string?)r!["cells"]!["name"], r["cells"]!["outYear1"]!.GetValue<decimal>())).ToArray();
        areas.Should().Contain(("Jobcenter", 104_900m)).And.Contain(("Ydelser", 103_600m)).And.Contain(("I alt", 208_500m));
        ((string)outYears["notes"]![0]!).Should().StartWith("Prisniveau: 2015 P/L, omregnet fra 2014 P/L");
        (await finance.GetAsync("/api/budget-years/2014/reports/out-years?round=1&priceLevel=2030")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await finance.GetAsync("/api/budget-years/2014/reports/committee-table?round=1&priceLevel=2015")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[100000000000.01,0,0,0]}]}""", "Lines[0].Amounts[0]")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[1,2,3]}]}""", "Lines[0].Amounts")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[1,2,3,4],"annual":5,"from":"2014-01-01"}]}""", "lines[0]")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","annual":5}]}""", "lines[0].from")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"9.99.99","amounts":[1,2,3,4]}]}""", "lines[0].account")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[1,2,3,4]}],"financing":[{"account":"6.52.76","share":0.12345678901}]}""", "Financing[0].Share")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[1,2,3,4]}],"financing":[{"account":"6.52.76","share":0.5},{"account":"6.45.51","share":0.4}]}""", "financing")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[null]}""", "Lines[0]")]
    [InlineData("""{"reference":"B","title":"t","cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[1,2,3,4]}]}""", "Permanent")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[1,2,3,4],"classification":"gift"}]}""", "Lines[0].Classification")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","annual":1,"from":"2018-01-01"}]}""", "lines[0].from")]
    [InlineData("""{"reference":"B","title":"t","permanent":true,"cashNeutral":false,"lines":[{"account":"5.68.90","amounts":[60000000000,0,0,0]},{"account":"5.68.90","amounts":[60000000000,0,0,0]}]}""", "lines")]
    public async Task A_bad_case_is_refused_naming_the_field_and_stores_nothing(string body, string field)
    {
        var response = await finance.PostAsync("/api/budget-years/2014/cases", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await response.Json())["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field);
        (await Ok("/api/budget-years/2014/cases"))["cases"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_reference_is_unique_in_the_year_and_an_unknown_case_or_year_is_404()
    {
        await Created(await Post(Jobconsultants()));

        var twice = await Post(Jobconsultants());

        twice.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await finance.GetAsync("/api/budget-years/2014/cases/999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await finance.GetAsync("/api/budget-years/2014/cases/1?version=7")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await finance.PostAsync("/api/budget-years/2031/cases", Http.JsonBody(Jobconsultants()))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await council.PostAsync("/api/budget-years/2014/cases/999/approve", Http.JsonBody(new { decidedOn = "2014-03-20" }))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await council.PostAsync("/api/budget-years/2014/cases/1/approve", Http.JsonBody(new { decidedOn = "2016-03-20" }))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_case_prints_as_csv_and_xlsx_with_the_same_kept_figures()
    {
        var id = (await Created(await Post(Jobconsultants())))["id"]!.GetValue<long>();

        var csv = await finance.GetByteArrayAsync($"/api/budget-years/2014/cases/{id}?unit=thousands&keepTotals=true&format=csv");
        var xlsx = await finance.GetByteArrayAsync($"/api/budget-years/2014/cases/{id}?unit=thousands&keepTotals=true&format=xlsx");

        var lines = System.Text.Encoding.UTF8.GetString(csv, 3, csv.Length - 3).Split("\r\n");
        lines.Should().Contain("Art;Konto;Navn;2014;2015;2016;2017");
        lines.Should().Contain("Linje;5.68.90;Driftsudgifter beskæftigelsesindsats;500;1000;1000;1000");
        lines.Should().Contain("Linjer i alt;;;-100;-200;-200;-200");
        lines.Should().Contain("I alt;;;0;0;0;0");
        Budget.Reports.XlsxRenderer.Read(xlsx).Single().Rows.Last(r => r.Count > 0 && r[0] == "I alt").Skip(3).Should().Equal("0", "0", "0", "0");
    }
}

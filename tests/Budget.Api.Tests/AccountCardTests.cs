using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// <c>GET /api/budget-years/{year}/accounts/{account}?round=</c>, the page's account view (contract §8): components of
/// the corrected budget, movements, consumption by month this year and last, the round's estimate versions; exact
/// amounts over the real host, on whichever provider the suite runs.
/// </summary>
public sealed class AccountCardTests : IDisposable
{
    private const string Erhverv = "6.48.67";
    private const string Kontanthjaelp = "5.57.73";
    private readonly BudgetApiFactory factory = new(seedDemo: true, anonymousRead: true);
    private readonly HttpClient admin;

    public AccountCardTests() => admin = factory.CreateClient();

    public void Dispose()
    {
        admin.Dispose();
        factory.Dispose();
    }

    private async Task<JsonNode> Card(int year, string account, int round)
    {
        var response = await admin.GetAsync($"/api/budget-years/{year}/accounts/{account}?round={round}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private async Task Import(int year, params (string Name, string Csv)[] files)
    {
        var response = await admin.PostAsync($"/api/budget-years/{year}/dataset", Http.Dataset(files));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static decimal?[] ThisYear(JsonNode card) => card["months"]!.AsArray().Select(m => m!["thisYear"]?.GetValue<decimal>()).ToArray();

    private static decimal?[] LastYear(JsonNode card) => card["months"]!.AsArray().Select(m => m!["lastYear"]?.GetValue<decimal>()).ToArray();

    [Fact]
    public async Task The_demo_account_Erhverv_shows_its_components_movements_and_consumption_by_month_in_kroner()
    {
        var card = await Card(2014, Erhverv, 1);

        ((string?)card["asOf"]).Should().Be("2014-03-31");
        card["account"]!.Text().Should().Be("""{"account":"6.48.67","name":"Erhverv","committee":"Erhvervs- og Beskæftigelsesudvalget","activityArea":"Erhverv","group":"Erhverv","block":"drift","chartNumber":"6.48.67","refusionBenefit":null}""");
        var figures = card["figures"]!;
        figures["originalBudget"]!.GetValue<decimal>().Should().Be(0m);
        figures["technicalReallocations"]!.GetValue<decimal>().Should().Be(2_150_000m);
        figures["supplementaryAppropriations"]!.GetValue<decimal>().Should().Be(2_150_000m);
        figures["correctedBudget"]!.GetValue<decimal>().Should().Be(2_150_000m);
        figures["consumption"]!.GetValue<decimal>().Should().Be(1_675_000m);
        figures["consumptionPercent"]!.GetValue<decimal>().Should().Be(77.9m);
        figures["estimate"]!.GetValue<decimal>().Should().Be(2_150_000m);
        card["movements"]!.Text().Should().Be(
            """[{"decidedOn":"2013-10-09","kind":"original_budget","amount":0,"reference":"KB 09.10.2013, vedtagelse af budget 2014","decidedBy":"Kommunalbestyrelsen","counted":true},"""
            + """{"decidedOn":"2014-01-15","kind":"technical_reallocation","amount":2150000,"reference":"Erhvervsservice overført fra Økonomiudvalget","decidedBy":"Økonomiforvaltningen","counted":true}]""");
        ThisYear(card).Should().Equal(558_333m, 1_116_666m, 1_675_000m, null, null, null, null, null, null, null, null, null);
        card["lastYear"].Should().BeNull();
        LastYear(card).Should().OnlyContain(v => v == null, "the database holds no 2013");
        ((long)card["estimates"]![0]!["version"]!).Should().Be(1);
        card["estimates"]![0]!["estimate"]!.GetValue<decimal>().Should().Be(2_150_000m);

        // Round 2 reads as of 30 June: three more months of postings, and no estimate recorded in that round yet.
        var second = await Card(2014, Erhverv, 2);
        ThisYear(second).Should().Equal(558_333m, 1_116_666m, 1_675_000m, 2_233_333m, 2_791_666m, 3_350_000m, null, null, null, null, null, null);
        second["figures"]!["estimatesMissing"]!.GetValue<int>().Should().Be(1);
        second["estimates"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task The_card_carries_the_same_figures_as_the_follow_up_row_of_every_account_in_every_round()
    {
        foreach (var round in new[] { 1, 2, 3 })
        {
            var report = await (await admin.GetAsync($"/api/budget-years/2014/follow-up?round={round}&by=account")).Json();
            foreach (var row in report["rows"]!.AsArray())
            {
                var card = await Card(2014, (string)row!["account"]!, round);
                card["figures"]!.Text().Should().Be(row.Text(), $"account {row["account"]} in round {round}");
                ThisYear(card).Last(v => v is not null).Should().Be(row["consumption"]!.GetValue<decimal>(), "the last month shown is the consumption as of the cut-off");
            }
        }
    }

    [Fact]
    public async Task Last_year_is_shown_month_by_month_when_the_database_holds_the_account_in_that_year()
    {
        await Import(2013,
            ("accounts", "committee,activity_area,account,name\nErhvervs- og Beskæftigelsesudvalget,Erhverv,6.48.67,Erhverv\n"),
            ("postings", "account,posted_on,amount\n6.48.67,2013-02-14,400000.25\n6.48.67,2013-02-28,100000\n6.48.67,2013-07-01,-50000.25\n6.48.67,2013-12-31,1000000\n"));

        var card = await Card(2014, Erhverv, 1);

        ((int?)card["lastYear"]).Should().Be(2013);
        LastYear(card).Should().Equal(0m, 500_000.25m, 500_000.25m, 500_000.25m, 500_000.25m, 500_000.25m, 450_000m, 450_000m, 450_000m, 450_000m, 450_000m, 1_450_000m);
        ThisYear(card).Take(3).Should().Equal(558_333m, 1_116_666m, 1_675_000m);
        // An account that 2013 does not hold has no last year, though the year exists.
        (await Card(2014, Kontanthjaelp, 1))["lastYear"].Should().BeNull();
        LastYear(await Card(2014, Kontanthjaelp, 1)).Should().OnlyContain(v => v == null);
    }

    [Fact]
    public async Task A_cutoff_in_mid_month_ends_the_year_line_with_the_days_through_it_and_later_movements_do_not_count()
    {
        await Import(2031,
            ("accounts", "committee,activity_area,account,name\nU,A,1.01,Konto\n"),
            ("rounds", "round,cutoff\n1,2031-03-15\n2,2031-06-30\n3,2031-09-30\n"),
            ("movements", "account,kind,amount,decided_on,reference\n1.01,original_budget,1200000,2030-10-08,Budget 2031\n1.01,council_decision,-200000.50,2031-03-15,KB 15.03\n1.01,carry_over,300000,2031-03-16,Overførselssag\n"),
            ("postings", "account,posted_on,amount\n1.01,2031-01-10,100000.10\n1.01,2031-03-10,20000\n1.01,2031-03-15,3000\n1.01,2031-03-16,400000\n"));

        var card = await Card(2031, "1.01", 1);

        ((string?)card["asOf"]).Should().Be("2031-03-15");
        ThisYear(card).Should().Equal(100_000.10m, 100_000.10m, 123_000.10m, null, null, null, null, null, null, null, null, null);
        card["figures"]!["consumption"]!.GetValue<decimal>().Should().Be(123_000.10m);
        card["figures"]!["councilDecisions"]!.GetValue<decimal>().Should().Be(-200_000.50m);
        card["figures"]!["carryOvers"]!.GetValue<decimal>().Should().Be(0m, "decided the day after the cut-off");
        card["figures"]!["correctedBudget"]!.GetValue<decimal>().Should().Be(999_999.50m);
        card["movements"]!.AsArray().Select(m => $"{m!["decidedOn"]} {m["kind"]} {m["amount"]} {m["counted"]}")
            .Should().Equal("2030-10-08 original_budget 1200000 true", "2031-03-15 council_decision -200000.5 true", "2031-03-16 carry_over 300000 false");
    }

    [Fact]
    public async Task The_estimate_history_lists_the_rounds_versions_oldest_first_with_a_gross_basis_where_given()
    {
        var put = await admin.PutAsync($"/api/budget-years/2014/rounds/2/estimates/{Kontanthjaelp}", Http.JsonBody(new { estimate = 75_000_000.5m, explanation = "Første bud", outYears = new[] { 1m, 2m, 3m, 4m } }));
        put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/2/estimates/{Kontanthjaelp}")
        {
            Content = Http.JsonBody(new
            {
                explanation = "Brutto",
                outYears = new[] { 0m, 0m, 0m, 0m },
                gross = new { amount = 115_000_000m, persons = new object[] { new { anciennityWeek = 1, activity = "passive", fullYearPersons = 520.5m }, new { anciennityWeek = 1, activity = "job-oriented", fullYearPersons = 310m }, new { anciennityWeek = 1, activity = "education", fullYearPersons = 69.5m } } },
            }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", put.Headers.ETag!.Tag);
        (await admin.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);

        var card = await Card(2014, Kontanthjaelp, 2);

        var versions = card["estimates"]!.AsArray();
        versions.Select(v => (long)v!["version"]!).Should().Equal(1, 2);
        versions[0]!["estimate"]!.GetValue<decimal>().Should().Be(75_000_000.5m);
        ((string?)versions[0]!["explanation"]).Should().Be("Første bud");
        versions[0]!["outYears"]!.Text().Should().Be("[1,2,3,4]");
        versions[0]!["gross"].Should().BeNull();
        versions[1]!["estimate"]!.GetValue<decimal>().Should().Be(70_801_666.67m);
        versions[1]!["gross"]!["refusion"]!.GetValue<decimal>().Should().Be(44_198_333.33m);
        card["figures"]!["estimate"]!.GetValue<decimal>().Should().Be(70_801_666.67m, "the card's estimate is the current version");
        (await Card(2014, Kontanthjaelp, 1))["estimates"]!.AsArray().Select(v => (long)v!["version"]!).Should().Equal(1);
    }

    [Fact]
    public async Task After_approval_the_next_rounds_card_holds_the_granted_appropriation_as_a_movement()
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/1/estimates/{Erhverv}") { Content = Http.JsonBody(new { estimate = 1_150_000m, explanation = "Mindre aktivitet", outYears = new[] { 0m, 0m, 0m, 0m } }) };
        put.Headers.TryAddWithoutValidation("If-Match", "*");
        (await admin.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/budget-years/2014/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/budget-years/2014/rounds/1/recommend", Http.JsonBody(new { committee = "Erhvervs- og Beskæftigelsesudvalget" }))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.PostAsync("/api/budget-years/2014/rounds/1/approve", Http.JsonBody(new { decidedOn = "2014-04-28", reference = "KB 28.04.2014, pkt. 12" }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var card = await Card(2014, Erhverv, 2);

        card["figures"]!["estimateAppropriations"]!.GetValue<decimal>().Should().Be(-1_000_000m);
        card["figures"]!["correctedBudget"]!.GetValue<decimal>().Should().Be(1_150_000m);
        var granted = card["movements"]!.AsArray().Last()!;
        granted.Text().Should().Be("""{"decidedOn":"2014-04-28","kind":"estimate_appropriation","amount":-1000000,"reference":"KB 28.04.2014, pkt. 12","decidedBy":"Kommunalbestyrelsen","counted":true}""");
        (await Card(2014, Erhverv, 1))["figures"]!["correctedBudget"]!.GetValue<decimal>().Should().Be(2_150_000m, "round 1 is as of 31 March, before the decision");
    }

    [Fact]
    public async Task Every_role_reads_the_card_but_nobody_anonymously_and_bad_requests_are_told()
    {
        foreach (var role in new[] { "consultant", "committee", "council", "finance", "reader" })
        {
            using var client = factory.WithKey(await Users.Create(factory, $"{role} user", [role]));
            (await client.GetAsync($"/api/budget-years/2014/accounts/{Erhverv}?round=1")).StatusCode.Should().Be(HttpStatusCode.OK, role);
        }

        using var anonymous = factory.Anonymous();
        (await anonymous.GetAsync($"/api/budget-years/2014/accounts/{Erhverv}?round=1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "explanations and who decided what are never read anonymously");

        var unknown = await admin.GetAsync("/api/budget-years/2014/accounts/9.99.99?round=1");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await admin.GetAsync($"/api/budget-years/1999/accounts/{Erhverv}?round=1")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await admin.GetAsync($"/api/budget-years/2014/accounts/{new string('x', 65)}?round=1")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        foreach (var round in new[] { "4", "x", "" })
        {
            var bad = await admin.GetAsync($"/api/budget-years/2014/accounts/{Erhverv}?round={round}");
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest, $"round '{round}'");
            (await bad.Json())["errors"]!["round"].Should().NotBeNull();
        }
    }
}

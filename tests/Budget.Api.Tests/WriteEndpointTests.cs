using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

public sealed class WriteEndpointTests : IDisposable
{
    private const string Kontanthjaelp = "5.57.73";
    private readonly BudgetApiFactory factory = new(seedDemo: true);
    private readonly HttpClient client;

    public WriteEndpointTests() => client = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    private async Task<JsonNode> Account(string account, int round = 1, string? asOf = null)
    {
        var report = await (await client.GetAsync($"/api/budget-years/2014/follow-up?round={round}&by=account" + (asOf is null ? "" : $"&asOf={asOf}"))).Json();
        return report["rows"]!.AsArray().Single(r => (string?)r!["account"] == account)!;
    }

    private static StringContent Estimate(decimal estimate, string explanation = "", decimal? requested = null) =>
        Http.JsonBody(new { estimate, explanation, outYears = new[] { -1000m, -1000m, 0m, 0m }, requestedAppropriation = requested });

    [Fact]
    public async Task A_council_decision_after_the_cut_off_changes_round_2_but_not_round_1()
    {
        var response = await client.PostAsync("/api/budget-years/2014/movements", Http.JsonBody(new
        {
            account = Kontanthjaelp, kind = "council_decision", amount = -2_500_000.50m, decidedOn = "2014-04-28", reference = "KB 28.04.2014 pkt. 4", decidedBy = "Kommunalbestyrelsen",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().Should().Be("/api/budget-years/2014/accounts/5.57.73/history");
        (await Account(Kontanthjaelp))["councilDecisions"]!.GetValue<decimal>().Should().Be(0m);
        var round2 = await Account(Kontanthjaelp, round: 2);
        round2["councilDecisions"]!.GetValue<decimal>().Should().Be(-2_500_000.50m);
        round2["correctedBudget"]!.GetValue<decimal>().Should().Be(79_082_600m - 2_500_000.50m);
    }

    [Fact]
    public async Task A_movement_with_bad_fields_is_refused_field_by_field_and_changes_nothing()
    {
        var response = await client.PostAsync("/api/budget-years/2014/movements", Http.JsonBody(new { account = "", kind = "gift", amount = 10.001m, decidedOn = (string?)null }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Json())["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo("Account", "Kind", "Amount", "DecidedOn");
        (await (await client.GetAsync("/api/budget-years/2014/accounts/5.57.73/history")).Json()).AsArray().Count.Should().Be(3);
    }

    [Fact]
    public async Task A_movement_on_an_unknown_account_or_year_is_refused()
    {
        var unknownAccount = await client.PostAsync("/api/budget-years/2014/movements", Http.JsonBody(new { account = "9.99.99", kind = "carry_over", amount = 1m, decidedOn = "2014-03-01" }));
        var unknownYear = await client.PostAsync("/api/budget-years/1999/movements", Http.JsonBody(new { account = Kontanthjaelp, kind = "carry_over", amount = 1m, decidedOn = "2014-03-01" }));

        unknownAccount.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await unknownAccount.Json())["errors"]!["account"]![0]).Should().Be("Account '9.99.99' does not exist in 2014.");
        unknownYear.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"account\": \"5.57.73\", \"kind\": \"carry_over\", \"amount\": 1, \"decidedOn\": \"2014-13-01\"}", "decidedOn")]
    [InlineData("{\"account\": \"5.57.73\", \"kind\": \"carry_over\", \"amount\": \"ten\", \"decidedOn\": \"2014-03-01\"}", "amount")]
    [InlineData("{\"account\": 5.57", "body")]
    [InlineData("", "body")]
    public async Task A_body_that_is_not_valid_json_for_the_endpoint_is_a_400_problem_naming_the_field(string body, string field)
    {
        var response = await client.PostAsync("/api/budget-years/2014/movements", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Json();
        if (field != "body")
        {
            problem["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field);
        }
    }

    [Fact]
    public async Task Postings_add_to_consumption_as_of_their_date()
    {
        decimal Consumption(JsonNode row) => row["consumption"]!.GetValue<decimal>();
        var marchBefore = Consumption(await Account(Kontanthjaelp, asOf: "2014-03-31"));
        var aprilBefore = Consumption(await Account(Kontanthjaelp, asOf: "2014-04-01"));

        var response = await client.PostAsync("/api/budget-years/2014/postings", Http.JsonBody(new[]
        {
            new { account = Kontanthjaelp, postedOn = "2014-03-31", amount = 1000.25m },
            new { account = Kontanthjaelp, postedOn = "2014-04-01", amount = 500m },
        }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ((int)(await response.Json())["postings"]!).Should().Be(2);
        (Consumption(await Account(Kontanthjaelp, asOf: "2014-03-31")) - marchBefore).Should().Be(1000.25m);
        (Consumption(await Account(Kontanthjaelp, asOf: "2014-04-01")) - aprilBefore).Should().Be(1500.25m);
    }

    [Fact]
    public async Task Postings_outside_the_year_or_on_unknown_accounts_are_refused_all_together()
    {
        var consumption = (await Account(Kontanthjaelp, round: 3))["consumption"]!.GetValue<decimal>();

        var response = await client.PostAsync("/api/budget-years/2014/postings", Http.JsonBody(new[]
        {
            new { account = Kontanthjaelp, postedOn = "2014-05-01", amount = 10m },
            new { account = Kontanthjaelp, postedOn = "2015-01-01", amount = 10m },
            new { account = "nope", postedOn = "2014-05-01", amount = 10m },
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Json())["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("[1].PostedOn", "[2].Account");
        (await Account(Kontanthjaelp, round: 3))["consumption"]!.GetValue<decimal>().Should().Be(consumption);
    }

    [Fact]
    public async Task An_estimate_is_created_without_precondition_and_changed_only_with_the_current_etag()
    {
        const string url = "/api/budget-years/2014/rounds/2/estimates/5.57.73";

        var created = await client.PutAsync(url, Estimate(70_000_000m, "Færre modtagere"));
        created.StatusCode.Should().Be(HttpStatusCode.OK);
        var etag = created.Headers.ETag!;
        etag.Tag.Should().Be("\"1\"");

        var withoutPrecondition = await client.PutAsync(url, Estimate(71_000_000m));
        withoutPrecondition.StatusCode.Should().Be((HttpStatusCode)428);

        var changed = await Send(HttpMethod.Put, url, Estimate(71_000_000m, "Revideret"), etag);
        changed.StatusCode.Should().Be(HttpStatusCode.OK);
        changed.Headers.ETag!.Tag.Should().Be("\"2\"");

        var stale = await Send(HttpMethod.Put, url, Estimate(72_000_000m), etag);
        stale.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        stale.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");

        var row = await Account(Kontanthjaelp, round: 2);
        row["estimate"]!.GetValue<decimal>().Should().Be(71_000_000m);
        row["varianceToCorrected"]!.GetValue<decimal>().Should().Be(71_000_000m - 79_082_600m);
        row["outYears"]!.AsArray().Select(y => y!.GetValue<decimal>()).Should().Equal(-1000m, -1000m, 0m, 0m);

        var fetched = await client.GetAsync(url);
        fetched.Headers.ETag!.Tag.Should().Be("\"2\"");
        ((string?)(await fetched.Json())["explanation"]).Should().Be("Revideret");
    }

    [Fact]
    public async Task Of_many_parallel_writers_holding_the_same_etag_exactly_one_succeeds()
    {
        const string url = "/api/budget-years/2014/rounds/3/estimates/5.57.78";
        var etag = (await client.PutAsync(url, Estimate(60_000_000m))).Headers.ETag!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Send(HttpMethod.Put, url, Estimate(61_000_000m + i), etag)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed).Should().Be(15);
        var history = (await (await client.GetAsync("/api/budget-years/2014/accounts/5.57.78/history")).Json()).AsArray();
        history.Count(h => (string?)h!["type"] == "estimate" && (int?)h["round"] == 3).Should().Be(2, "the first write and the one winner");
    }

    [Fact]
    public async Task An_estimate_request_with_bad_fields_is_refused_field_by_field()
    {
        var response = await client.PutAsync("/api/budget-years/2014/rounds/2/estimates/5.57.73",
            Http.JsonBody(new { estimate = 1.001m, outYears = new[] { 1m, 2m } }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Json())["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("Estimate", "OutYears");
        (await client.PutAsync("/api/budget-years/2014/rounds/4/estimates/5.57.73", Estimate(1m))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PutAsync("/api/budget-years/2014/rounds/2/estimates/9.99.99", Estimate(1m))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_accounts_history_lists_movements_and_estimate_versions_in_date_order()
    {
        // The demo import recorded its estimate at the factory's clock, 2014-04-10 09:00 UTC; a later estimate is dated
        // by the clock when it is saved, so it sorts after the movements decided before that day.
        factory.Clock.Set(NodaTime.Instant.FromUtc(2014, 5, 20, 12, 0));
        (await client.PutAsync("/api/budget-years/2014/rounds/2/estimates/5.57.75", Estimate(26_000_000m))).StatusCode.Should().Be(HttpStatusCode.OK);

        var history = (await (await client.GetAsync("/api/budget-years/2014/accounts/5.57.75/history")).Json()).AsArray();

        history.Select(h => ((string?)h!["date"], (string?)h["type"], (string?)h["kind"], (int?)h["round"], h["amount"]!.GetValue<decimal>())).Should().Equal(
            ("2013-10-09", "movement", "original_budget", null, 25_834_800m),
            ("2014-02-10", "movement", "technical_reallocation", null, 642_200m),
            ("2014-03-26", "movement", "carry_over", null, 117_000m),
            ("2014-04-10", "estimate", null, 1, 26_594_000m),
            ("2014-05-20", "estimate", null, 2, 26_000_000m));
        ((string?)history[3]!["recordedAt"]).Should().Be("2014-04-10T09:00:00Z");
        ((string?)history[4]!["recordedAt"]).Should().Be("2014-05-20T12:00:00Z");
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string url, HttpContent content, EntityTagHeaderValue ifMatch)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.IfMatch.Add(ifMatch);
        return client.SendAsync(request);
    }
}

public sealed class ReadEndpointTests : IClassFixture<PublishedFiguresTests.DemoApi>
{
    private readonly HttpClient client;

    public ReadEndpointTests(PublishedFiguresTests.DemoApi api) => client = api.Factory.CreateClient();

    [Theory]
    [InlineData("round=4&by=account", "round")]
    [InlineData("round=x&by=account", "round")]
    [InlineData("by=account", "round")]
    [InlineData("round=1&by=area", "by")]
    [InlineData("round=1", "by")]
    [InlineData("round=1&by=account&asOf=31-03-2014", "asOf")]
    public async Task Bad_follow_up_query_values_are_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        var response = await client.GetAsync($"/api/budget-years/2014/follow-up?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Json())["errors"]!.AsObject().Select(e => e.Key).Should().Contain(parameter);
    }

    [Fact]
    public async Task An_unknown_year_is_a_404_problem()
    {
        var response = await client.GetAsync("/api/budget-years/2031/follow-up?round=1&by=account");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task The_year_lists_its_rounds_committees_and_activity_areas()
    {
        var year = await (await client.GetAsync("/api/budget-years/2014")).Json();

        year["rounds"]!.AsArray().Select(r => (string?)r!["cutoff"]).Should().Equal("2014-03-31", "2014-06-30", "2014-09-30");
        var committee = year["committees"]!.AsArray().Should().ContainSingle().Subject!;
        committee["activityAreas"]!.AsArray().Select(a => ((string?)a!["name"], (int)a["accounts"]!)).Should().Equal(
            ("Beskæftigelse", 16), ("Erhverv", 1), ("Ydelser og overførsler", 6));
        var accounts = (await (await client.GetAsync("/api/budget-years/2014/accounts?activityArea=Erhverv")).Json()).AsArray();
        ((string?)accounts.Single()!["chartNumber"]).Should().Be("6.48.67");
    }

    [Fact]
    public async Task Health_and_the_openapi_document_are_served()
    {
        (await client.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        var openApi = await (await client.GetAsync("/openapi/v1.json")).Json();
        openApi["paths"]!.AsObject().Select(p => p.Key).Should().Contain(["/api/budget-years/{year}/follow-up", "/api/budget-years/{year}/dataset", "/api/budget-years/{year}/rounds/{round}/estimates/{account}"]);
    }
}

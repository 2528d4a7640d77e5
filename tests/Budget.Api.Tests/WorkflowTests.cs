using System.Net;
using System.Text.Json.Nodes;
using NodaTime;

namespace Budget.Api.Tests;

/// <summary>The round workflow of contract §5 on the demo year: every transition, allowed and refused, and approval.</summary>
public sealed class WorkflowTests : IAsyncLifetime, IDisposable
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";
    private const string Kontanthjaelp = "5.57.73";
    private const string Dagpenge = "5.57.78";
    private const string Round1 = "/api/budget-years/2014/rounds/1";

    private readonly BudgetApiFactory factory = new(seedDemo: true);
    private HttpClient consultant = null!;
    private HttpClient committee = null!;
    private HttpClient council = null!;
    private HttpClient finance = null!;

    public async Task InitializeAsync()
    {
        consultant = factory.WithKey(await Users.Create(factory, "Søren Økonomikonsulent", ["consultant"]));
        committee = factory.WithKey(await Users.Create(factory, "EBU-formand", ["committee"]));
        council = factory.WithKey(await Users.Create(factory, "Borgmester", ["council"]));
        finance = factory.WithKey(await Users.Create(factory, "Økonomichef", ["finance"]));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var client in new[] { consultant, committee, council, finance })
        {
            client?.Dispose();
        }

        factory.Dispose();
    }

    private static async Task<string> State(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (string)(await response.Json())["state"]!;
    }

    private static async Task ShouldBeWrongState(HttpResponseMessage response, string current)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Json();
        ((string?)problem["state"]).Should().Be(current);
        ((string?)problem["detail"]).Should().StartWith($"Round 1 of 2014 is {current};");
    }

    private Task<HttpResponseMessage> Submit() => consultant.PostAsync($"{Round1}/submit", null);

    private Task<HttpResponseMessage> Recommend(string name = Committee) => committee.PostAsync($"{Round1}/recommend", Http.JsonBody(new { committee = name }));

    private Task<HttpResponseMessage> Approve(string decidedOn = "2014-04-28") => council.PostAsync($"{Round1}/approve", Http.JsonBody(new { decidedOn, reference = "KB 28.04.2014, pkt. 5" }));

    private Task<HttpResponseMessage> Reopen() => finance.PostAsync($"{Round1}/reopen", null);

    private static Task<HttpResponseMessage> PutEstimate(HttpClient client, string account, decimal estimate, string? etag = "*", decimal? requested = null, int round = 1)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/{round}/estimates/{account}")
        {
            Content = Http.JsonBody(new { estimate, explanation = "Ændret skøn.", outYears = new[] { 0m, 0m, 0m, 0m }, requestedAppropriation = requested }),
        };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request);
    }

    private async Task<JsonNode> Row(string by, int round, string? account = null)
    {
        var report = await (await consultant.GetAsync($"/api/budget-years/2014/follow-up?round={round}&by={by}")).Json();
        return account is null ? report["total"]! : report["rows"]!.AsArray().Single(r => (string?)r!["account"] == account)!;
    }

    [Fact]
    public async Task A_round_starts_open_with_the_cut_off_of_the_year()
    {
        var round = await (await consultant.GetAsync(Round1)).Json();

        round.Text().Should().Be("{\"round\":1,\"cutoff\":\"2014-03-31\",\"state\":\"open\",\"recommendedBy\":[]}");
    }

    [Fact]
    public async Task The_whole_way_open_submitted_recommended_approved()
    {
        (await State(await Submit())).Should().Be("submitted");
        (await State(await Recommend())).Should().Be("recommended");
        (await State(await Approve())).Should().Be("approved");
        (await State(await consultant.GetAsync(Round1))).Should().Be("approved");
    }

    [Fact]
    public async Task Transitions_from_the_wrong_state_are_409_naming_the_current_state_and_change_nothing()
    {
        await ShouldBeWrongState(await Recommend(), "open");
        await ShouldBeWrongState(await Approve(), "open");
        await ShouldBeWrongState(await Reopen(), "open");

        await Submit();
        await ShouldBeWrongState(await Submit(), "submitted");
        await ShouldBeWrongState(await Approve(), "submitted");

        await Recommend();
        await ShouldBeWrongState(await Submit(), "recommended");

        await Approve();
        await ShouldBeWrongState(await Submit(), "approved");
        await ShouldBeWrongState(await Recommend(), "approved");
        await ShouldBeWrongState(await Approve(), "approved");
        await ShouldBeWrongState(await Reopen(), "approved");
        (await Row("committee", 2))["estimateAppropriations"]!.GetValue<decimal>().Should().Be(-5_025_000m, "the second approval granted nothing more");
    }

    [Fact]
    public async Task Estimates_are_read_only_once_submitted_and_writable_again_after_finance_reopens()
    {
        await Submit();

        var locked = await PutEstimate(consultant, Kontanthjaelp, 70_000_000m);
        locked.StatusCode.Should().Be(HttpStatusCode.Conflict);
        ((string?)(await locked.Json())["detail"]).Should().StartWith("Round 1 of 2014 is submitted: its estimates are locked.");
        (await (await consultant.GetAsync($"{Round1}/estimates/{Kontanthjaelp}")).Json())["estimate"]!.GetValue<decimal>().Should().Be(71_517_600m);

        (await State(await Reopen())).Should().Be("open");
        (await PutEstimate(consultant, Kontanthjaelp, 70_000_000m)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Round_2_estimates_stay_open_while_round_1_is_locked()
    {
        await Submit();

        (await PutEstimate(consultant, Kontanthjaelp, 71_000_000m, etag: null, round: 2)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reopening_a_recommended_round_drops_the_recommendations_given_on_the_old_estimates()
    {
        await Submit();
        await Recommend();

        var reopened = await (await Reopen()).Json();
        await Submit();
        var resubmitted = await (await consultant.GetAsync(Round1)).Json();

        ((string?)reopened["state"]).Should().Be("open");
        reopened["recommendedBy"]!.AsArray().Should().BeEmpty();
        ((string?)resubmitted["state"]).Should().Be("submitted");
    }

    [Fact]
    public async Task A_recommendation_for_a_committee_without_accounts_is_a_400_naming_the_field()
    {
        await Submit();

        var response = await Recommend("Teknik- og Miljøudvalget");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await response.Json())["errors"]!["committee"]![0]).Should().Be("'Teknik- og Miljøudvalget' is not a committee with accounts in 2014.");
        (await State(await consultant.GetAsync(Round1))).Should().Be("submitted");
    }

    [Theory]
    [InlineData("2014-03-31")]
    [InlineData("2014-02-01")]
    [InlineData("2015-01-15")]
    public async Task An_approval_dated_on_or_before_the_cut_off_or_outside_the_year_is_refused(string decidedOn)
    {
        await Submit();
        await Recommend();

        var response = await Approve(decidedOn);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await response.Json())["errors"]!["decidedOn"]![0]).Should().Be("The decision must fall after the round's cut-off 2014-03-31 and within 2014.");
        (await State(await consultant.GetAsync(Round1))).Should().Be("recommended");
    }

    [Fact]
    public async Task Approval_grants_each_accounts_variance_so_round_2_measures_against_the_new_corrected_budget()
    {
        var round1 = await Row("committee", 1);
        await Submit();
        await Recommend();

        var approved = await (await Approve()).Json();

        // Round 1 as published: corrected 463.747, estimate 458.722, variance −5.025 (1.000 kr.).
        round1["correctedBudget"]!.GetValue<decimal>().Should().Be(463_747_000m);
        round1["varianceToCorrected"]!.GetValue<decimal>().Should().Be(-5_025_000m);
        var granted = approved["granted"]!.AsArray();
        granted.Should().HaveCount(13, "the 10 accounts with no variance get no movement");
        granted.Sum(g => g!["amount"]!.GetValue<decimal>()).Should().Be(-5_025_000m);
        var kontanthjaelp = granted.Single(g => (string?)g!["account"] == Kontanthjaelp)!;
        kontanthjaelp.Text().Should().Be("{\"account\":\"5.57.73\",\"amount\":-7565000,\"decidedOn\":\"2014-04-28\",\"reference\":\"KB 28.04.2014, pkt. 5\",\"decidedBy\":\"Kommunalbestyrelsen\"}");

        var round2 = await Row("committee", 2);
        round2["estimateAppropriations"]!.GetValue<decimal>().Should().Be(-5_025_000m);
        round2["correctedBudget"]!.GetValue<decimal>().Should().Be(458_722_000m);
        var kontanthjaelp2 = await Row("account", 2, Kontanthjaelp);
        kontanthjaelp2["correctedBudget"]!.GetValue<decimal>().Should().Be(71_517_600m, "79.082.600 − 7.565.000: the round-1 estimate is the new corrected budget");
        kontanthjaelp2["varianceToCorrected"]!.GetValue<decimal>().Should().Be(0m);
        kontanthjaelp2["varianceToOriginal"]!.GetValue<decimal>().Should().Be(71_517_600m - 78_929_600m);
        (await Row("account", 1, Kontanthjaelp))["estimateAppropriations"]!.GetValue<decimal>().Should().Be(0m, "round 1 is measured as of its cut-off, before the decision");

        var history = (await (await consultant.GetAsync($"/api/budget-years/2014/accounts/{Kontanthjaelp}/history")).Json()).AsArray();
        var movement = history.Single(h => (string?)h!["kind"] == "estimate_appropriation")!;
        ((string?)movement["date"]).Should().Be("2014-04-28");
        movement["amount"]!.GetValue<decimal>().Should().Be(-7_565_000m);
        ((string?)movement["reference"]).Should().Be("KB 28.04.2014, pkt. 5");
    }

    [Fact]
    public async Task A_consultant_may_request_less_than_the_variance_and_the_council_grants_what_was_requested()
    {
        var before = await Row("account", 1, Dagpenge);
        var variance = before["varianceToCorrected"]!.GetValue<decimal>();
        var estimate = before["estimate"]!.GetValue<decimal>();

        (await PutEstimate(consultant, Dagpenge, estimate, requested: 3_000_000m)).StatusCode.Should().Be(HttpStatusCode.OK);
        await Submit();
        await Recommend();
        var granted = (await (await Approve()).Json())["granted"]!.AsArray();

        variance.Should().Be(3_402_000m, "the published variance of Dagpenge til forsikrede ledige");
        granted.Single(g => (string?)g!["account"] == Dagpenge)!["amount"]!.GetValue<decimal>().Should().Be(3_000_000m);
        granted.Sum(g => g!["amount"]!.GetValue<decimal>()).Should().Be(-5_025_000m - 402_000m);
        var round2 = await Row("account", 2, Dagpenge);
        round2["correctedBudget"]!.GetValue<decimal>().Should().Be(before["correctedBudget"]!.GetValue<decimal>() + 3_000_000m);
    }

    [Fact]
    public async Task Approved_movements_cannot_be_edited_or_deleted_through_any_endpoint()
    {
        await Submit();
        await Recommend();
        await Approve();

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            var response = await finance.SendAsync(new HttpRequestMessage(method, "/api/budget-years/2014/movements") { Content = Http.JsonBody(new { }) });
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, method.Method);
        }

        (await finance.DeleteAsync($"/api/budget-years/2014/accounts/{Kontanthjaelp}/history")).StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        (await Row("committee", 2))["estimateAppropriations"]!.GetValue<decimal>().Should().Be(-5_025_000m);
    }

    [Fact]
    public async Task The_round_comparison_shows_what_moved_since_the_previous_round_and_why()
    {
        await Submit();
        await Recommend();
        await Approve();
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/2/estimates/{Kontanthjaelp}")
        {
            Content = Http.JsonBody(new { estimate = 70_000_000m, explanation = "Ledigheden faldt mere end ventet i 2. kvartal.", outYears = new[] { 0m, 0m, 0m, 0m } }),
        };
        (await consultant.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);

        var comparison = await (await consultant.GetAsync("/api/budget-years/2014/round-comparison?by=account")).Json();

        comparison["reported"]!.AsArray().Select(r => (int)r!).Should().Equal(1, 2);
        var row = comparison["rows"]!.AsArray().Single(r => (string?)r!["account"] == Kontanthjaelp)!;
        row["rounds"]![0]!.Text().Should().Be("{\"round\":1,\"asOf\":\"2014-03-31\",\"correctedBudget\":79082600,\"estimate\":71517600,\"varianceToCorrected\":-7565000,\"estimatesMissing\":0,\"explanation\":\"Færre modtagere af kontanthjælp end forudsat i budgettet; effekten fortsætter i overslagsårene.\"}");
        row["rounds"]![1]!.Text().Should().Be("{\"round\":2,\"asOf\":\"2014-06-30\",\"correctedBudget\":71517600,\"estimate\":70000000,\"varianceToCorrected\":-1517600,\"estimatesMissing\":0,\"explanation\":\"Ledigheden faldt mere end ventet i 2. kvartal.\"}");
        row["rounds"]![2].Should().BeNull("no estimate is recorded for round 3");
        row["changes"]!.Text().Should().Be("[{\"from\":1,\"to\":2,\"correctedBudget\":-7565000,\"estimate\":-1517600,\"varianceToCorrected\":6047400}]");

        var total = comparison["total"]!;
        total["rounds"]![1]!["estimatesMissing"]!.GetValue<int>().Should().Be(22);
        total["changes"]![0]!["correctedBudget"]!.GetValue<decimal>().Should().Be(-5_025_000m);

        var byArea = await consultant.GetAsync("/api/budget-years/2014/round-comparison?by=activity-area");
        byArea.StatusCode.Should().Be(HttpStatusCode.OK);
        (await consultant.GetAsync("/api/budget-years/2014/round-comparison?by=nothing")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await consultant.GetAsync("/api/budget-years/1999/round-comparison?by=account")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_rounds_and_years_are_404()
    {
        (await consultant.GetAsync("/api/budget-years/2014/rounds/4")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await consultant.PostAsync("/api/budget-years/2014/rounds/0/submit", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await consultant.PostAsync("/api/budget-years/1999/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_audit_trail_records_each_accepted_write_with_who_when_what_and_the_state_before_and_after()
    {
        factory.Clock.Set(Instant.FromUtc(2014, 4, 14, 8, 30));
        var etag = (await consultant.GetAsync($"{Round1}/estimates/{Kontanthjaelp}")).Headers.ETag!.Tag;
        (await PutEstimate(consultant, Kontanthjaelp, 72_000_000m, etag)).StatusCode.Should().Be(HttpStatusCode.OK);
        factory.Clock.Set(Instant.FromUtc(2014, 4, 15, 12, 0));
        await Submit();
        await ShouldBeWrongState(await Submit(), "submitted");
        (await PutEstimate(consultant, Kontanthjaelp, 1m)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        factory.Clock.Set(Instant.FromUtc(2014, 4, 22, 16, 0));
        await Recommend();
        factory.Clock.Set(Instant.FromUtc(2014, 4, 28, 19, 45));
        await Approve();

        var audit = (await (await consultant.GetAsync("/api/budget-years/2014/audit?from=2014-04-14")).Json()).AsArray();

        audit.Select(a => (string?)a!["action"]).Should().Equal("estimate.record", "round.submit", "round.recommend", "round.approve");
        var estimate = audit[0]!;
        ((string?)estimate["at"]).Should().Be("2014-04-14T08:30:00Z");
        ((string?)estimate["user"]).Should().Be("Søren Økonomikonsulent");
        ((string?)estimate["target"]).Should().Be("budget-years/2014/rounds/1/estimates/5.57.73");
        estimate["before"]!["estimate"]!.GetValue<decimal>().Should().Be(71_517_600m);
        estimate["before"]!["version"]!.GetValue<long>().Should().Be(1);
        estimate["after"]!["estimate"]!.GetValue<decimal>().Should().Be(72_000_000m);
        estimate["after"]!["version"]!.GetValue<long>().Should().Be(2);
        audit[1]!.Text().Should().EndWith("\"at\":\"2014-04-15T12:00:00Z\",\"user\":\"Søren Økonomikonsulent\",\"userId\":1,\"action\":\"round.submit\",\"target\":\"budget-years/2014/rounds/1\",\"before\":{\"state\":\"open\"},\"after\":{\"state\":\"submitted\"}}");
        audit[2]!["after"]!.Text().Should().Be("{\"state\":\"recommended\",\"committee\":\"Erhvervs- og Beskæftigelsesudvalget\"}");
        ((string?)audit[2]!["user"]).Should().Be("EBU-formand");
        var approval = audit[3]!;
        ((string?)approval["user"]).Should().Be("Borgmester");
        ((string?)approval["after"]!["reference"]).Should().Be("KB 28.04.2014, pkt. 5");
        approval["after"]!["movements"]!.AsArray().Sum(m => m!["amount"]!.GetValue<decimal>()).Should().Be(-5_025_000m + 72_000_000m - 71_517_600m);

        var window = (await (await consultant.GetAsync("/api/budget-years/2014/audit?from=2014-04-15&to=2014-04-22")).Json()).AsArray();
        window.Select(a => (string?)a!["action"]).Should().Equal("round.submit", "round.recommend");
        var estimatesOnly = (await (await consultant.GetAsync($"/api/budget-years/2014/audit?target=budget-years/2014/rounds/1/estimates/{Kontanthjaelp}")).Json()).AsArray();
        estimatesOnly.Select(a => (string?)a!["action"]).Should().Equal("estimate.record");
        var wholeRound = (await (await consultant.GetAsync("/api/budget-years/2014/audit?target=budget-years/2014/rounds/1")).Json()).AsArray();
        wholeRound.Should().HaveCount(4, "a target also matches what lies under it");
        (await consultant.GetAsync("/api/budget-years/2014/audit?from=14-04-2014")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Every_write_endpoint_leaves_an_audit_entry_and_refused_writes_leave_none()
    {
        var before = (await (await finance.GetAsync("/api/budget-years/2014/audit")).Json()).AsArray().Count;

        (await finance.PostAsync("/api/budget-years/2014/movements", Http.JsonBody(new { account = Kontanthjaelp, kind = "council_decision", amount = -100_000m, decidedOn = "2014-05-20" }))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await finance.PostAsync("/api/budget-years/2014/postings", Http.JsonBody(new[] { new { account = Kontanthjaelp, postedOn = "2014-05-02", amount = 1_250.50m } }))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await finance.PostAsync("/api/budget-years/2014/movements", Http.JsonBody(new { account = "none", kind = "council_decision", amount = 1m, decidedOn = "2014-05-20" }))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await consultant.PostAsync("/api/budget-years/2014/movements", Http.JsonBody(new { account = Kontanthjaelp, kind = "council_decision", amount = 1m, decidedOn = "2014-05-20" }))).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var audit = (await (await finance.GetAsync("/api/budget-years/2014/audit")).Json()).AsArray();
        audit.Skip(before).Select(a => (string?)a!["action"]).Should().Equal("movement.add", "postings.add");
        audit[before]!["after"]!["amount"]!.GetValue<decimal>().Should().Be(-100_000m);
        ((string?)audit[before]!["user"]).Should().Be("Økonomichef");
        audit[before + 1]!["after"]!.Text().Should().Be("{\"postings\":1,\"amount\":1250.5,\"accounts\":[\"5.57.73\"]}");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// Bad bodies against the host as it is published (environment Production, where minimal APIs would otherwise answer
/// an unreadable body with a bare 400): every refusal is ProblemDetails naming the field, none is a 500, and nothing
/// is stored (contract §7).
/// </summary>
public sealed class ProductionHostTests : IDisposable
{
    private const string History = "/api/budget-years/2014/accounts/5.57.73/history";
    private readonly BudgetApiFactory factory = new(seedDemo: true, environment: "Production");
    private readonly HttpClient client;

    public ProductionHostTests() => client = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> Problem(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
    }

    private static IEnumerable<string> Fields(JsonObject problem) => problem["errors"]!.AsObject().Select(e => e.Key);

    [Theory]
    [InlineData("{\"account\": \"5.57.73\", \"kind\": \"carry_over\", \"amount\": 1, \"decidedOn\": \"2014-02-30\"}", "decidedOn")]
    [InlineData("{\"account\": \"5.57.73\", \"kind\": \"carry_over\", \"amount\": 1e40, \"decidedOn\": \"2014-03-01\"}", "amount")]
    [InlineData("{\"account\": \"5.57.73\", \"kind\": \"carry_over\", \"amount\": \"ten\", \"decidedOn\": \"2014-03-01\"}", "amount")]
    [InlineData("{\"account\": \"5.57.73\", \"kind\": \"carry_over\", \"decidedOn\": \"2014-03-01\"}", "amount")]
    [InlineData("{\"Account\": \"5.57.73\", \"Kind\": \"carry_over\", \"Amount\": 1, \"DecidedOn\": \"2014-03-01\"}", "amount")]
    [InlineData("{\"account\": 5.57", "account")]
    [InlineData("", "body")]
    public async Task A_movement_body_that_cannot_be_read_is_a_problem_naming_the_field_and_stores_nothing(string body, string field)
    {
        var before = (await (await client.GetAsync(History)).Json()).AsArray().Count;

        var problem = await Problem(await client.PostAsync("/api/budget-years/2014/movements", Body(body)));

        Fields(problem).Should().Contain(field);
        ((string?)problem["detail"]).Should().NotBeNullOrEmpty();
        (await (await client.GetAsync(History)).Json()).AsArray().Count.Should().Be(before);
    }

    [Fact]
    public async Task A_posting_without_an_amount_is_refused_naming_it_rather_than_stored_as_zero()
    {
        var problem = await Problem(await client.PostAsync("/api/budget-years/2014/postings", Body("[{\"account\": \"5.57.73\", \"postedOn\": \"2014-04-01\"}]")));

        Fields(problem).Should().Equal("[0].amount");
    }

    [Theory]
    [InlineData("/api/budget-years/2014/postings", "POST", "[{\"account\":\"5.57.73\",\"postedOn\":\"2014-04-01\",\"amount\":10},null]")]
    [InlineData("/api/budget-years/2014/rounds/3/estimates/5.57.73", "PUT", "{\"gross\":{\"amount\":100,\"persons\":[null]},\"outYears\":[0,0,0,0]}")]
    [InlineData("/api/budget-years/2014/carry-overs/approve", "POST", "{\"decidedOn\":\"2015-03-01\",\"overrides\":[null]}")]
    [InlineData("/api/refusion/calculate", "POST", "{\"cases\":[{\"id\":\"c1\",\"benefit\":\"ledighedsydelse\",\"ruleSet\":\"2016\",\"firstWeekAnciennity\":1,\"activity\":\"passive\",\"weeklyAmounts\":[3000,3000,3000],\"jobPeriods\":[null]}]}")]
    public async Task A_null_in_a_list_is_refused_as_a_400_not_a_500(string url, string method, string body)
    {
        var before = (await (await client.GetAsync("/api/budget-years/2014/follow-up?round=3&by=account")).Content.ReadAsStringAsync());

        var problem = await Problem(await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = Body(body) }));

        problem["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray()).Select(m => (string?)m).Should().Contain(m => m!.Contains("cannot be null", StringComparison.Ordinal));
        (await (await client.GetAsync("/api/budget-years/2014/follow-up?round=3&by=account")).Content.ReadAsStringAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_weak_etag_never_matches_an_estimate()
    {
        const string url = "/api/budget-years/2014/rounds/2/estimates/5.57.73";
        var body = "{\"estimate\": 70000000, \"explanation\": \"x\", \"outYears\": [0, 0, 0, 0]}";
        var created = await client.PutAsync(url, Body(body));
        created.StatusCode.Should().Be(HttpStatusCode.OK);

        var weak = new HttpRequestMessage(HttpMethod.Put, url) { Content = Body(body.Replace("70000000", "71000000", StringComparison.Ordinal)) };
        weak.Headers.IfMatch.Add(new EntityTagHeaderValue(created.Headers.ETag!.Tag, isWeak: true));
        await Problem(await client.SendAsync(weak), HttpStatusCode.PreconditionFailed);

        (await (await client.GetAsync(url)).Json())["estimate"]!.GetValue<decimal>().Should().Be(70_000_000m);
    }
}

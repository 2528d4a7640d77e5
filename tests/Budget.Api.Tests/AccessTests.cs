using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

internal static class Users
{
    /// <summary>Creates a user through the API as the bootstrap administrator and returns its key.</summary>
    public static async Task<string> Create(BudgetApiFactory factory, string name, string[] roles, string[]? committees = null)
    {
        using var admin = factory.CreateClient();
        var response = await admin.PostAsync("/api/users", Http.JsonBody(new { name, roles, committees }));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.Json())["apiKey"]!;
    }
}

/// <summary>Every role against every class of endpoint, over HTTP, allowed and refused.</summary>
public sealed class AccessTests(AccessTests.Api api) : IClassFixture<AccessTests.Api>
{
    public sealed class Api() : RoleKeysFixture(seedDemo: true);

    /// <summary>
    /// One request per endpoint class, aimed at a year that does not exist or with an invalid body, so that a
    /// request that passes authorisation is answered 400/404 and changes nothing: what is tested is only who passes.
    /// </summary>
    private static readonly Dictionary<string, (HttpMethod Method, string Path, string? Body)> Endpoints = new(StringComparer.Ordinal)
    {
        ["read-report"] = (HttpMethod.Get, "/api/budget-years/9999/follow-up?round=1&by=account", null),
        ["read-round"] = (HttpMethod.Get, "/api/budget-years/9999/rounds/1", null),
        ["read-comparison"] = (HttpMethod.Get, "/api/budget-years/9999/round-comparison?by=account", null),
        ["read-accounts"] = (HttpMethod.Get, "/api/budget-years/9999/accounts", null),
        ["read-estimate"] = (HttpMethod.Get, "/api/budget-years/9999/rounds/1/estimates/5.57.73", null),
        ["audit"] = (HttpMethod.Get, "/api/budget-years/9999/audit", null),
        ["import"] = (HttpMethod.Post, "/api/budget-years/9999/dataset", null),
        ["movement"] = (HttpMethod.Post, "/api/budget-years/9999/movements", "{}"),
        ["postings"] = (HttpMethod.Post, "/api/budget-years/9999/postings", "[]"),
        ["estimate"] = (HttpMethod.Put, "/api/budget-years/9999/rounds/1/estimates/5.57.73", "{}"),
        ["submit"] = (HttpMethod.Post, "/api/budget-years/9999/rounds/1/submit", null),
        ["recommend"] = (HttpMethod.Post, "/api/budget-years/9999/rounds/1/recommend", "{}"),
        ["approve"] = (HttpMethod.Post, "/api/budget-years/9999/rounds/1/approve", "{}"),
        ["reopen"] = (HttpMethod.Post, "/api/budget-years/9999/rounds/1/reopen", null),
        ["users"] = (HttpMethod.Post, "/api/users", "{}"),
        ["list-users"] = (HttpMethod.Get, "/api/users", null),
        ["all-audit"] = (HttpMethod.Get, "/api/audit?from=not-a-date", null),
    };

    private static readonly string[] Reads = ["read-report", "read-round", "read-comparison", "read-accounts", "read-estimate", "audit"];

    /// <summary>The contract's table of who may do what (docs/workflow.md).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["consultant"] = [.. Reads, "estimate", "submit"],
        ["committee"] = [.. Reads, "recommend"],
        ["council"] = [.. Reads, "approve"],
        ["finance"] = [.. Reads, "import", "movement", "postings", "estimate", "submit", "reopen"],
        ["reader"] = Reads,
        ["admin"] = [.. Endpoints.Keys],
    };

    public static TheoryData<string, string> RolesAndEndpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in Allowed.Keys)
        {
            foreach (var endpoint in Endpoints.Keys)
            {
                data.Add(role, endpoint);
            }
        }

        return data;
    }

    private static HttpRequestMessage Request(string endpoint)
    {
        var (method, path, body) = Endpoints[endpoint];
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        else if (endpoint == "import")
        {
            request.Content = Http.Dataset(("accounts", "committee,activity_area,account,name\n"));
        }

        return request;
    }

    [Theory]
    [MemberData(nameof(RolesAndEndpoints))]
    public async Task Each_role_reaches_exactly_its_endpoints(string role, string endpoint)
    {
        using var client = api.Factory.WithKey(api.Keys[role]);

        var response = await client.SendAsync(Request(endpoint));

        if (Allowed[role].Contains(endpoint))
        {
            response.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.NotFound], $"{role} may use {endpoint}: {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{role} may not use {endpoint}");
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            ((string?)(await response.Json())["detail"]).Should().StartWith($"{role} user does not hold ");
        }
    }

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Without_a_key_or_with_an_unknown_one_every_endpoint_answers_401(string endpoint)
    {
        using var anonymous = api.Factory.Anonymous();
        using var unknown = api.Factory.WithKey("bfk_not-a-key-anyone-was-given");

        var withoutKey = await anonymous.SendAsync(Request(endpoint));
        var withUnknownKey = await unknown.SendAsync(Request(endpoint));

        withoutKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        ((string?)(await withoutKey.Json())["detail"]).Should().Be("Send an API key in the X-Api-Key header.");
        withUnknownKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withUnknownKey.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        ((string?)(await withUnknownKey.Json())["detail"]).Should().Be("The X-Api-Key is not a key of an active user (unknown or revoked).");
    }

    public static TheoryData<string> EndpointNames() => [.. Endpoints.Keys];

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        using var anonymous = api.Factory.Anonymous();

        (await anonymous.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_is_shown_once_stored_only_as_its_hash_and_stops_working_when_revoked()
    {
        using var admin = api.Factory.CreateClient();
        var created = await (await admin.PostAsync("/api/users", Http.JsonBody(new { name = "Mette, økonomikonsulent", roles = new[] { "consultant", "reader" } }))).Json();
        var key = (string)created["apiKey"]!;
        var id = (long)created["id"]!;

        key.Should().StartWith("bfk_").And.HaveLength(4 + 43);
        var listed = (await (await admin.GetAsync("/api/users")).Json()).AsArray().Single(u => (long)u!["id"]! == id)!;
        listed.AsObject().Select(p => p.Key).Should().NotContain("apiKey");
        ((string?)listed["name"]).Should().Be("Mette, økonomikonsulent");
        listed["roles"]!.AsArray().Select(r => (string?)r).Should().Equal("consultant", "reader");
        api.Factory.DatabaseContains(key).Should().BeFalse("the key itself is never stored");
        api.Factory.DatabaseContains("Mette, økonomikonsulent").Should().BeTrue("the check can find what is stored");

        using var mette = api.Factory.WithKey(key);
        (await mette.GetAsync("/api/budget-years/2014/rounds/1")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.DeleteAsync($"/api/users/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await mette.GetAsync("/api/budget-years/2014/rounds/1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.DeleteAsync($"/api/users/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var revoked = (await (await admin.GetAsync("/api/users")).Json()).AsArray().Single(u => (long)u!["id"]! == id)!;
        revoked["revokedAt"].Should().NotBeNull();
    }

    [Fact]
    public async Task Two_keys_are_never_alike()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Users.Create(api.Factory, $"reader {i}", ["reader"])));

        keys.Distinct().Should().HaveCount(20);
    }

    [Fact]
    public async Task A_user_with_an_unknown_role_or_no_role_is_refused_naming_the_field()
    {
        using var admin = api.Factory.CreateClient();

        var unknownRole = await admin.PostAsync("/api/users", Http.JsonBody(new { name = "x", roles = new[] { "mayor" } }));
        var noRole = await admin.PostAsync("/api/users", Http.JsonBody(new { name = "x", roles = Array.Empty<string>() }));

        unknownRole.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)(await unknownRole.Json())["errors"]!["Roles[0]"]![0]).Should().StartWith("'mayor' is not a role");
        noRole.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noRole.Json())["errors"]!["Roles"].Should().NotBeNull();
    }
}

/// <summary>Auth:AnonymousRead lets anyone read reports; writes still need a key, and a wrong key is still refused.</summary>
public sealed class AnonymousReadTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: true, anonymousRead: true);

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Reports_are_readable_without_a_key_but_not_with_a_wrong_one_and_writes_need_a_key()
    {
        using var anonymous = factory.Anonymous();
        using var wrongKey = factory.WithKey("typo");

        var report = await anonymous.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee");
        var reportWithWrongKey = await wrongKey.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee");
        var write = await anonymous.PostAsync("/api/budget-years/2014/rounds/1/submit", null);
        var audit = await anonymous.GetAsync("/api/budget-years/2014/audit");

        report.StatusCode.Should().Be(HttpStatusCode.OK);
        ((JsonNode)(await report.Json())["total"]!)["varianceToCorrected"]!.GetValue<decimal>().Should().Be(-5_025_000m);
        reportWithWrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        write.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        audit.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the audit trail names people: it needs a role");
    }
}

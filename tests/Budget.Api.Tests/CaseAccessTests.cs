using System.Net;

namespace Budget.Api.Tests;

/// <summary>Every role against every case endpoint (contract §10 with §5's roles), as <see cref="AccessTests"/> does for the others.</summary>
public sealed class CaseAccessTests(CaseAccessTests.Api api) : IClassFixture<CaseAccessTests.Api>
{
    public sealed class Api() : RoleKeysFixture(seedDemo: false);

    /// <summary>Aimed at a year that does not exist or with an invalid body: a request that passes is answered 400/404 and changes nothing.</summary>
    private static readonly Dictionary<string, (HttpMethod Method, string Path, string? Body)> Endpoints = new(StringComparer.Ordinal)
    {
        ["create-case"] = (HttpMethod.Post, "/api/budget-years/9999/cases", "{}"),
        ["revise-case"] = (HttpMethod.Put, "/api/budget-years/9999/cases/1", "{}"),
        ["approve-case"] = (HttpMethod.Post, "/api/budget-years/9999/cases/1/approve", "{}"),
        ["read-case"] = (HttpMethod.Get, "/api/budget-years/9999/cases/1", null),
        ["list-cases"] = (HttpMethod.Get, "/api/budget-years/9999/cases?catalogue=x", null),
        ["frame-allocation"] = (HttpMethod.Post, "/api/budget-years/9999/frame-allocations", "{}"),
    };

    private static readonly string[] Reads = ["read-case", "list-cases"];

    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["consultant"] = Reads,
        ["committee"] = Reads,
        ["council"] = [.. Reads, "approve-case"],
        ["finance"] = [.. Reads, "create-case", "revise-case", "frame-allocation"],
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
        return new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
    }

    [Theory]
    [MemberData(nameof(RolesAndEndpoints))]
    public async Task Each_role_reaches_exactly_its_case_endpoints(string role, string endpoint)
    {
        using var client = api.Factory.WithKey(api.Keys[role]);

        var response = await client.SendAsync(Request(endpoint));

        if (Allowed[role].Contains(endpoint))
        {
            response.StatusCode.Should().BeOneOf([HttpStatusCode.BadRequest, HttpStatusCode.NotFound], $"{role} may use {endpoint}: {await response.Content.ReadAsStringAsync()}");
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        }
        else
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{role} may not use {endpoint}");
            ((string?)(await response.Json())["detail"]).Should().StartWith($"{role} user does not hold ");
        }
    }

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Without_a_key_every_case_endpoint_answers_401(string endpoint)
    {
        using var anonymous = api.Factory.Anonymous();

        (await anonymous.SendAsync(Request(endpoint))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string> EndpointNames() => [.. Endpoints.Keys];
}

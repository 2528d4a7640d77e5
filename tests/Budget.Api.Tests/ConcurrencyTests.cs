using System.Net;
using System.Text;

namespace Budget.Api.Tests;

/// <summary>
/// Parallel writers over real HTTP (Kestrel on a loopback port): no lost update to different accounts, exactly one
/// winner among writers holding the same ETag, committee scoping, and recommendations arriving at the same time.
/// </summary>
public sealed class ConcurrencyTests : IAsyncLifetime, IDisposable
{
    private const int AccountsPerCommittee = 16;
    private const string Social = "Social- og Sundhedsudvalget";
    private const string Teknik = "Teknik- og Miljøudvalget";

    private readonly BudgetApiFactory factory = new(seedDemo: false, kestrel: true);
    private HttpClient admin = null!;

    private static string AccountOf(string committee, int i) => $"{(committee == Social ? "5" : "0")}.{i:00}.01";

    public async Task InitializeAsync()
    {
        admin = factory.CreateClient();
        admin.BaseAddress!.Scheme.Should().Be("http");
        admin.BaseAddress.IsLoopback.Should().BeTrue();
        var accounts = new StringBuilder("committee,activity_area,account,name\n");
        var movements = new StringBuilder("account,kind,amount,decided_on,reference\n");
        foreach (var committee in new[] { Social, Teknik })
        {
            for (var i = 0; i < AccountsPerCommittee; i++)
            {
                accounts.Append($"{committee},Område {i % 4},{AccountOf(committee, i)},Konto {i}\n");
                movements.Append($"{AccountOf(committee, i)},original_budget,{1_000_000 + i * 1_000},2014-10-09,Budget\n");
            }
        }

        var import = await admin.PostAsync("/api/budget-years/2015/dataset", Http.Dataset(("accounts", accounts.ToString()), ("movements", movements.ToString())));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        admin?.Dispose();
        factory.Dispose();
    }

    private static HttpRequestMessage Put(string account, decimal estimate, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2015/rounds/1/estimates/{account}")
        {
            Content = Http.JsonBody(new { estimate, explanation = "Skøn.", outYears = new[] { 0m, 0m, 0m, 0m } }),
        };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return request;
    }

    private async Task<int> AuditCount() => (await (await admin.GetAsync("/api/budget-years/2015/audit")).Json()).AsArray().Count;

    [Fact]
    public async Task Thirty_two_parallel_writers_to_different_accounts_lose_no_update()
    {
        var accounts = new[] { Social, Teknik }.SelectMany(c => Enumerable.Range(0, AccountsPerCommittee).Select(i => AccountOf(c, i))).ToArray();
        var auditBefore = await AuditCount();
        using var start = new SemaphoreSlim(0);

        var writers = accounts.Select(async (account, i) =>
        {
            using var client = factory.CreateClient();
            await start.WaitAsync();
            var first = await client.SendAsync(Put(account, 1_000m + i, etag: null));
            var second = await client.SendAsync(Put(account, 2_000m + i, first.Headers.ETag?.Tag));
            return (first.StatusCode, second.StatusCode);
        }).ToArray();
        start.Release(accounts.Length);
        var outcomes = await Task.WhenAll(writers);

        outcomes.Should().AllSatisfy(o => o.Should().Be((HttpStatusCode.OK, HttpStatusCode.OK)));
        var report = await (await admin.GetAsync("/api/budget-years/2015/follow-up?round=1&by=account")).Json();
        var estimates = report["rows"]!.AsArray().ToDictionary(r => (string)r!["account"]!, r => r!["estimate"]!.GetValue<decimal>());
        accounts.Select((account, i) => estimates[account] - (2_000m + i)).Should().AllBeEquivalentTo(0m);
        (await AuditCount()).Should().Be(auditBefore + 2 * accounts.Length, "one audit entry per accepted write");
    }

    [Fact]
    public async Task Of_thirty_two_parallel_writers_holding_the_same_etag_exactly_one_wins()
    {
        var account = AccountOf(Social, 3);
        var created = await admin.SendAsync(Put(account, 500m, etag: null));
        var etag = created.Headers.ETag!.Tag;
        var auditBefore = await AuditCount();
        using var start = new SemaphoreSlim(0);

        var writers = Enumerable.Range(0, 32).Select(async i =>
        {
            using var client = factory.CreateClient();
            await start.WaitAsync();
            var response = await client.SendAsync(Put(account, 600m + i, etag));
            return (response.StatusCode, Estimate: response.StatusCode == HttpStatusCode.OK ? (await response.Json())["estimate"]!.GetValue<decimal>() : 0m);
        }).ToArray();
        start.Release(32);
        var outcomes = await Task.WhenAll(writers);

        outcomes.Count(o => o.StatusCode == HttpStatusCode.OK).Should().Be(1);
        outcomes.Count(o => o.StatusCode == HttpStatusCode.PreconditionFailed).Should().Be(31);
        var winner = outcomes.Single(o => o.StatusCode == HttpStatusCode.OK).Estimate;
        var stored = await (await admin.GetAsync($"/api/budget-years/2015/rounds/1/estimates/{account}")).Json();
        stored["estimate"]!.GetValue<decimal>().Should().Be(winner);
        stored["version"]!.GetValue<long>().Should().Be(2);
        (await AuditCount()).Should().Be(auditBefore + 1);
    }

    [Fact]
    public async Task A_user_limited_to_one_committee_cannot_write_or_recommend_for_another_nor_submit_the_round()
    {
        using var socialConsultant = factory.WithKey(await Users.Create(factory, "Konsulent, social", ["consultant"], [Social]));
        using var socialCommittee = factory.WithKey(await Users.Create(factory, "SSU", ["committee"], [Social]));

        var own = await socialConsultant.SendAsync(Put(AccountOf(Social, 0), 1m, etag: null));
        var other = await socialConsultant.SendAsync(Put(AccountOf(Teknik, 0), 1m, etag: null));
        var submit = await socialConsultant.PostAsync("/api/budget-years/2015/rounds/1/submit", null);

        own.StatusCode.Should().Be(HttpStatusCode.OK);
        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ((string?)(await other.Json())["detail"]).Should().Contain("account '0.00.01' belongs to another");
        submit.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.GetAsync($"/api/budget-years/2015/rounds/1/estimates/{AccountOf(Teknik, 0)}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await admin.PostAsync("/api/budget-years/2015/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var otherRecommendation = await socialCommittee.PostAsync("/api/budget-years/2015/rounds/1/recommend", Http.JsonBody(new { committee = Teknik }));
        var ownRecommendation = await socialCommittee.PostAsync("/api/budget-years/2015/rounds/1/recommend", Http.JsonBody(new { committee = Social }));

        otherRecommendation.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ownRecommendation.StatusCode.Should().Be(HttpStatusCode.OK);
        var round = await ownRecommendation.Json();
        ((string?)round["state"]).Should().Be("submitted", "Teknik- og Miljøudvalget has not recommended yet");
        round["recommendedBy"]!.AsArray().Select(c => (string?)c).Should().Equal(Social);
    }

    [Fact]
    public async Task Both_committees_recommending_at_the_same_moment_make_the_round_recommended()
    {
        (await admin.PostAsync("/api/budget-years/2015/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        using var start = new SemaphoreSlim(0);

        var recommendations = new[] { Social, Teknik }.Select(async committee =>
        {
            using var client = factory.CreateClient();
            await start.WaitAsync();
            return (await client.PostAsync("/api/budget-years/2015/rounds/1/recommend", Http.JsonBody(new { committee }))).StatusCode;
        }).ToArray();
        start.Release(2);
        var statuses = await Task.WhenAll(recommendations);

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK);
        var round = await (await admin.GetAsync("/api/budget-years/2015/rounds/1")).Json();
        ((string?)round["state"]).Should().Be("recommended");
        round["recommendedBy"]!.AsArray().Select(c => (string?)c).Should().Equal(Social, Teknik);
    }
}

using System.Net;

namespace Budget.Api.Tests;

/// <summary>GET /api/me: who the key sent belongs to, for the page's sign-in; never answered without a key.</summary>
public sealed class MeTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: false, anonymousRead: true);

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Me_names_the_user_its_roles_and_its_committee_scope()
    {
        var key = await Users.Create(factory, "Karin Konsulent", ["consultant", "finance"], ["Erhvervs- og Beskæftigelsesudvalget"]);
        using var client = factory.WithKey(key);

        using var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Json()).Text().Should().Be("""{"name":"Karin Konsulent","roles":["consultant","finance"],"committees":["Erhvervs- og Beskæftigelsesudvalget"],"administrator":false}""");
    }

    [Fact]
    public async Task Me_of_a_reader_has_no_committees_and_is_no_administrator()
    {
        using var client = factory.WithKey(await Users.Create(factory, "Læser", ["reader"]));

        using var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative));

        (await response.Json()).Text().Should().Be("""{"name":"Læser","roles":["reader"],"committees":null,"administrator":false}""");
    }

    [Fact]
    public async Task Me_of_an_administrator_holds_every_role()
    {
        using var bootstrap = factory.CreateClient();
        (await (await bootstrap.GetAsync(new Uri("/api/me", UriKind.Relative))).Json()).Text()
            .Should().Be("""{"name":"bootstrap-admin","roles":["consultant","committee","council","finance","reader"],"committees":null,"administrator":true}""");

        using var admin = factory.WithKey(await Users.Create(factory, "Admin", ["admin"]));
        (await (await admin.GetAsync(new Uri("/api/me", UriKind.Relative))).Json()).Text()
            .Should().Be("""{"name":"Admin","roles":["consultant","committee","council","finance","reader"],"committees":null,"administrator":true}""");
    }

    [Fact]
    public async Task Me_without_a_key_or_with_an_unknown_key_is_401_even_with_anonymous_reading_on()
    {
        using var anonymous = factory.Anonymous();
        using var none = await anonymous.GetAsync(new Uri("/api/me", UriKind.Relative));
        none.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var wrong = factory.WithKey("not-a-key-of-anyone");
        using var unknown = await wrong.GetAsync(new Uri("/api/me", UriKind.Relative));
        unknown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // The reports themselves stay readable without a key.
        using var years = await anonymous.GetAsync(new Uri("/api/budget-years", UriKind.Relative));
        years.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

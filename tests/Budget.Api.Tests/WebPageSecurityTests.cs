using System.Net;
using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// Values from the database are text on the page and in the HTML reports, never markup (contract §8): an account
/// whose names carry script payloads is imported and the page and a report are read in Chromium.
/// </summary>
public sealed class WebPageSecurityTests : BrowserTests
{
    private const string Committee = "Teknik <img src=x onerror=\"window.__xss=1\">";
    private const string Area = "Veje <img src=x onerror=\"window.__xss=2\"><script>window.__xss=3</script>";
    private const string AccountName = "<script>window.__xss=4</script>Vejvedligeholdelse";
    private const string Group = "<b onmouseover=\"window.__xss=5\">Veje</b>";
    private const string Explanation = "Mere salt <img src=x onerror=\"window.__xss=6\"> end ventet";

    private static string Csv(string field) => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    protected override async Task Arrange()
    {
        using var admin = Factory.CreateClient();
        var import = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("accounts", $"committee,activity_area,account,name,group\n{Csv(Committee)},{Csv(Area)},2.28.20,{Csv(AccountName)},{Csv(Group)}\n"),
            ("movements", "account,kind,amount,decided_on,reference\n2.28.20,original_budget,1000000,2013-10-09,Budget 2014\n"),
            ("estimates", $"round,account,estimate,explanation\n1,2.28.20,1200000,{Csv(Explanation)}\n")));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// A page with the server's Content-Security-Policy switched off, so that what is tested is the page's own
    /// handling of values: the policy is a second line of defence, not the first.
    /// </summary>
    private async Task<IPage> PageWithoutPolicy()
    {
        var context = await Browser.NewContextAsync(new() { BypassCSP = true, ViewportSize = new() { Width = 1400, Height = 1000 } });
        return await context.NewPageAsync();
    }

    private static async Task ShouldHaveRunNoPayload(IPage page)
    {
        (await page.EvaluateAsync<string>("typeof window.__xss")).Should().Be("undefined", "no payload may run as script");
        (await page.Locator("main img, main script, main b").CountAsync()).Should().Be(0, "no value may become an element");
    }

    [Fact]
    public async Task Names_holding_markup_are_shown_as_text_on_the_page_and_never_run()
    {
        var page = await PageWithoutPolicy();
        await page.GotoAsync(Root);
        var grid = page.Locator("#areaGrid");
        await Assertions.Expect(grid).ToContainTextAsync("Teknik <img src=x onerror=\"window.__xss=1\"> i alt");
        await Assertions.Expect(grid).ToContainTextAsync(Area);
        await ShouldHaveRunNoPayload(page);

        await page.SelectOptionAsync("#committee", Committee);

        await Assertions.Expect(page.Locator("#committeeTitle")).ToContainTextAsync("Teknik <img src=x");
        var table = page.Locator("#committeeTable");
        // With a committee chosen the table is by group (gruppe).
        await Assertions.Expect(table).ToContainTextAsync(Group);
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("Teknik <img src=x onerror=\"window.__xss=1\"> i alt");
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("1.000");
        await Assertions.Expect(page.Locator("#committeeTable tr.total td.pos")).ToHaveTextAsync(["200", "200"]);
        await ShouldHaveRunNoPayload(page);

        var artifacts = Path.Combine(Http.RepositoryRoot(), "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "web-page-markup-in-names.png"), FullPage = true });
    }

    [Fact]
    public async Task Names_and_explanations_holding_markup_are_text_in_the_html_report()
    {
        var page = await PageWithoutPolicy();
        await page.GotoAsync(Root);
        await page.SelectOptionAsync("#committee", Committee);
        var link = page.Locator("#exports li", new() { HasText = "Konti med bemærkninger" }).GetByText("HTML");
        var href = await link.GetAttributeAsync("href");

        // Explanations are in the paper for users with a role only (anonymous reading drops them): read it signed in.
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["X-Api-Key"] = BudgetApiFactory.BootstrapKey });
        await page.GotoAsync(new Uri(new Uri(Root), href).ToString());

        var body = page.Locator("body");
        await Assertions.Expect(body).ToContainTextAsync(AccountName);
        await Assertions.Expect(body).ToContainTextAsync(Explanation);
        await Assertions.Expect(body).ToContainTextAsync($"{Area} ({Committee})");
        (await page.EvaluateAsync<string>("typeof window.__xss")).Should().Be("undefined");
        (await page.Locator("body img, body script, body b").CountAsync()).Should().Be(0);
    }
}

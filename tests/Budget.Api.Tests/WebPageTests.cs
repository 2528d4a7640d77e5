using System.Net;
using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// The web page at / in a real browser: Microsoft.Playwright driving Debian's Chromium (/usr/bin/chromium, installed
/// by .ci/run; no browser is ever downloaded) against the API on a loopback port with anonymous reading on.
/// </summary>
public sealed class WebPageTests : IAsyncLifetime, IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly BudgetApiFactory factory = new(seedDemo: true, anonymousRead: true, kestrel: true);
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        File.Exists(Chromium).Should().BeTrue("the browser tests drive Debian's chromium package (apt-get install chromium; .ci/run does it)");
        using var admin = factory.CreateClient();
        // A second committee, so that choosing a committee visibly changes the table.
        var import = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,group\nTeknik- og Miljøudvalget,Veje,2.28.20,Vejvedligeholdelse,Veje\n"),
            ("movements", "account,kind,amount,decided_on,reference\n2.28.20,original_budget,1000000,2013-10-09,Budget 2014\n")));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    public void Dispose() => factory.Dispose();

    private string Root => factory.ClientOptions.BaseAddress.ToString();

    [Fact]
    public async Task The_page_shows_the_demo_year_in_Danish_numbers_and_choosing_a_committee_changes_the_table()
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        await page.GotoAsync(Root);

        var total = page.Locator("#committeeTable tr.total");
        await Assertions.Expect(total).ToContainTextAsync("461.182");
        var whole = await total.InnerTextAsync();
        await Assertions.Expect(page.Locator("#committeeTable")).ToContainTextAsync("45.365");
        await Assertions.Expect(page.Locator("#committeeTable")).ToContainTextAsync("Erhverv");
        await Assertions.Expect(page.Locator("#committeeTable td.neg").First).ToHaveTextAsync("-4.000");
        (await page.Locator("#committeeTable svg.variance").CountAsync()).Should().Be(7, "a variance bar per detail row");
        await Assertions.Expect(page.Locator("#areaGrid")).ToContainTextAsync("14,7");

        await page.SelectOptionAsync("#committee", "Erhvervs- og Beskæftigelsesudvalget");

        await Assertions.Expect(total).ToContainTextAsync("460.182");
        await Assertions.Expect(total).ToContainTextAsync("-5.025");
        (await total.InnerTextAsync()).Should().NotBe(whole);
        await Assertions.Expect(page.Locator("#committeeTitle")).ToContainTextAsync("Erhvervs- og Beskæftigelsesudvalget");
        (await page.Locator("#exports a").CountAsync()).Should().Be(21);

        var artifacts = Path.Combine(Http.RepositoryRoot(), "artifacts");
        Directory.CreateDirectory(artifacts);
        var screenshot = Path.Combine(artifacts, "web-page.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        new FileInfo(screenshot).Length.Should().BeGreaterThan(10_000);
    }

    [Fact]
    public async Task An_export_link_serves_the_printable_html_report()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Root);
        await Assertions.Expect(page.Locator("#exports a").First).ToBeVisibleAsync();

        var href = await page.Locator("#exports a").First.GetAttributeAsync("href");
        var report = await browser.NewPageAsync();
        await report.GotoAsync(new Uri(new Uri(Root), href).ToString());

        await Assertions.Expect(report.Locator("h1")).ToContainTextAsync("Udvalgets tabel, 1. budgetopfølgning 2014");
        await Assertions.Expect(report.Locator("tr.total")).ToContainTextAsync("461.182");
    }
}

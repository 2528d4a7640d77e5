using System.Net;
using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// The web page at / in a real browser: Microsoft.Playwright driving Debian's Chromium (/usr/bin/Chromium, installed
/// by .ci/run; no browser is ever downloaded) against the API on a loopback port with anonymous reading on.
/// </summary>
public sealed class WebPageTests : BrowserTests
{

    protected override async Task Arrange()
    {
        using var admin = Factory.CreateClient();
        // A second committee, so that choosing a committee visibly changes the table.
        var import = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,group\nTeknik- og Miljøudvalget,Veje,2.28.20,Vejvedligeholdelse,Veje\n"),
            ("movements", "account,kind,amount,decided_on,reference\n2.28.20,original_budget,1000000,2013-10-09,Budget 2014\n")));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_shows_the_demo_year_in_Danish_numbers_and_choosing_a_committee_changes_the_table()
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        await page.GotoAsync(Root);

        var total = page.Locator("#committeeTable tr.total");
        await Assertions.Expect(total).ToContainTextAsync("461.182");
        var whole = await total.InnerTextAsync();
        await Assertions.Expect(page.Locator("#committeeTable")).ToContainTextAsync("45.365");
        await Assertions.Expect(page.Locator("#committeeTable")).ToContainTextAsync("Erhverv");
        await Assertions.Expect(page.Locator("#committeeTable td.neg").First).ToHaveTextAsync("-4.000");
        (await page.Locator("#committeeTable svg.variance").CountAsync()).Should().Be(8, "a variance bar per detail row: 7 groups and the municipality's expected carry-over");
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

    private const string PagePolicy = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'";

    [Fact]
    public async Task Every_response_forbids_sniffing_and_referrers_and_html_carries_the_content_security_policy()
    {
        using var client = Factory.Anonymous();

        using var page = await client.GetAsync(new Uri("/", UriKind.Relative));
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        page.Headers.GetValues("Content-Security-Policy").Should().Equal(PagePolicy);
        page.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        page.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");

        using var report = await client.GetAsync(new Uri("/api/budget-years/2014/reports/committee-table?round=1&format=html", UriKind.Relative));
        report.StatusCode.Should().Be(HttpStatusCode.OK);
        var policy = report.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().StartWith(PagePolicy + "; style-src 'self' 'sha256-").And.EndWith("'");
        policy.Should().NotContain("unsafe");
        report.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");

        using var json = await client.GetAsync(new Uri("/api/budget-years", UriKind.Relative));
        json.StatusCode.Should().Be(HttpStatusCode.OK);
        json.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        json.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        json.Headers.Contains("Content-Security-Policy").Should().BeFalse("the policy is for documents a browser renders");

        using var missing = await client.GetAsync(new Uri("/api/budget-years/1999/reports/committee-table?round=1", UriKind.Relative));
        missing.IsSuccessStatusCode.Should().BeFalse();
        missing.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Fact]
    public async Task The_page_and_its_html_report_work_under_the_content_security_policy()
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var complaints = new List<string>();
        page.Console += (_, message) => complaints.Add(message.Text);
        page.PageError += (_, error) => complaints.Add("page error: " + error);

        var response = await page.GotoAsync(Root);
        (await response!.HeaderValueAsync("content-security-policy")).Should().Be(PagePolicy);
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("461.182");
        (await page.Locator("#committeeTable svg.variance").CountAsync()).Should().Be(8, "7 groups and the municipality's expected carry-over");
        await Assertions.Expect(page.Locator("#areaGrid")).ToContainTextAsync("14,7");
        // The percent bars are sized through element.style, which the policy allows, unlike a style attribute in markup.
        (await page.Locator("#areaGrid span.bar").First.EvaluateAsync<double>("e => e.getBoundingClientRect().width")).Should().BeGreaterThan(0);
        // Computed from app.css: the stylesheet file loaded under 'self'.
        (await page.Locator("#committeeTable th").First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor")).Should().Be("rgb(238, 242, 246)");
        await page.SelectOptionAsync("#committee", "Erhvervs- og Beskæftigelsesudvalget");
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");

        var href = await page.Locator("#exports a").First.GetAttributeAsync("href");
        var report = await Browser.NewPageAsync();
        report.Console += (_, message) => complaints.Add(message.Text);
        report.PageError += (_, error) => complaints.Add("page error: " + error);
        await report.GotoAsync(new Uri(new Uri(Root), href).ToString());
        await Assertions.Expect(report.Locator("tr.total")).ToContainTextAsync("460.182");
        // The report's embedded stylesheet applies only if its hash in the policy matches the text the browser read.
        (await report.Locator("th").First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor")).Should().Be("rgb(238, 242, 246)");

        complaints.Should().NotContain(c => c.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || c.Contains("Refused to", StringComparison.Ordinal));
        complaints.Should().NotContain(c => c.StartsWith("page error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signed_in_the_html_export_is_saved_as_a_file_because_a_blob_page_would_refuse_its_stylesheet()
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(Root);
        await page.GetByLabel("API-nøgle").FillAsync(BudgetApiFactory.BootstrapKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await Assertions.Expect(page.GetByText("bootstrap-admin")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("461.182");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#exports li", new() { HasText = "Udvalgets tabel" }).GetByText("HTML").ClickAsync());

        download.SuggestedFilename.Should().Be("committee-table-2014-1.html");
        var saved = await File.ReadAllTextAsync(await download.PathAsync());
        saved.Should().Contain("<h1>Udvalgets tabel, 1. budgetopf").And.Contain(">461.182<").And.Contain("<style>");

        // Every format is saved under its report's name (a blob: tab gave an XLSX or CSV file a generated name).
        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("#followUpExports li", new() { HasText = "pr. konto" }).GetByText("XLSX").ClickAsync());
        xlsx.SuggestedFilename.Should().Be("follow-up-2014-1-account.xlsx");
        Budget.Reports.XlsxRenderer.Read(await File.ReadAllBytesAsync(await xlsx.PathAsync())).Should().ContainSingle();
    }

    [Fact]
    public async Task A_refused_export_is_said_on_the_page_and_not_saved_as_the_file()
    {
        using var admin = Factory.CreateClient();
        var created = await (await admin.PostAsync("/api/users", Http.JsonBody(new { name = "Lise Læser", roles = new[] { "reader" } }))).Json();
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(Root);
        await page.GetByLabel("API-nøgle").FillAsync((string)created["apiKey"]!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Lise Læser")).ToBeVisibleAsync();

        (await admin.DeleteAsync($"/api/users/{(long)created["id"]!}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var downloads = 0;
        page.Download += (_, _) => downloads++;
        await page.Locator("#exports li", new() { HasText = "Udvalgets tabel" }).GetByText("XLSX").ClickAsync();

        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("XLSX-filen kunne ikke hentes (401");
        downloads.Should().Be(0);
    }

    [Fact]
    public async Task An_export_link_serves_the_printable_html_report()
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(Root);
        await Assertions.Expect(page.Locator("#exports a").First).ToBeVisibleAsync();

        var href = await page.Locator("#exports a").First.GetAttributeAsync("href");
        var report = await Browser.NewPageAsync();
        await report.GotoAsync(new Uri(new Uri(Root), href).ToString());

        await Assertions.Expect(report.Locator("h1")).ToContainTextAsync("Udvalgets tabel, 1. budgetopfølgning 2014");
        await Assertions.Expect(report.Locator("tr.total")).ToContainTextAsync("461.182");
    }
}

using System.Net;
using System.Text;

namespace Budget.Api.Tests;

/// <summary>The follow-up itself as CSV, XLSX and HTML (contract §8): the same rows as the JSON, through the papers' renderers.</summary>
public sealed class FollowUpExportTests : IDisposable
{
    private const string Path = "/api/budget-years/2014/follow-up?round=1&by=committee";
    private readonly BudgetApiFactory factory = new(seedDemo: true);

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task The_follow_up_exports_as_csv_with_the_committee_figures_of_the_json()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(Path + "&format=csv");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n");
        // Published (domain.md §5): original 460.182, corrected 463.747, estimate 458.722, variance −5.025 (1.000 kr.);
        // supplementary 3.565 and consumption 84.207 as of 31 March in the demo year (decision 0002).
        lines.Should().Contain("Erhvervs- og Beskæftigelsesudvalget;;;;;460182000,00;3565000,00;463747000,00;84207000,00;458722000,00;-5025000,00;18,2");
        lines.Should().Contain("I alt;;;;;460182000,00;3565000,00;463747000,00;84207000,00;458722000,00;-5025000,00;18,2");
    }

    [Fact]
    public async Task The_follow_up_exports_as_a_workbook_and_as_a_printable_page()
    {
        using var client = factory.CreateClient();
        var xlsx = await client.GetAsync(Path + "&format=xlsx");
        xlsx.StatusCode.Should().Be(HttpStatusCode.OK);
        var sheet = Budget.Reports.XlsxRenderer.Read(await xlsx.Content.ReadAsByteArrayAsync()).Single();
        sheet.Rows.Should().Contain(r => r.Count > 10 && r[0] == "Erhvervs- og Beskæftigelsesudvalget" && r[10] == "-5025000");

        var html = await client.GetAsync(Path + "&format=html");
        html.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        html.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'");
        (await html.Content.ReadAsStringAsync()).Should().Contain("Budgetopf&#248;lgning 2014, 1. runde").And.Contain("-5.025.000");
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_naming_it()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(Path + "&format=pdf");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Json())["errors"]!["format"]![0]!.ToString().Should().Contain("json, csv, xlsx, html");
    }
}

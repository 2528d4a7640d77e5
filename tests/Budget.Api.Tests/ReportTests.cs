using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Budget.Reports;

namespace Budget.Api.Tests;

/// <summary>The committee papers generated from the demo year, checked against the published figures of domain.md §5.</summary>
public sealed class ReportTests(PublishedFiguresTests.DemoApi api) : IClassFixture<PublishedFiguresTests.DemoApi>
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";
    private readonly HttpClient client = api.Factory.CreateClient();

    private async Task<JsonNode> Report(string kind, string query = "round=1&unit=thousands")
    {
        var response = await client.GetAsync($"/api/budget-years/2014/reports/{kind}?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private static string[] Line(JsonNode row, JsonNode table) =>
        table["columns"]!.AsArray().Select(c => row["cells"]![(string)c!["key"]!]).Select(v => v is null ? "" : v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.GetValue<decimal>().ToString(CultureInfo.InvariantCulture) : (string)v!).ToArray();

    [Fact]
    public async Task The_committee_table_is_the_papers_table_corrected_with_45365_and_the_forgotten_Erhverv_row()
    {
        var document = await Report("committee-table", $"round=1&unit=thousands&committee={Uri.EscapeDataString(Committee)}");

        var table = document["tables"]![0]!;
        table["rows"]!.AsArray().Select(r => string.Join(" | ", Line(r!, table))).Should().Equal(
            "Arbejdsmarkedsforanstaltninger | 42859 | 43419 | 45365 | 1946 | 2506",
            "Erhverv | 0 | 2150 | 2150 | 0 | 2150",
            "Førtidspensioner og personlige tillæg | 123707 | 123649 | 119649 | -4000 | -4057",
            "Kontante ydelser | 236748 | 238660 | 235645 | -3015 | -1103",
            "Revalidering m.v. | 50132 | 49132 | 49132 | 0 | -1000",
            "Tilbud til udlændinge | 6737 | 6737 | 6781 | 44 | 44",
            "Erhvervs- og Beskæftigelsesudvalget i alt | 460182 | 463747 | 458722 | -5025 | -1460");
        ((string?)table["rows"]![6]!["kind"]).Should().Be("total");
        table["notes"]!.AsArray().Select(n => (string)n!).Should().Equal(
            "Fortegn: + = merudgift / mindreindtægt, − = mindreudgift / merindtægt.",
            "Korrigeret budget = oprindeligt budget + tillægsbevillinger besluttet til og med 31.03.2014: overførsler 117.000,00 kr., KB-beslutninger -403.000,00 kr., tekniske omplaceringer 3.851.000,00 kr.");
        ((string?)document["unit"]).Should().Be("thousands");
    }

    [Fact]
    public async Task The_accounts_table_rounds_each_cell_like_the_paper_and_keepTotals_makes_the_rows_add_up()
    {
        var independent = await Report("area-accounts");
        var kept = await Report("area-accounts", "round=1&unit=thousands&keepTotals=true");

        static (decimal Rows, decimal Total) Corrected(JsonNode document) => (
            document["tables"]!.AsArray().SkipLast(1).SelectMany(t => t!["rows"]!.AsArray()).Where(r => (string?)r!["kind"] == "detail").Sum(r => r!["cells"]!["correctedBudget"]!.GetValue<decimal>()),
            document["tables"]!.AsArray().SkipLast(1).Sum(t => t!["rows"]!.AsArray().Single(r => (string?)r!["kind"] == "total")!["cells"]!["correctedBudget"]!.GetValue<decimal>()));

        // domain.md §5: "corrected 463.747 (rows sum to 463.750: rounding)".
        Corrected(independent).Rows.Should().Be(463_750m);
        foreach (var table in kept["tables"]!.AsArray())
        {
            foreach (var column in table!["columns"]!.AsArray().Where(c => (string?)c!["kind"] == "amount").Select(c => (string)c!["key"]!))
            {
                var rows = table["rows"]!.AsArray();
                rows.Where(r => (string?)r!["kind"] == "detail").Sum(r => r!["cells"]![column]?.GetValue<decimal>() ?? 0m)
                    .Should().Be(rows.Single(r => (string?)r!["kind"] == "total")!["cells"]![column]!.GetValue<decimal>(), $"{table["title"]} {column}");
            }
        }

        var beskaeftigelse = independent["tables"]!.AsArray().Single(t => (string?)t!["title"] == $"Beskæftigelse ({Committee})")!;
        var kontanthjaelp = beskaeftigelse["rows"]!.AsArray().Single(r => (string?)r!["cells"]!["account"] == "5.57.73")!;
        string.Join(" | ", Line(kontanthjaelp, beskaeftigelse))
            .Should().Be("5.57.73 | Kontanthjælp | 79083 | -7565 | -8510 | -8481 | -8452 | -8452 | Færre modtagere af kontanthjælp end forudsat i budgettet; effekten fortsætter i overslagsårene.");
        var reallocations = independent["tables"]!.AsArray().Last()!;
        ((string?)reallocations["title"]).Should().Be("Tekniske omplaceringer");
        reallocations["rows"]!.AsArray().Last()!["cells"]!["technicalReallocations"]!.GetValue<decimal>().Should().Be(3_851m);
        ((string?)reallocations["notes"]![0]).Should().StartWith("Tekniske omplaceringer går i nul for kommunen som helhed; her netto 3.851.000,00 kr.");
    }

    [Fact]
    public async Task Out_years_appropriation_changes_overview_and_service_frame_follow_from_the_accounts()
    {
        var outYears = await Report("out-years");
        var changes = await Report("appropriation-changes", "round=1");
        var overview = await Report("overview", "round=1");
        var frame = await Report("service-frame", "round=1");

        string.Join("/", Line(outYears["tables"]![0]!["rows"]!.AsArray().Last()!, outYears["tables"]![0]!)).Should().Be("I alt/-6722/-6282/-5006/-5006");
        var grants = changes["tables"]![0]!["rows"]!.AsArray();
        grants.Count(r => (string?)r!["kind"] == "detail").Should().Be(13);
        grants.Last()!["cells"]!["amount"]!.GetValue<decimal>().Should().Be(-5_025_000m);
        var liquidity = overview["tables"]![1]!["rows"]!.AsArray();
        liquidity[2]!["cells"]!["estimate"]!.GetValue<decimal>().Should().Be(150_000_000m - (458_722_000m - 500_000m), "ultimo = primo − movement, the expected carry-over (settings.csv: −500.000) included");
        overview["tables"]![0]!["rows"]!.AsArray().Count.Should().Be(10, "blocks A–H, the expected carry-over and the total");
        // Worked by hand from data/demo and reference/service-classification.csv. The service accounts are 3.30.46,
        // 4.62.90 (hovedkonto 3 and 4), 5.46.60, 5.68.90, 5.68.96, 5.68.97 and 6.48.67 (hovedkonto 6); their
        // movements decided by 31.03.2014 are:
        //   1.537.000 + 1.818.000 + 3.175.000 + (20.200.500 − 36.900) + (−24.000) + 5.415.600 + (0 + 2.150.000)
        //   = 34.235.200 kr., none of it a carry-over (the one carry-over, 117.000, is on 5.57.75, a transfer);
        // their estimates differ from that by 5.46.60 +44.000, 5.68.90 +850.000 and 5.68.97 −1.000.000 = −106.000;
        // settings.csv: expected_carry_over −500.000, service_frame 34.000.000.
        // Expected spending 34.235.200 + 0 − 500.000 − 106.000 = 33.629.200; compliance 34.000.000 − 33.629.200 = 370.800.
        var lines = frame["tables"]![0]!["rows"]!.AsArray().Select(r => r!["cells"]!["amount"]!.GetValue<decimal>()).ToArray();
        lines.Should().Equal(34_235_200m, 0m, -500_000m, -106_000m, 33_629_200m, 34_000_000m, 370_800m);
        ((string?)frame["tables"]![0]!["notes"]![1]).Should().StartWith("Serviceudgifter: 7 konti");
    }

    [Fact]
    public async Task Csv_and_xlsx_carry_the_same_numbers_as_the_json()
    {
        var json = await Report("committee-table");
        var csv = await client.GetByteArrayAsync("/api/budget-years/2014/reports/committee-table?round=1&unit=thousands&format=csv");
        var xlsx = await client.GetByteArrayAsync("/api/budget-years/2014/reports/committee-table?round=1&unit=thousands&format=xlsx");
        var expected = json["tables"]![0]!["rows"]!.AsArray().Select(r => r!["cells"]!["estimate"]!.GetValue<decimal>()).ToArray();

        csv[..3].Should().Equal(0xEF, 0xBB, 0xBF);
        var csvLines = Encoding.UTF8.GetString(csv, 3, csv.Length - 3).Split("\r\n");
        csvLines[4].Should().Be("Arbejdsmarkedsforanstaltninger;42859;43419;45365;1946;2506");
        var fromCsv = csvLines.Skip(4).Take(expected.Length).Select(l => decimal.Parse(l.Split(';')[3], CultureInfo.InvariantCulture)).ToArray();
        fromCsv.Should().Equal(expected);

        var sheet = XlsxRenderer.Read(xlsx).Single();
        sheet.Rows[0].Should().Equal("Gruppe", "Oprindeligt budget", "Korrigeret budget", "Forventet regnskab", "Afvigelse ift. korrigeret budget", "Afvigelse ift. oprindeligt budget");
        sheet.Rows.Skip(1).Take(expected.Length).Select(r => decimal.Parse(r[3], CultureInfo.InvariantCulture)).Should().Equal(expected);
        using var package = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var worksheet = package.WorkbookPart!.WorksheetParts.Single().Worksheet;
        worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Pane>().Single().State!.Value.Should().Be(DocumentFormat.OpenXml.Spreadsheet.PaneStateValues.Frozen);
        package.WorkbookPart.WorkbookStylesPart!.Stylesheet.NumberingFormats!.Elements<DocumentFormat.OpenXml.Spreadsheet.NumberingFormat>().Select(f => f.FormatCode!.Value).Should().Contain("#,##0");
    }

    [Fact]
    public async Task The_html_is_printable_A4_landscape_with_Danish_numbers()
    {
        var html = await client.GetStringAsync($"/api/budget-years/2014/reports/area-grid?round=1&unit=thousands&format=html");

        html.Should().Contain("@page { size: A4 landscape;").And.Contain("<td class=\"num\">293.262</td>").And.Contain("<td class=\"num neg\">-5.025</td>").And.Contain("18,2");
    }

    [Theory]
    [InlineData("committee-table?round=5", HttpStatusCode.BadRequest)]
    [InlineData("committee-table?round=1&format=pdf", HttpStatusCode.BadRequest)]
    [InlineData("committee-table?round=1&unit=millions", HttpStatusCode.BadRequest)]
    [InlineData("committee-table?round=1&committee=Byr%C3%A5det", HttpStatusCode.BadRequest)]
    [InlineData("committee-table?round=1&by=account", HttpStatusCode.BadRequest)]
    [InlineData("budget-speech?round=1", HttpStatusCode.NotFound)]
    public async Task Bad_report_requests_are_problems(string path, HttpStatusCode status)
    {
        var response = await client.GetAsync($"/api/budget-years/2014/reports/{path}");

        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }
}

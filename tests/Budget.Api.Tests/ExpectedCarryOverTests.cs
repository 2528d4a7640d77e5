using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// The expected carry-over out of the year (forventede overførsler, contract §9, domain.md §8) on the demo year, whose
/// settings.csv has <c>expected_carry_over</c> −500.000: a line of its own in the whole municipality's committee
/// table, area grid and overview, added to the corrected budget and the estimate of the municipality total and to
/// the liquidity line, never on a committee's rows nor in a committee's papers. Demo totals in kr.: original
/// 460.182.000, corrected 463.747.000, estimate 458.722.000, consumption 84.207.000.
/// </summary>
public sealed class ExpectedCarryOverTests(PublishedFiguresTests.DemoApi api) : IClassFixture<PublishedFiguresTests.DemoApi>
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";
    private readonly HttpClient client = api.Factory.CreateClient();

    private async Task<JsonNode> Report(string kind, string query = "")
    {
        var response = await client.GetAsync($"/api/budget-years/2014/reports/{kind}?round=1{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private static string Line(JsonNode row, JsonNode table) => string.Join(" | ", table["columns"]!.AsArray()
        .Select(c => row["cells"]![(string)c!["key"]!])
        .Select(v => v is null ? "" : v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.GetValue<decimal>().ToString(CultureInfo.InvariantCulture) : (string)v!));

    private static JsonNode RowNamed(JsonNode table, string name) => table["rows"]!.AsArray().Single(r => (string?)r!["cells"]!["name"] == name)!;

    [Fact]
    public async Task The_committee_table_of_the_municipality_has_the_line_and_adds_it_to_corrected_budget_and_estimate()
    {
        var table = (await Report("committee-table"))["tables"]![0]!;
        var rows = table["rows"]!.AsArray();

        Line(rows[^2]!, table).Should().Be("Forventede overførsler | 0 | -500000 | -500000 | 0 | -500000");
        ((string?)rows[^2]!["kind"]).Should().Be("detail", "a line the total sums, so printed totals in 1.000 kr. still add up");
        Line(rows[^1]!, table).Should().Be("I alt | 460182000 | 463247000 | 458222000 | -5025000 | -1960000");
        rows.Take(rows.Count - 2).Sum(r => r!["cells"]!["correctedBudget"]!.GetValue<decimal>()).Should().Be(463_747_000m, "the committee's rows hold none of it");
        table["notes"]!.AsArray().Select(n => (string?)n).Should().Contain("Forventede overførsler ud af året (-500.000,00 kr., årets indstilling expected_carry_over) står på kommunens niveau i korrigeret budget og forventet regnskab, ikke på udvalgenes rækker og ikke som tillægsbevilling.");
    }

    [Fact]
    public async Task A_committees_own_papers_never_carry_it()
    {
        var table = (await Report("committee-table", $"&committee={Uri.EscapeDataString(Committee)}"))["tables"]![0]!;
        var overview = await Report("overview", $"&committee={Uri.EscapeDataString(Committee)}");

        table["rows"]!.AsArray().Select(r => (string?)r!["cells"]!["name"]).Should().NotContain("Forventede overførsler");
        Line(table["rows"]!.AsArray()[^1]!, table).Should().Be($"{Committee} i alt | 460182000 | 463747000 | 458722000 | -5025000 | -1460000");
        overview["tables"]![0]!["rows"]!.AsArray().Should().HaveCount(9, "blocks A–H and the total");
        overview["tables"]![1]!["rows"]![2]!["cells"]!["estimate"]!.GetValue<decimal>().Should().Be(150_000_000m - 458_722_000m);
    }

    [Fact]
    public async Task The_area_grid_has_the_line_before_the_municipality_total_in_both_tables()
    {
        var grid = await Report("area-grid");
        var areas = grid["tables"]![0]!;
        var blocks = grid["tables"]![1]!;

        Line(RowNamed(areas, "Forventede overførsler"), areas).Should().Be("Forventede overførsler | 0 | 0 | 0 | 0 | 0 | 0 | 0 | -500000 | 0 | -500000 | 0 | -500000 | ");
        Line(RowNamed(areas, $"{Committee} i alt"), areas).Should().Be($"{Committee} i alt | 460182000 | 0 | 117000 | -403000 | 3851000 | 0 | 3565000 | 463747000 | 84207000 | 458722000 | -5025000 | -1460000 | 18.2");
        Line(RowNamed(areas, "I alt"), areas).Should().Be("I alt | 460182000 | 0 | 117000 | -403000 | 3851000 | 0 | 3565000 | 463247000 | 84207000 | 458222000 | -5025000 | -1960000 | 18.2");
        Line(RowNamed(blocks, "I alt"), blocks).Should().Be(Line(RowNamed(areas, "I alt"), areas));
        RowNamed(blocks, "Forventede overførsler").Should().NotBeNull();

        var kept = (await Report("area-grid", "&unit=thousands&keepTotals=true"))["tables"]![0]!["rows"]!.AsArray();
        kept.Where(r => (string?)r!["kind"] == "detail").Sum(r => r!["cells"]!["correctedBudget"]!.GetValue<decimal>())
            .Should().Be(kept.Single(r => (string?)r!["kind"] == "total")!["cells"]!["correctedBudget"]!.GetValue<decimal>()).And.Be(463_247m);
    }

    [Fact]
    public async Task The_overview_has_the_line_and_the_liquidity_follows_it()
    {
        var overview = await Report("overview");
        var blocks = overview["tables"]![0]!;
        var liquidity = overview["tables"]![1]!;

        blocks["rows"]!.AsArray().Should().HaveCount(10, "blocks A–H, the expected carry-over and the total");
        Line(blocks["rows"]![8]!, blocks).Should().Be("Forventede overførsler | 0 | -500000 | -500000 | 0");
        Line(blocks["rows"]![9]!, blocks).Should().Be("Bevægelse i alt (resultat) | 460182000 | 463247000 | 458222000 | -5025000");
        liquidity["rows"]!.AsArray().Select(r => Line(r!, liquidity)).Should().Equal(
            "Likvide aktiver primo | 150000000 | 150000000 | 150000000",
            "Bevægelse (blok A–H og forventede overførsler) | 460182000 | 463247000 | 458222000",
            "Likvide aktiver ultimo (primo − bevægelse) | -310182000 | -313247000 | -308222000");
    }

    [Fact]
    public async Task The_follow_up_itself_is_per_account_and_holds_no_expected_carry_over()
    {
        var total = (await (await client.GetAsync("/api/budget-years/2014/follow-up?round=1&by=municipality")).Json())["total"]!;

        total["correctedBudget"]!.GetValue<decimal>().Should().Be(463_747_000m);
        total["estimate"]!.GetValue<decimal>().Should().Be(458_722_000m);
    }
}

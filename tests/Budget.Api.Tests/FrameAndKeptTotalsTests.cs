using System.Net;
using System.Text.Json.Nodes;
using Budget.Application.Cases;
using Budget.Domain.Money;
using Budget.Reports;

namespace Budget.Api.Tests;

/// <summary>
/// Frame allocation over HTTP (contract §10), kept totals at every level in the reports (decision 0015), and the price
/// index loaded and validated at start-up like the rule data.
/// </summary>
public sealed class FrameAndKeptTotalsTests : IAsyncLifetime, IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        client = factory.CreateClient();
        await CaseTests.ImportYear(client);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        client?.Dispose();
        factory.Dispose();
    }

    private async Task<JsonNode> Allocate(object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync("/api/budget-years/2014/frame-allocations", Http.JsonBody(body));
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private static decimal Year(JsonNode? amounts, int year) => amounts![year.ToString(System.Globalization.CultureInfo.InvariantCulture)]!.GetValue<decimal>();

    [Fact]
    public async Task A_frame_is_shared_by_weights_in_whole_kroner_with_the_fixed_amounts_folded_in_and_exact_sums()
    {
        var result = await Allocate(new
        {
            name = "Effektiviseringsramme 1 %",
            totals = new Dictionary<string, decimal> { ["2014"] = 26_349_341m, ["2015"] = -1_000m },
            weights = new[]
            {
                new { committee = CaseTests.Employment, activityArea = "Jobcenter", weight = 40m },
                new { committee = CaseTests.Finance, activityArea = "Administration", weight = 35m },
                new { committee = CaseTests.Finance, activityArea = "Puljer", weight = 25m },
            },
            @fixed = new[] { new { committee = CaseTests.Employment, activityArea = "Ydelser", amounts = new Dictionary<string, decimal> { ["2014"] = 500m } } },
        });

        var rows = result["rows"]!.AsArray();
        rows.Select(r => (string)r!["activityArea"]!).Should().Equal("Jobcenter", "Administration", "Puljer", "Ydelser");
        // 10.539.736,4 / 9.222.269,35 / 6.587.335,25: floors sum to 26.349.340, the last krone to the largest remainder.
        rows.Select(r => Year(r!["amounts"], 2014)).Should().Equal(10_539_737m, 9_222_269m, 6_587_335m, 500m);
        // −1.000 kr.: −400 / −350 / −250 exactly.
        rows.Select(r => Year(r!["amounts"], 2015)).Should().Equal(-400m, -350m, -250m, 0m);
        result["committees"]!.AsArray().Select(c => ((string)c!["committee"]!, Year(c["amounts"], 2014))).Should().Equal((CaseTests.Employment, 10_540_237m), (CaseTests.Finance, 15_809_604m));
        Year(result["total"], 2014).Should().Be(26_349_841m, "the frame plus the fixed 500");
        Year(result["total"], 2015).Should().Be(-1_000m);
    }

    [Fact]
    public async Task Weights_can_come_from_the_years_service_corrected_budget_leaving_out_excluded_areas()
    {
        var result = await Allocate(new
        {
            name = "Besparelse 1 mio.",
            totals = new Dictionary<string, decimal> { ["2015"] = -1_000_000m },
            key = FrameAllocations.ServiceCorrectedBudgetKey,
            exclude = new[] { "Puljer" },
        });

        // Service areas: Jobcenter 20.000.000 (5.68.90), Administration 10.000.000 (6.45.51); Puljer excluded; the transfer
        // and interest areas have no service account. −666.666,67 / −333.333,33 → −666.667 / −333.333.
        var rows = result["rows"]!.AsArray();
        rows.Select(r => ((string)r!["activityArea"]!, r["weight"]!.GetValue<decimal>(), Year(r["amounts"], 2015)))
            .Should().Equal(("Jobcenter", 20_000_000m, -666_667m), ("Administration", 10_000_000m, -333_333m));
        ((string)result["key"]!).Should().Be("service-corrected-budget");
    }

    [Theory]
    [InlineData("""{"name":"x","totals":{"2014":1000.5},"weights":[{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":1}]}""", "Totals[0].Value")]
    [InlineData("""{"name":"x","totals":{"2020":1000},"weights":[{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":1}]}""", "totals")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"weights":[{"committee":"Økonomiudvalget","activityArea":"Ældre","weight":1}]}""", "weights[0]")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"weights":[{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":0}]}""", "weights")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"weights":[{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":-1}]}""", "Weights[0].Weight")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"key":"service-corrected-budget","exclude":["Ældre"]}""", "exclude[0]")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"key":"service-corrected-budget","weights":[{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":1}]}""", "Weights")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"key":"area-count"}""", "Key")]
    [InlineData("""{"name":"x","totals":{"2014":1000},"weights":[{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":1},{"committee":"Økonomiudvalget","activityArea":"Puljer","weight":2}]}""", "weights[1]")]
    public async Task A_bad_frame_allocation_is_refused_naming_the_field(string body, string field)
    {
        var response = await client.PostAsync("/api/budget-years/2014/frame-allocations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await response.Json())["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field);
    }

    /// <summary>Two committees with two areas each: original budgets 600 / 600 kr. and 400 / 400 kr.</summary>
    private async Task ImportSixHundredsAndFourHundreds()
    {
        var response = await client.PostAsync("/api/budget-years/2015/dataset", Http.Dataset(
            ("accounts", """
                committee,activity_area,account,name
                Udvalg A,Område a1,A1,Konto A1
                Udvalg A,Område a2,A2,Konto A2
                Udvalg B,Område b1,B1,Konto B1
                Udvalg B,Område b2,B2,Konto B2
                """),
            ("movements", """
                account,kind,amount,decided_on
                A1,original_budget,600,2014-10-09
                A2,original_budget,600,2014-10-09
                B1,original_budget,400,2014-10-09
                B2,original_budget,400,2014-10-09
                """)));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<string[]> OriginalBudgetColumn(string query)
    {
        var report = await (await client.GetAsync($"/api/budget-years/2015/reports/area-grid?round=1&unit=thousands{query}")).Json();
        return report["tables"]![0]!["rows"]!.AsArray()
            .Select(r => $"{(string)r!["cells"]!["name"]!}={r["cells"]!["originalBudget"]!.GetValue<decimal>()}")
            .ToArray();
    }

    [Fact]
    public async Task Kept_totals_in_the_area_grid_print_rows_that_add_up_to_each_committees_subtotal_and_subtotals_to_the_total()
    {
        await ImportSixHundredsAndFourHundreds();

        var kept = await OriginalBudgetColumn("&keepTotals=true");
        var alone = await OriginalBudgetColumn("");

        kept.Should().Equal("Område a1=1", "Område a2=0", "Udvalg A i alt=1", "Område b1=1", "Område b2=0", "Udvalg B i alt=1", "I alt=2");
        alone.Should().Equal("Område a1=1", "Område a2=1", "Udvalg A i alt=1", "Område b1=0", "Område b2=0", "Udvalg B i alt=1", "I alt=2");
    }

    [Fact]
    public void Kept_totals_keep_each_level_and_round_a_sum_that_is_not_the_sum_of_its_rows_on_its_own()
    {
        RowKind[] grid = [RowKind.Detail, RowKind.Detail, RowKind.Subtotal, RowKind.Detail, RowKind.Detail, RowKind.Subtotal, RowKind.Total];

        KeptTotals.Round(grid, [600m, 600m, 1_200m, 400m, 400m, 800m, 2_000m], RoundingRule.HalfAwayFromZero).Should().Equal(1, 0, 1, 1, 0, 1, 2);
        // A total with a line of its own (−500 kr. expected carry-over): the total on its own, each subtotal with its rows.
        KeptTotals.Round(grid, [600m, 600m, 1_200m, 400m, 400m, 800m, 1_500m], RoundingRule.HalfAwayFromZero).Should().Equal(1, 0, 1, 1, 0, 1, 2);
        KeptTotals.Round(grid, [600m, 600m, 1_200m, 400m, 400m, 800m, 1_400m], RoundingRule.HalfAwayFromZero).Should().Equal(1, 0, 1, 1, 0, 1, 1);
        // No total (the service-frame table): the subtotal keeps its rows; the result row is rounded on its own; empty cells stay empty.
        RowKind[] frame = [RowKind.Detail, RowKind.Detail, RowKind.Subtotal, RowKind.Detail, RowKind.Result];
        KeptTotals.Round(frame, [1_400m, 1_300m, 2_700m, null, 300m], RoundingRule.HalfAwayFromZero).Should().Equal(2, 1, 3, null, 0);
        // Detail rows outside any subtotal sit directly under the total.
        RowKind[] loose = [RowKind.Detail, RowKind.Subtotal, RowKind.Detail, RowKind.Total];
        KeptTotals.Round(loose, [499m, 499m, 499m, 998m], RoundingRule.HalfAwayFromZero).Should().Equal(1, 1, 0, 1);
    }

    [Fact]
    public void The_api_does_not_start_on_an_invalid_price_index_and_names_file_line_and_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"price-index-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "year,kind,index,source\n2014,service,103.2,s\n2015,wage,104.9,s\n2014,service,1,s\n2016,transfer,0,s\n");
        try
        {
            using var bad = new BudgetApiFactory(seedDemo: false);
            var start = () => bad.WithWebHostBuilder(b => b.UseSetting("Budget:PriceIndexPath", path)).CreateClient();

            start.Should().Throw<ReferenceDataException>().WithMessage(
                "The price index is invalid:\n  price-index.csv line 3, kind: 'wage' is not an index kind (service or transfer)\n  price-index.csv line 4, year: service 2014 is given on line 2 already\n  price-index.csv line 5, index: an index must be above 0");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_shipped_price_index_carries_a_source_on_every_row_and_says_where_it_is_illustrative()
    {
        using var file = File.OpenRead(Path.Combine(Http.RepositoryRoot(), "data", "reference", "price-index.csv"));
        var index = PriceIndexData.Load(file);

        index.Entries.Should().HaveCountGreaterThan(10);
        index.Entries.Should().OnlyContain(e => e.Source.StartsWith("illustrative:", StringComparison.Ordinal) || e.Source.Contains("http", StringComparison.Ordinal));
        index.Find(2014, Budget.Domain.Cases.PriceIndexKind.Service)!.Index.Should().Be(103.2m);
    }
}

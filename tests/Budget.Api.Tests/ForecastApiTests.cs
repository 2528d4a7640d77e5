using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// GET …/forecast and …/consumption-by-month over three imported years (2014, 2015 and the leap year 2016), on the
/// provider the suite runs on. The series are small enough to follow by hand:
/// <list type="bullet">
/// <item>Dagpenge: monthly on the 15th plus a year-end payment on 31 December (2014: 10.000 a month, 2.000 extra in
/// February, 78.000 at year end; 2015: 11.000 a month and 88.000 at year end; 2016: 12.100 a month so far).</item>
/// <item>Kontanthjælp: quarterly on the 10th of January, April, July and October (30.000 in 2014, 33.000 in 2015 plus
/// 1.000 on 1 March 2015; 36.300 on 10 January 2016).</item>
/// <item>Drift: only in 2016 (9.100 posted on 29 February): no earlier year.</item>
/// </list>
/// </summary>
public sealed class ForecastApiTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private readonly HttpClient client;

    public ForecastApiTests() => client = factory.CreateClient();

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    private const string Ydelser = "Beskæftigelsesudvalget,Ydelser";

    private static string Postings(params (string Account, string Date, decimal Amount)[] rows) =>
        "account,posted_on,amount\n" + string.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Account},{r.Date},{r.Amount:0.00}\n")));

    private static (string, string, decimal)[] Monthly(int year, string account, int day, decimal amount, params int[] months) =>
        months.Select(m => (account, $"{year}-{m:00}-{day:00}", amount)).ToArray();

    private static readonly int[] EveryMonth = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    private async Task ImportYears()
    {
        const string accounts = $"committee,activity_area,account,name\n{Ydelser},5.57.72,Dagpenge\n{Ydelser},5.57.73,Kontanthjælp\n";
        await Import(2014, ("accounts", accounts), ("postings", Postings(
            [.. Monthly(2014, "5.57.72", 15, 10_000m, EveryMonth), ("5.57.72", "2014-02-20", 2_000m), ("5.57.72", "2014-12-31", 78_000m),
             .. Monthly(2014, "5.57.73", 10, 30_000m, 1, 4, 7, 10)])));
        await Import(2015, ("accounts", accounts), ("postings", Postings(
            [.. Monthly(2015, "5.57.72", 15, 11_000m, EveryMonth), ("5.57.72", "2015-12-31", 88_000m),
             .. Monthly(2015, "5.57.73", 10, 33_000m, 1, 4, 7, 10), ("5.57.73", "2015-03-01", 1_000m)])));
        await Import(2016,
            ("accounts", accounts + "Økonomiudvalget,Administration,6.45.51,Drift\n"),
            ("movements", "account,kind,amount,decided_on\n5.57.72,original_budget,240000.00,2015-10-08\n5.57.73,original_budget,130000.00,2015-10-08\n6.45.51,original_budget,40000.00,2015-10-08\n"),
            ("estimates", "round,account,estimate,explanation\n1,5.57.72,250000.00,Flere ledige\n"),
            ("postings", Postings([.. Monthly(2016, "5.57.72", 15, 12_100m, 1, 2, 3), ("5.57.73", "2016-01-10", 36_300m), ("6.45.51", "2016-02-29", 9_100m)])));
    }

    private async Task Import(int year, params (string Name, string Csv)[] files)
    {
        using var response = await client.PostAsync($"/api/budget-years/{year}/dataset", Http.Dataset(files));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> Get(string url)
    {
        using var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private static decimal? Number(JsonNode? node) => node?.GetValue<decimal>();

    /// <summary>A row's figures, compared as numbers (kroner) and text: the shape the contract gives.</summary>
    private static object Figures(JsonNode row) => new
    {
        committee = (string?)row["committee"],
        activityArea = (string?)row["activityArea"],
        account = (string?)row["account"],
        correctedBudget = Number(row["correctedBudget"]),
        consumption = Number(row["consumption"]),
        estimate = Number(row["estimate"]),
        linear = Number(row["methods"]!["linear"]),
        profile = Number(row["methods"]!["profile"]),
        lastYear = Number(row["methods"]!["lastYear"]),
        suggested = Number(row["suggested"]),
        deviationPercent = Number(row["deviationPercent"]),
        flag = (string?)row["flag"],
    };

    [Fact]
    public async Task Forecast_by_account_in_a_leap_year_with_a_year_end_payment_and_an_account_without_an_earlier_year()
    {
        await ImportYears();

        var forecast = await Get("/api/budget-years/2016/forecast?asOf=2016-03-31&by=account");

        // 31 March 2016 is day 91 of 366. Dagpenge: by the day 2014 had 32.000 of 200.000 (0,16), 2015 33.000 of 220.000
        // (0,15): profile 36.300 / 0,155 = 234.193,55; last year 220.000 × 36.300 / 33.000 = 242.000 (+10,0 %);
        // linear 36.300 × 366 / 91 = 145.997,80 — the year-end payment is what the straight line misses.
        // Kontanthjælp: shares 30.000/120.000 and 34.000/133.000: 36.300 × 2 / (0,25 + 0,25564) = 143.580,67, 10,4 % over
        // its 130.000: flagged; last year 133.000 × 36.300 / 34.000 = 141.997,06 (+6,8 %). Drift has no earlier year.
        forecast["asOf"]!.GetValue<string>().Should().Be("2016-03-31");
        forecast["round"]!.GetValue<int>().Should().Be(1);
        forecast["elapsedDays"]!.GetValue<int>().Should().Be(91);
        forecast["daysInYear"]!.GetValue<int>().Should().Be(366);
        var rows = forecast["rows"]!.AsArray().Select(r => Figures(r!)).ToArray();
        rows.Should().BeEquivalentTo(new object[]
        {
            new { committee = "Beskæftigelsesudvalget", activityArea = "Ydelser", account = "5.57.72", correctedBudget = 240_000m, consumption = 36_300m, estimate = 250_000m,
                  linear = 145_997.80m, profile = 234_193.55m, lastYear = 242_000m, suggested = 234_193.55m, deviationPercent = -2.4m, flag = (string?)null },
            new { committee = "Beskæftigelsesudvalget", activityArea = "Ydelser", account = "5.57.73", correctedBudget = 130_000m, consumption = 36_300m, estimate = 130_000m,
                  linear = 145_997.80m, profile = 143_580.67m, lastYear = 141_997.06m, suggested = 143_580.67m, deviationPercent = 10.4m, flag = "over" },
            new { committee = "Økonomiudvalget", activityArea = "Administration", account = "6.45.51", correctedBudget = 40_000m, consumption = 9_100m, estimate = 40_000m,
                  linear = 36_600m, profile = (decimal?)null, lastYear = (decimal?)null, suggested = (decimal?)null, deviationPercent = (decimal?)null, flag = (string?)null },
        }, o => o.WithStrictOrdering());
        var dagpenge = forecast["rows"]![0]!;
        (Number(dagpenge["lastYearToDate"]), Number(dagpenge["growthPercent"])).Should().Be((33_000m, 10.0m));
        dagpenge["profileYears"]!.AsArray().Select(y => y!.GetValue<int>()).Should().Equal(2014, 2015);
        dagpenge["estimatesMissing"]!.GetValue<int>().Should().Be(0);
        forecast["rows"]![1]!["estimatesMissing"]!.GetValue<int>().Should().Be(1, "no estimate for Kontanthjælp: its corrected budget stands in, as in the follow-up");
        var drift = forecast["rows"]![2]!;
        drift["methods"]!.ToJsonString().Should().Be("""{"linear":36600,"profile":null,"lastYear":null}""");
        drift["group"].Should().BeNull();
        drift["lastYearToDate"].Should().BeNull();
    }

    [Fact]
    public async Task Forecast_rows_by_area_and_committee_forecast_their_own_sums()
    {
        await ImportYears();

        var byArea = await Get("/api/budget-years/2016/forecast?asOf=2016-03-31&by=activity-area");
        var byCommittee = await Get("/api/budget-years/2016/forecast?asOf=2016-03-31&by=committee");

        // Ydelser by the day: 2014 62.000 of 320.000, 2015 67.000 of 353.000; this year 72.600.
        byArea["rows"]!.AsArray().Select(r => Figures(r!)).Should().BeEquivalentTo(new object[]
        {
            new { committee = "Beskæftigelsesudvalget", activityArea = "Ydelser", account = (string?)null, correctedBudget = 370_000m, consumption = 72_600m, estimate = 380_000m,
                  linear = 291_995.60m, profile = 378_566.96m, lastYear = 382_504.48m, suggested = 378_566.96m, deviationPercent = 2.3m, flag = (string?)null },
            new { committee = "Økonomiudvalget", activityArea = "Administration", account = (string?)null, correctedBudget = 40_000m, consumption = 9_100m, estimate = 40_000m,
                  linear = 36_600m, profile = (decimal?)null, lastYear = (decimal?)null, suggested = (decimal?)null, deviationPercent = (decimal?)null, flag = (string?)null },
        }, o => o.WithStrictOrdering());
        byCommittee["rows"]!.AsArray().Select(r => ((string?)r!["committee"], (string?)r["activityArea"], Number(r["methods"]!["profile"]))).Should().Equal(
            ("Beskæftigelsesudvalget", null, 378_566.96m), ("Økonomiudvalget", null, null));
        byCommittee["rows"]![0]!["estimatesMissing"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task On_29_February_earlier_years_are_read_through_28_February()
    {
        await ImportYears();

        var forecast = await Get("/api/budget-years/2016/forecast?asOf=2016-02-29&by=account");

        // Kontanthjælp's 1.000 of 1 March 2015 is after the same day last year: 33.000, not 34.000.
        var kontanthjaelp = forecast["rows"]![1]!;
        (Number(kontanthjaelp["lastYearToDate"]), Number(kontanthjaelp["growthPercent"]), Number(kontanthjaelp["methods"]!["lastYear"]))
            .Should().Be((33_000m, 10.0m, 146_300m));
        Number(kontanthjaelp["methods"]!["linear"]).Should().Be(221_430m, "36.300 × 366 / 60");
        Number(kontanthjaelp["methods"]!["profile"]).Should().Be(145_747.92m);
        ((string?)kontanthjaelp["flag"]).Should().Be("over");
        Number(forecast["rows"]![2]!["consumption"]).Should().Be(9_100m, "the leap day's posting counts");
    }

    [Fact]
    public async Task The_first_year_in_the_database_has_no_profile_and_no_last_year()
    {
        await ImportYears();

        var forecast = await Get("/api/budget-years/2014/forecast?asOf=2014-03-31&by=account");

        forecast["rows"]!.AsArray().Select(r => r!["methods"]!.ToJsonString()).Should().Equal(
            """{"linear":129777.78,"profile":null,"lastYear":null}""",
            """{"linear":121666.67,"profile":null,"lastYear":null}""");
        forecast["rows"]!.AsArray().Should().OnlyContain(r => r!["suggested"] == null && r["deviationPercent"] == null && r["flag"] == null);
    }

    [Fact]
    public async Task The_round_beside_the_forecast_follows_the_date_or_the_query()
    {
        await ImportYears();

        var june = await Get("/api/budget-years/2016/forecast?asOf=2016-06-30&by=account");
        var asked = await Get("/api/budget-years/2016/forecast?asOf=2016-03-31&by=account&round=2");

        june["round"]!.GetValue<int>().Should().Be(2);
        Number(june["rows"]![0]!["estimate"]).Should().Be(240_000m, "round 2 has no estimate: the corrected budget stands in");
        asked["round"]!.GetValue<int>().Should().Be(2);
        Number(asked["rows"]![0]!["estimate"]).Should().Be(240_000m);
    }

    [Fact]
    public async Task Month_by_month_this_year_beside_last_year_with_differences_and_to_date()
    {
        await ImportYears();

        var months = await Get("/api/budget-years/2016/consumption-by-month?by=account");
        var first = await Get("/api/budget-years/2014/consumption-by-month?by=activity-area");

        months["lastYear"]!.GetValue<int>().Should().Be(2015);
        var dagpenge = months["rows"]![0]!;
        ((string?)dagpenge["account"], (string?)dagpenge["accountName"]).Should().Be(("5.57.72", "Dagpenge"));
        var m = dagpenge["months"]!.AsArray();
        m.Should().HaveCount(12);
        m.Select(x => (x!["month"]!.GetValue<int>(), Number(x["thisYear"]), Number(x["lastYear"]), Number(x["difference"]), Number(x["thisYearToDate"]), Number(x["lastYearToDate"])))
            .Should().Equal(
                (1, 12_100m, 11_000m, 1_100m, 12_100m, 11_000m),
                (2, 12_100m, 11_000m, 1_100m, 24_200m, 22_000m),
                (3, 12_100m, 11_000m, 1_100m, 36_300m, 33_000m),
                (4, 0m, 11_000m, -11_000m, 36_300m, 44_000m),
                (5, 0m, 11_000m, -11_000m, 36_300m, 55_000m),
                (6, 0m, 11_000m, -11_000m, 36_300m, 66_000m),
                (7, 0m, 11_000m, -11_000m, 36_300m, 77_000m),
                (8, 0m, 11_000m, -11_000m, 36_300m, 88_000m),
                (9, 0m, 11_000m, -11_000m, 36_300m, 99_000m),
                (10, 0m, 11_000m, -11_000m, 36_300m, 110_000m),
                (11, 0m, 11_000m, -11_000m, 36_300m, 121_000m),
                (12, 0m, 99_000m, -99_000m, 36_300m, 220_000m));
        var kontanthjaelp = months["rows"]![1]!["months"]!.AsArray();
        kontanthjaelp.Take(4).Select(x => (Number(x!["thisYear"]), Number(x["lastYear"]), Number(x["difference"]))).Should().Equal(
            (36_300m, 33_000m, 3_300m), (0m, 0m, 0m), (0m, 1_000m, -1_000m), (0m, 33_000m, -33_000m));
        var drift = months["rows"]![2]!["months"]!.AsArray();
        drift[1]!.ToJsonString().Should().Be("""{"month":2,"thisYear":9100,"lastYear":null,"difference":null,"thisYearToDate":9100,"lastYearToDate":null}""");

        first["lastYear"].Should().BeNull();
        var ydelser = first["rows"]!.AsArray().Single()!;
        ((string?)ydelser["activityArea"], (string?)ydelser["account"]).Should().Be(("Ydelser", null));
        Number(ydelser["months"]![1]!["thisYear"]).Should().Be(12_000m);
        Number(ydelser["months"]![11]!["thisYearToDate"]).Should().Be(320_000m);
        ydelser["months"]!.AsArray().Should().OnlyContain(x => x!["lastYear"] == null && x["difference"] == null && x["lastYearToDate"] == null);
    }

    [Theory]
    [InlineData("/api/budget-years/2016/forecast?by=account", "asOf")]
    [InlineData("/api/budget-years/2016/forecast?asOf=2016-13-01&by=account", "asOf")]
    [InlineData("/api/budget-years/2016/forecast?asOf=2015-12-31&by=account", "asOf")]
    [InlineData("/api/budget-years/2016/forecast?asOf=2016-03-31&by=group", "by")]
    [InlineData("/api/budget-years/2016/forecast?asOf=2016-03-31&by=account&round=4", "round")]
    [InlineData("/api/budget-years/2016/consumption-by-month?by=municipality", "by")]
    [InlineData("/api/budget-years/2016/consumption-by-month", "by")]
    [InlineData("/api/forecast/backtest?from=2015&to=2014&asOf=03-31", "to")]
    [InlineData("/api/forecast/backtest?from=2014&to=2016&asOf=02-30", "asOf")]
    [InlineData("/api/forecast/backtest?from=2014&to=2016&asOf=2014-03-31", "asOf")]
    [InlineData("/api/forecast/backtest?from=1900&to=1950&asOf=03-31", "to")]
    [InlineData("/api/forecast/backtest?from=x&to=2016&asOf=03-31", "from")]
    public async Task Bad_query_values_are_400_naming_the_value(string url, string field)
    {
        using var response = await client.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Json())["errors"]![field].Should().NotBeNull();
    }

    [Fact]
    public async Task An_unknown_year_is_404_and_reading_needs_a_key_unless_anonymous_reading_is_on()
    {
        using var missing = await client.GetAsync("/api/budget-years/2031/forecast?asOf=2031-03-31&by=account");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var missingMonths = await client.GetAsync("/api/budget-years/2031/consumption-by-month?by=account");
        missingMonths.StatusCode.Should().Be(HttpStatusCode.NotFound);

        using var anonymous = factory.Anonymous();
        (await anonymous.GetAsync("/api/budget-years/2031/forecast?asOf=2031-03-31&by=account")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/forecast/backtest?from=2014&to=2016&asOf=03-31")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var open = new BudgetApiFactory(seedDemo: true, anonymousRead: true);
        using var openAnonymous = open.Anonymous();
        (await openAnonymous.GetAsync("/api/budget-years/2014/forecast?asOf=2014-03-31&by=committee")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await openAnonymous.GetAsync("/api/budget-years/2014/consumption-by-month?by=committee")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await openAnonymous.GetAsync("/api/forecast/backtest?from=2014&to=2014&asOf=03-31")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// GET /api/forecast/backtest on generated seasonal years (the shape of bench/generate-year.py --years, in small):
/// accounts paid quarterly in arrears, once a year, monthly with a year-end settlement, or monthly with a seasonal
/// profile; each with a yearly drift and noise on every payment. A seasonal method must beat the straight line there.
/// </summary>
public sealed class BacktestApiTests : IDisposable
{
    private const int FirstYear = 2014;
    private const int Years = 5;
    private const int Accounts = 40;

    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private readonly HttpClient client;

    public BacktestApiTests() => client = factory.CreateClient();

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    /// <summary>The postings of every year: per account a pattern, a base amount, a drift and a payment day, noise per payment.</summary>
    private static Dictionary<int, List<(string Account, DateOnly Date, decimal Amount)>> Generate()
    {
        var random = new Random(19);
        var seasonal = new[] { 1.0m, 1.0m, 1.0m, 1.0m, 1.6m, 1.0m, 0.5m, 0.9m, 1.0m, 1.0m, 1.0m, 1.0m };
        var years = Enumerable.Range(FirstYear, Years).ToDictionary(y => y, _ => new List<(string, DateOnly, decimal)>());
        for (var a = 0; a < Accounts; a++)
        {
            var id = $"5.{a / 10:00}.{a:000}";
            var pattern = a % 4;
            var baseAmount = random.Next(100_000, 5_000_000);
            var drift = random.Next(0, 61) / 1000m;
            var day = random.Next(3, 26);
            var yearlyMonth = random.Next(1, 13);
            for (var y = 0; y < Years; y++)
            {
                var year = FirstYear + y;
                var level = baseAmount * (1m + drift * y);
                void Pay(int month, decimal share)
                {
                    var noise = 1m + (random.Next(-50, 51) / 1000m);
                    var date = new DateOnly(year, month, Math.Min(day + random.Next(-2, 3), 28));
                    years[year].Add((id, date, decimal.Round(level * share * noise, 2)));
                }

                switch (pattern)
                {
                    case 0: // quarterly in arrears: each quarter paid in the month after it (Q4 of last year in January)
                        foreach (var month in new[] { 1, 4, 7, 10 })
                        {
                            Pay(month, 0.25m);
                        }

                        break;
                    case 1: // once a year
                        Pay(yearlyMonth, 1m);
                        break;
                    case 2: // monthly and a settlement at year end
                        for (var month = 1; month <= 12; month++)
                        {
                            Pay(month, month == 12 ? 0.34m : 0.06m);
                        }

                        break;
                    default: // monthly with holiday pay in May and a quiet July
                        for (var month = 1; month <= 12; month++)
                        {
                            Pay(month, seasonal[month - 1] / 12m);
                        }

                        break;
                }
            }
        }

        return years;
    }

    private async Task ImportGenerated()
    {
        var accounts = new StringBuilder("committee,activity_area,account,name\n");
        for (var a = 0; a < Accounts; a++)
        {
            accounts.Append(CultureInfo.InvariantCulture, $"Udvalg {a % 3},Område {a % 7},5.{a / 10:00}.{a:000},Konto {a}\n");
        }

        foreach (var (year, postings) in Generate())
        {
            var csv = new StringBuilder("account,posted_on,amount\n");
            foreach (var (account, date, amount) in postings)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{account},{date:yyyy-MM-dd},{amount:0.00}\n");
            }

            using var response = await client.PostAsync($"/api/budget-years/{year}/dataset", Http.Dataset(("accounts", accounts.ToString()), ("postings", csv.ToString())));
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    private static (int Forecasts, decimal? Mape, decimal? Within, decimal? CommonMape) Method(JsonNode report, string method)
    {
        var m = report["methods"]!.AsArray().Single(x => (string?)x!["method"] == method)!;
        return (m["forecasts"]!.GetValue<int>(), m["mape"]?.GetValue<decimal>(), m["within5Percent"]?.GetValue<decimal>(), m["commonMape"]?.GetValue<decimal>());
    }

    [Theory]
    [InlineData("03-31")]
    [InlineData("04-30")]
    [InlineData("06-30")]
    public async Task On_seasonal_years_the_profile_and_last_year_beat_the_straight_line(string asOf)
    {
        await ImportGenerated();

        using var response = await client.GetAsync($"/api/forecast/backtest?from=2015&to=2018&asOf={asOf}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = await response.Json();

        report["years"]!.AsArray().Select(y => y!.GetValue<int>()).Should().Equal(2015, 2016, 2017, 2018);
        ((string?)report["asOf"]).Should().Be(asOf);
        var linear = Method(report, "linear");
        var profile = Method(report, "profile");
        var lastYear = Method(report, "lastYear");
        linear.Forecasts.Should().Be(Accounts * 4, "every account-year has an actual and a straight line");
        profile.Forecasts.Should().BeGreaterThan(Accounts * 4 / 2);
        profile.Mape.Should().BeLessThan(linear.Mape!.Value);
        profile.Within.Should().BeGreaterThan(linear.Within!.Value);
        lastYear.Mape.Should().BeLessThan(linear.Mape!.Value);
        profile.CommonMape.Should().BeLessThan(linear.CommonMape!.Value, "on the same account-years too");
    }

    [Fact]
    public async Task A_range_without_years_in_the_database_has_no_forecasts()
    {
        using var response = await client.GetAsync("/api/forecast/backtest?from=2030&to=2031&asOf=03-31");
        var report = await response.Json();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        report.Text().Should().Be("""{"from":2030,"to":2031,"asOf":"03-31","years":[],"commonForecasts":0,"methods":[{"method":"linear","forecasts":0,"mape":null,"within5Percent":null,"commonMape":null,"commonWithin5Percent":null},{"method":"profile","forecasts":0,"mape":null,"within5Percent":null,"commonMape":null,"commonWithin5Percent":null},{"method":"lastYear","forecasts":0,"mape":null,"within5Percent":null,"commonMape":null,"commonWithin5Percent":null}]}""");
    }
}

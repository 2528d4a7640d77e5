using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>
/// Consumption as of a date is read from two aggregates (cumulative month totals and per-day sums for the current
/// month). Whatever the date, it must equal the plain sum of the postings dated on or before it: checked for every
/// day of a leap year and dates outside it, after postings arrive in three batches by two routes (dataset import and
/// POST /postings), on the provider the suite runs on.
/// </summary>
public sealed class ConsumptionAsOfTests : IDisposable
{
    private const int Year = 2024;
    private static readonly string[] AccountIds = ["6.45.51", "6.45.53", "6.45.60"];

    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private readonly HttpClient client;

    public ConsumptionAsOfTests() => client = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task Consumption_as_of_any_date_equals_the_sum_of_the_postings_up_to_it()
    {
        var random = new Random(2024);
        var postings = new List<(string Account, DateOnly PostedOn, long Ore)>();
        List<(string Account, DateOnly PostedOn, long Ore)> Batch(int count, int fromMonth)
        {
            var batch = Enumerable.Range(0, count).Select(_ =>
            {
                var first = new DateOnly(Year, fromMonth, 1);
                var day = first.AddDays(random.Next(new DateOnly(Year, 12, 31).DayNumber - first.DayNumber + 1));
                return (AccountIds[random.Next(2)], day, (long)random.Next(-5_000_00, 50_000_00));
            }).ToList();
            // The year's edges and the leap day, where a month-boundary mistake would show.
            batch.Add((AccountIds[0], new DateOnly(Year, 12, 31), 123_45));
            batch.Add((AccountIds[1], new DateOnly(Year, 2, 29), -67_89));
            if (fromMonth == 1) batch.Add((AccountIds[1], new DateOnly(Year, 1, 1), 1_00));
            postings.AddRange(batch);
            return batch;
        }

        static string Csv(IEnumerable<(string Account, DateOnly PostedOn, long Ore)> rows) =>
            "account,posted_on,amount\n" + string.Concat(rows.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Account},{p.PostedOn:yyyy-MM-dd},{p.Ore / 100m:0.00}\n")));

        var accounts = "committee,activity_area,account,name\n" + string.Concat(AccountIds.Select(a => $"Økonomiudvalget,Administration,{a},Konto {a}\n"));
        (await client.PostAsync($"/api/budget-years/{Year}/dataset", Http.Dataset(("accounts", accounts), ("postings", Csv(Batch(400, 1)))))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.PostAsync($"/api/budget-years/{Year}/dataset", Http.Dataset(("postings", Csv(Batch(300, 3)))))).StatusCode.Should().Be(HttpStatusCode.OK);
        var json = "[" + string.Join(",", Batch(200, 6).Select(p => string.Create(CultureInfo.InvariantCulture, $$"""{"account":"{{p.Account}}","postedOn":"{{p.PostedOn:yyyy-MM-dd}}","amount":{{p.Ore / 100m:0.00}}}"""))) + "]";
        (await client.PostAsync($"/api/budget-years/{Year}/postings", new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.OK);

        var dates = Enumerable.Range(0, 366).Select(d => new DateOnly(Year, 1, 1).AddDays(d))
            .Concat([new DateOnly(Year - 1, 12, 31), new DateOnly(Year + 1, 1, 1), new DateOnly(Year + 1, 6, 15)]);
        var mismatches = new List<string>();
        foreach (var date in dates)
        {
            var report = await (await client.GetAsync($"/api/budget-years/{Year}/follow-up?round=1&by=account&asOf={date:yyyy-MM-dd}")).Json();
            foreach (var row in report["rows"]!.AsArray())
            {
                var account = (string)row!["account"]!;
                var expected = postings.Where(p => p.Account == account && p.PostedOn <= date).Sum(p => p.Ore) / 100m;
                var actual = row["consumption"]!.GetValue<decimal>();
                if (actual != expected)
                {
                    mismatches.Add($"{account} as of {date:yyyy-MM-dd}: {actual} ≠ {expected}");
                }
            }
        }

        mismatches.Should().BeEmpty();
        postings.Should().HaveCount(400 + 3 + 300 + 2 + 200 + 2, "the three batches all arrived");
    }

    [Fact]
    public async Task A_report_read_again_shows_what_another_connection_committed_in_between()
    {
        // The store reuses a report's facts while its change signal stands still (SQLite's PRAGMA data_version; on
        // PostgreSQL the process's notifications listener, decision 0022); a commit by another store on the same
        // database — here in the same process, as a second store of the server would be — must show at once.
        var accounts = "committee,activity_area,account,name\nØkonomiudvalget,Administration,6.45.51,Sekretariat\n";
        (await client.PostAsync($"/api/budget-years/{Year}/dataset", Http.Dataset(("accounts", accounts), ("postings", "account,posted_on,amount\n6.45.51,2024-02-10,100.00\n")))).StatusCode.Should().Be(HttpStatusCode.OK);
        async Task<decimal> Consumption() => (await (await client.GetAsync($"/api/budget-years/{Year}/follow-up?round=1&by=account&asOf=2024-03-31")).Json())["rows"]![0]!["consumption"]!.GetValue<decimal>();
        (await Consumption()).Should().Be(100m);
        (await Consumption()).Should().Be(100m, "read twice, the second time from the kept facts");

        using var other = Budget.Data.BudgetStores.Create(factory.Storage.Provider, factory.Storage.ConnectionString, NodaTime.SystemClock.Instance);
        await other.AddPostings(
            Year,
            [new Budget.Domain.Appropriations.Posting(Budget.Domain.Accounts.AccountId.Parse("6.45.51"), new NodaTime.LocalDate(Year, 3, 1), Budget.Domain.Money.Amount.Of(23.45m))],
            Budget.Application.Audit.AuditEntry.Of(Year, NodaTime.SystemClock.Instance.GetCurrentInstant(), Budget.Application.Users.Actor.System with { Name = "other-process" }, "postings.add", $"budget-years/{Year}/postings", null, null),
            CancellationToken.None);
        (await Consumption()).Should().Be(123.45m);

        (await client.PostAsync($"/api/budget-years/{Year}/postings", new StringContent("""[{"account":"6.45.51","postedOn":"2024-03-31","amount":1}]""", Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Consumption()).Should().Be(124.45m, "a write through the API itself is another connection too");
    }
}

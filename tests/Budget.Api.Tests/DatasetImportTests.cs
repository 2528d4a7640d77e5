using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

public sealed class DatasetImportTests : IDisposable
{
    private const string Accounts = """
        committee,activity_area,account,name,group
        Økonomiudvalget,Administration,6.45.51,Sekretariat og forvaltninger,Administration
        Økonomiudvalget,Administration,6.45.53,"Administrationsbygninger, drift",Administration
        """;

    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private readonly HttpClient client;

    public DatasetImportTests() => client = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    private async Task<(HttpStatusCode Status, JsonNode Body)> Import(int year, MultipartFormDataContent content)
    {
        var response = await client.PostAsync($"/api/budget-years/{year}/dataset", content);
        return (response.StatusCode, await response.Json());
    }

    private static IEnumerable<(string File, int Line, string? Column, string Message)> Errors(JsonNode problem) =>
        problem["errors"]!.AsArray().Select(e => ((string)e!["file"]!, (int)e["line"]!, (string?)e["column"], (string)e["message"]!));

    [Fact]
    public async Task A_valid_dataset_is_stored_and_the_counts_are_answered()
    {
        var (status, body) = await Import(2025, Http.Dataset(
            ("accounts", Accounts),
            ("movements", "account,kind,amount,decided_on\n6.45.51,original_budget,1000000.50,2024-10-08\n6.45.53,original_budget,-250.25,2024-10-08\n"),
            ("postings", "account,posted_on,amount\n6.45.51,2025-01-15,100\n6.45.51,2025-01-15,200.10\n"),
            ("estimates", "round,account,estimate,explanation,out_year_1\n1,6.45.51,990000,\"Færre udgifter, se note \"\"A\"\"\",-5000\n")));

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body.ToJsonString().Should().Be("""{"accounts":2,"movements":2,"postings":2,"estimates":1}""");
        var report = await (await client.GetAsync("/api/budget-years/2025/follow-up?round=1&by=account")).Json();
        var row = report["rows"]![0]!;
        row["originalBudget"]!.GetValue<decimal>().Should().Be(1_000_000.50m);
        row["consumption"]!.GetValue<decimal>().Should().Be(300.10m);
        row["estimate"]!.GetValue<decimal>().Should().Be(990_000m);
        row["outYears"]!.AsArray().Select(y => y!.GetValue<decimal>()).Should().Equal(-5000m, 0m, 0m, 0m);
        report["total"]!["originalBudget"]!.GetValue<decimal>().Should().Be(999_750.25m);
        ((int)report["total"]!["estimatesMissing"]!).Should().Be(1);
        // The audit entry's JSON (source-generated since 3 December 2026) is what the anonymous payload wrote before.
        var audit = (await (await client.GetAsync("/api/budget-years/2025/audit")).Json()).AsArray().Single(e => (string)e!["action"]! == "dataset.import")!;
        audit["after"]!.ToJsonString().Should().Be("""{"files":["accounts","estimates","movements","postings"],"counts":{"accounts":2,"movements":2,"postings":2,"estimates":1}}""");
    }

    [Fact]
    public async Task Every_bad_row_is_reported_with_file_line_column_and_reason_and_nothing_is_stored()
    {
        var (status, body) = await Import(2025, Http.Dataset(
            ("accounts", """
                committee,activity_area,account,name,group,block
                Økonomiudvalget,Administration,6.45.51,Sekretariat og forvaltninger,Administration,
                Økonomiudvalget,Administration,6.45.53,"Administrationsbygninger, drift",Administration,drift
                Økonomiudvalget,Administration,6.45.51,Dublet,,
                Økonomiudvalget,Administration,6.45.60,Ny,,kasse
                """),
            ("movements", """
                account,kind,amount,decided_on
                6.45.51,original_budget,12.345,2024-10-08
                6.45.51,supplement,100,2024-10-08
                9.99.99,carry_over,100,2025-03-01
                6.45.53,carry_over,1e5,2025-02-30
                """),
            ("postings", "account,posted_on,amount\n6.45.51,2024-12-31,10\n6.45.51,2025-01-02,10,extra\n")));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["status"]!.GetValue<int>().Should().Be(400);
        Errors(body).Should().BeEquivalentTo(new (string, int, string?, string)[]
        {
            ("accounts", 4, "account", "account 6.45.51 appears twice in the file"),
            ("accounts", 5, "block", "unknown block 'kasse' (expected drift, anlaeg, ejendomssalg, renter, finansiering, finansforskydninger, afdrag, laan)"),
            ("movements", 2, "amount", "'12.345' has more than 2 decimals"),
            ("movements", 3, "kind", "unknown kind 'supplement' (expected original_budget, prior_estimate_shift, carry_over, council_decision, technical_reallocation, estimate_appropriation)"),
            ("movements", 4, "account", "unknown account '9.99.99' (not in accounts.csv nor in the year)"),
            ("movements", 5, "amount", "'1e5' is not a number (expected e.g. -1234.50)"),
            ("movements", 5, "decided_on", "'2025-02-30' is not a date in the form yyyy-MM-dd"),
            ("postings", 2, "posted_on", "2024-12-31 is not in the budget year 2025"),
            ("postings", 3, null, "the row has 4 fields, the header 3"),
        });
        (await client.GetAsync("/api/budget-years/2025")).StatusCode.Should().Be(HttpStatusCode.NotFound, "a failed import creates nothing, not even the year");
    }

    [Fact]
    public async Task Missing_and_unknown_columns_are_reported_on_the_header_line()
    {
        var (status, body) = await Import(2025, Http.Dataset(("accounts", "committee,account,name,colour\nØU,1,Konto,rød\n")));

        status.Should().Be(HttpStatusCode.BadRequest);
        Errors(body).Should().BeEquivalentTo(new (string, int, string?, string)[]
        {
            ("accounts", 1, "colour", "unknown column 'colour' (expected committee, activity_area, account, name, group, block, refusion_benefit)"),
            ("accounts", 1, "activity_area", "required column 'activity_area' is missing"),
        });
    }

    [Fact]
    public async Task A_file_saved_as_utf16_or_holding_a_nul_is_refused_with_the_line_it_breaks_on()
    {
        // PostgreSQL's text cannot hold NUL: refused on both providers, before anything is stored.
        var utf16 = Encoding.Unicode.GetBytes("committee,activity_area,account,name\nØkonomiudvalget,Administration,1,Løn\n");
        var nul = Encoding.UTF8.GetBytes("account,posted_on,amount\n5.57.73,2014-03-01,1\n5.57.73,2014-03-02,2\u0000\n");

        var (utf16Status, utf16Body) = await Import(2025, Http.DatasetBytes(("accounts", utf16)));
        var (nulStatus, nulBody) = await Import(2014, Http.DatasetBytes(("postings", nul)));

        utf16Status.Should().Be(HttpStatusCode.BadRequest);
        Errors(utf16Body).Should().ContainSingle().Which.Message.Should().StartWith("the file holds a NUL character (U+0000)");
        nulStatus.Should().Be(HttpStatusCode.BadRequest);
        Errors(nulBody).Should().Contain(("postings", 3, (string?)null, "the file holds a NUL character (U+0000), which no field may hold (is it saved as UTF-16? save it as UTF-8)"));
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_refused_with_the_line_it_breaks_on()
    {
        var latin1 = Encoding.Latin1.GetBytes("committee,activity_area,account,name\nØkonomiudvalget,Administration,1,Løn\n");

        var (status, body) = await Import(2025, Http.DatasetBytes(("accounts", latin1)));

        status.Should().Be(HttpStatusCode.BadRequest);
        Errors(body).Should().ContainSingle().Which.Should().Be(("accounts", 2, (string?)null, "the file is not UTF-8 (save it as UTF-8, e.g. 'CSV UTF-8' in Excel)"));
    }

    [Fact]
    public async Task An_import_failing_on_its_last_posting_leaves_an_existing_year_exactly_as_it_was()
    {
        (await Import(2025, Http.Dataset(("accounts", Accounts), ("postings", "account,posted_on,amount\n6.45.51,2025-01-10,500\n")))).Status.Should().Be(HttpStatusCode.OK);
        var postings = new StringBuilder("account,posted_on,amount\n");
        for (var i = 0; i < 12_000; i++)
        {
            postings.Append("6.45.51,2025-02-01,1\n");
        }

        postings.Append("6.45.51,2025-02-01,x\n");

        var (status, body) = await Import(2025, Http.Dataset(
            ("movements", "account,kind,amount,decided_on\n6.45.51,original_budget,1000,2024-10-01\n"),
            ("postings", postings.ToString())));

        status.Should().Be(HttpStatusCode.BadRequest);
        Errors(body).Should().ContainSingle().Which.Line.Should().Be(12_002);
        var report = await (await client.GetAsync("/api/budget-years/2025/follow-up?round=1&by=committee")).Json();
        report["total"]!["consumption"]!.GetValue<decimal>().Should().Be(500m, "the 12.000 postings written before the bad row were rolled back");
        report["total"]!["originalBudget"]!.GetValue<decimal>().Should().Be(0m);
    }

    [Fact]
    public async Task The_danish_export_flavour_is_read_when_the_file_declares_sep_semicolon()
    {
        var (status, body) = await Import(2025, Http.Dataset(
            ("accounts", Accounts),
            ("movements", "sep=;\naccount;kind;amount;decided_on;reference\n6.45.51;original_budget;-1.234.567,89;2024-10-08;\"KB 8/10; pkt. 3\"\n")));

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var history = await (await client.GetAsync("/api/budget-years/2025/accounts/6.45.51/history")).Json();
        history[0]!["amount"]!.GetValue<decimal>().Should().Be(-1_234_567.89m);
        ((string?)history[0]!["reference"]).Should().Be("KB 8/10; pkt. 3");
    }

    [Fact]
    public async Task Importing_again_accepts_identical_accounts_and_refuses_changed_ones()
    {
        (await Import(2025, Http.Dataset(("accounts", Accounts)))).Status.Should().Be(HttpStatusCode.OK);

        var (same, sameBody) = await Import(2025, Http.Dataset(("accounts", Accounts)));
        var (changed, changedBody) = await Import(2025, Http.Dataset(("accounts", "committee,activity_area,account,name\nØkonomiudvalget,Administration,6.45.51,Omdøbt\n")));

        same.Should().Be(HttpStatusCode.OK);
        ((int)sameBody["accounts"]!).Should().Be(0, "both accounts exist already");
        changed.Should().Be(HttpStatusCode.BadRequest);
        Errors(changedBody).Single().Message.Should().StartWith("account 6.45.51 already exists in the year with other attributes");
    }

    [Fact]
    public async Task Unknown_parts_and_a_body_that_is_not_multipart_are_refused()
    {
        var (unknown, unknownBody) = await Import(2025, Http.Dataset(("budget", "a,b\n")));
        var notMultipart = await client.PostAsync("/api/budget-years/2025/dataset", new StringContent("account,kind\n"));

        unknown.Should().Be(HttpStatusCode.BadRequest);
        Errors(unknownBody).Single().Message.Should().Contain("unknown file 'budget'");
        notMultipart.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        notMultipart.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Importing_estimates_again_makes_new_versions_and_new_accounts_start_at_version_one()
    {
        (await Import(2025, Http.Dataset(
            ("accounts", Accounts),
            ("estimates", "round,account,estimate,explanation,out_year_1\n1,6.45.51,990000,Første bud,-5000\n")))).Status.Should().Be(HttpStatusCode.OK);
        var (status, body) = await Import(2025, Http.Dataset(
            ("estimates", "round,account,estimate,explanation,out_year_1\n1,6.45.51,985000.50,Andet bud,-4000\n1,6.45.53,12000,Nyt skøn,0\n")));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());

        var revised = await client.GetAsync("/api/budget-years/2025/rounds/1/estimates/6.45.51");
        var revisedBody = await revised.Json();
        ((long)revisedBody["version"]!).Should().Be(2);
        revised.Headers.ETag!.Tag.Should().Be("\"2\"");
        revisedBody["estimate"]!.GetValue<decimal>().Should().Be(985_000.50m);
        ((string)revisedBody["explanation"]!).Should().Be("Andet bud");
        revisedBody["outYears"]!.AsArray().Select(y => y!.GetValue<decimal>()).Should().Equal(-4000m, 0m, 0m, 0m);
        ((long)(await (await client.GetAsync("/api/budget-years/2025/rounds/1/estimates/6.45.53")).Json())["version"]!).Should().Be(1);
    }
}

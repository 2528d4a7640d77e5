using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>POST /api/checks/table (contract §11) over HTTP: findings per cell, tolerance, exact tables, bad input, access.</summary>
public sealed class TableCheckApiTests(PublishedFiguresTests.DemoApi api) : IClassFixture<PublishedFiguresTests.DemoApi>
{
    private readonly HttpClient client = api.Factory.CreateClient();

    /// <summary>The employment committee's summary table of domain.md §5 as printed, with the 43.365 typo and without Erhverv.</summary>
    public const string PrintedSummary = """
        Gruppe;Oprindeligt budget;Korrigeret budget;Anslået regnskab;Afvigelse;Afvigelse ift. oprindeligt
        Tilbud til udlændinge;6.737;6.737;6.781;44;44
        Førtidspensioner og personlige tillæg;123.707;123.649;119.649;-4.000;-4.058
        Kontante ydelser;236.748;238.660;235.645;-3.015;-1.103
        Revalidering m.v.;50.132;49.132;49.132;0;-1.000
        Arbejdsmarkedsforanstaltninger;42.859;43.419;43.365;1.946;2.506
        I alt;460.182;463.747;458.722;-5.025;-1.460

        """;

    public static readonly string[] SummaryRelations = ["Afvigelse=Anslået regnskab-Korrigeret budget", "Afvigelse ift. oprindeligt=Anslået regnskab-Oprindeligt budget"];

    private static MultipartFormDataContent Form(string table, IEnumerable<string>? relations = null, string? exact = null, bool asFile = true)
    {
        var content = new MultipartFormDataContent();
        if (asFile)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(table));
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(part, "table", "table.csv");
        }
        else
        {
            content.Add(new StringContent(table), "table");
        }

        foreach (var relation in relations ?? [])
        {
            content.Add(new StringContent(relation), "relations");
        }

        if (exact is not null)
        {
            content.Add(new StringContent(exact), "exact");
        }

        return content;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> Check(MultipartFormDataContent form, HttpClient? as_ = null)
    {
        using var response = await (as_ ?? client).PostAsync("/api/checks/table", form);
        return (response.StatusCode, await response.Json());
    }

    [Fact]
    public async Task The_printed_summary_table_shows_the_typo_and_the_forgotten_row_cell_by_cell()
    {
        var (status, body) = await Check(Form(PrintedSummary, SummaryRelations));

        status.Should().Be(HttpStatusCode.OK);
        body["findings"]!.AsArray().Select(f => f.Text()).Should().Equal(
            """{"row":6,"column":"Afvigelse","printed":1946,"computed":-54,"difference":2000,"label":"Arbejdsmarkedsforanstaltninger","rule":"Afvigelse=Anslået regnskab-Korrigeret budget","tolerance":1}""",
            """{"row":6,"column":"Afvigelse ift. oprindeligt","printed":2506,"computed":506,"difference":2000,"label":"Arbejdsmarkedsforanstaltninger","rule":"Afvigelse ift. oprindeligt=Anslået regnskab-Oprindeligt budget","tolerance":1}""",
            """{"row":7,"column":"Korrigeret budget","printed":463747,"computed":461597,"difference":2150,"label":"I alt","rule":"sum of 5 rows (lines 2–6)","tolerance":2}""",
            """{"row":7,"column":"Anslået regnskab","printed":458722,"computed":454572,"difference":4150,"label":"I alt","rule":"sum of 5 rows (lines 2–6)","tolerance":2}""",
            """{"row":7,"column":"Afvigelse ift. oprindeligt","printed":-1460,"computed":-3611,"difference":2151,"label":"I alt","rule":"sum of 5 rows (lines 2–6)","tolerance":2}""");
        body["danish"]!.GetValue<bool>().Should().BeTrue();
        body["rows"]!.GetValue<int>().Should().Be(6);
    }

    [Fact]
    public async Task The_corrected_table_is_accepted_its_totals_within_the_rounding_of_six_rows()
    {
        // With Erhverv and 45.365: the original budget's rows sum to 460.183 under 460.182, the variance to original's
        // to −1.459 under −1.460: one off each, within ⌊6/2⌋ = 3.
        var corrected = PrintedSummary.Replace("43.365", "45.365", StringComparison.Ordinal)
            .Replace("I alt;", "Erhverv;0;2.150;2.150;0;2.150\nI alt;", StringComparison.Ordinal);

        var (status, body) = await Check(Form(corrected, SummaryRelations));
        var (_, exact) = await Check(Form(corrected, SummaryRelations, exact: "true"));

        status.Should().Be(HttpStatusCode.OK);
        body["findings"]!.AsArray().Should().BeEmpty();
        exact["findings"]!.AsArray().Select(f => ((string?)f!["column"], f["difference"]!.GetValue<decimal>())).Should().Equal(
            ("Oprindeligt budget", -1m), ("Afvigelse ift. oprindeligt", 1m));
        exact["exact"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_plain_allocation_claiming_exact_sums_is_checked_to_the_oere()
    {
        // An allocation of 26.349.341 kr. a year over three areas (8.783.113,67 + 8.783.113,67 + 8.783.113,66), printed to
        // the øre with ',' between cells and '.' decimals, years as headers; 2021's total is printed 0,01 too high.
        const string table = """
            Område,2020,2021,I alt 2020-2021
            Administration,8783113.67,8783113.67,17566227.34
            Skoler,8783113.67,8783113.67,17566227.34
            Ældre,8783113.66,8783113.66,17566227.32
            I alt,26349341.00,26349341.01,52698682.01
            """;

        var (status, body) = await Check(Form(table, ["I alt 2020-2021=2020+2021"], exact: "true", asFile: false));
        var (_, rounded) = await Check(Form(table, ["I alt 2020-2021=2020+2021"], asFile: false));

        status.Should().Be(HttpStatusCode.OK);
        body["danish"]!.GetValue<bool>().Should().BeFalse();
        body["findings"]!.AsArray().Select(f => (f!["row"]!.GetValue<int>(), (string?)f["column"], f["printed"]!.GetValue<decimal>(), f["computed"]!.GetValue<decimal>(), f["difference"]!.GetValue<decimal>(), f["tolerance"]!.GetValue<decimal>()))
            .Should().Equal(
                (5, "2021", 26_349_341.01m, 26_349_341.00m, 0.01m, 0m),
                (5, "I alt 2020-2021", 52_698_682.01m, 52_698_682.00m, 0.01m, 0m));
        rounded["findings"]!.AsArray().Should().BeEmpty("three parts printed to the øre allow ⌊3/2⌋ øre");
    }

    [Theory]
    [InlineData("Gruppe;Beløb\nA;1.0000\nB;2\n", 2, "Beløb", "misplaced thousands separators")]
    [InlineData("Gruppe;Beløb\nA;12\nB;1x\n", 3, "Beløb", "not a number")]
    [InlineData("Gruppe;Beløb\nA;1;2\n", 2, null, "the row has 3 cells, the header 2")]
    [InlineData("Gruppe;Beløb\n", 1, null, "no rows")]
    [InlineData("", 1, null, "empty")]
    [InlineData("Gruppe\nA\n", 1, null, "label column and 1–99 figure columns")]
    [InlineData("Gruppe;Beløb\n\"A;1\n", 2, null, "not closed")]
    public async Task A_table_that_cannot_be_read_is_400_naming_line_and_column(string table, int line, string? column, string message)
    {
        var (status, body) = await Check(Form(table));

        status.Should().Be(HttpStatusCode.BadRequest);
        var error = body["errors"]![0]!;
        error["line"]!.GetValue<int>().Should().Be(line);
        ((string?)error["column"]).Should().Be(column);
        ((string?)error["message"]).Should().Contain(message);
    }

    [Fact]
    public async Task Relations_exact_and_the_parts_are_checked()
    {
        var unknown = await Check(Form(PrintedSummary, ["Afvigelse=Anslået-Korrigeret"]));
        unknown.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)unknown.Body["errors"]![0]!["column"]).Should().Be("relations");
        ((string?)unknown.Body["errors"]![0]!["message"]).Should().Contain("does not begin with a column header");

        var text = await Check(Form("Gruppe;Beløb;Note\nA;1;se tekst\nB;2;\nI alt;3;\n", ["Beløb=Note"]));
        text.Status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)text.Body["errors"]![0]!["message"]).Should().Contain("holds text");
        var notes = await Check(Form("Gruppe;Beløb;Note\nA;1;se tekst\nB;2;\nI alt;3;\n"));
        notes.Status.Should().Be(HttpStatusCode.OK, "a column of notes is left out");
        notes.Body["columns"]!.AsArray().Select(c => (string?)c).Should().Equal("Beløb");

        (await Check(Form(PrintedSummary, exact: "yes"))).Status.Should().Be(HttpStatusCode.BadRequest);
        using var none = new MultipartFormDataContent { { new StringContent("x"), "relations" } };
        (await Check(none)).Body["errors"]![0]!["message"]!.GetValue<string>().Should().Contain("'table'");
        using var plain = await client.PostAsync("/api/checks/table", new StringContent(PrintedSummary));
        plain.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Check(Form(PrintedSummary, Enumerable.Repeat(SummaryRelations[0], 51)))).Status.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_table_over_1_MiB_is_413_and_changes_nothing()
    {
        var row = "Række;1.000\n";
        var large = "Gruppe;Beløb\n" + string.Concat(Enumerable.Repeat(row, 1024 * 1024 / row.Length + 1));

        using var response = await client.PostAsync("/api/checks/table", Form(large));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task More_than_10_000_rows_is_400()
    {
        var large = "G;B\n" + string.Concat(Enumerable.Repeat("A;1\n", 10_001));

        var (status, body) = await Check(Form(large));

        status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)body["errors"]![0]!["message"]).Should().Contain("more than 10000 rows");
    }

    [Fact]
    public async Task The_check_needs_a_signed_in_user_of_any_role_even_with_anonymous_reading_on()
    {
        using var open = new BudgetApiFactory(seedDemo: false, anonymousRead: true);
        using var anonymous = open.Anonymous();
        (await Check(Form(PrintedSummary), anonymous)).Status.Should().Be(HttpStatusCode.Unauthorized);

        using var reader = open.WithKey(await Users.Create(open, "Revisor", ["reader"]));
        (await Check(Form(PrintedSummary), reader)).Status.Should().Be(HttpStatusCode.OK);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Budget.Reports;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Api.Tests;

/// <summary>
/// Text the API accepts (an explanation, an account name from an import) may hold characters that XML cannot carry:
/// no export may fail on them (contract §7: "No input that the API accepts can make a later report fail"). XLSX writes
/// them as Excel does (<c>_xHHHH_</c>), HTML shows U+FFFD.
/// </summary>
public sealed class UntrustedTextTests : IDisposable
{
    private const string Control = "Flere modtagere\u0001 og \u0008 \u000b \u001f slut";
    private readonly BudgetApiFactory factory = new(seedDemo: true);
    private readonly HttpClient client;

    public UntrustedTextTests() => client = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task An_explanation_with_control_characters_is_kept_and_every_export_of_its_round_still_renders()
    {
        var saved = await client.PutAsync("/api/budget-years/2014/rounds/2/estimates/5.57.73",
            Http.JsonBody(new { estimate = 70_000_000m, explanation = Control, outYears = new[] { 0m, 0m, 0m, 0m } }));
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());

        foreach (var report in new[] { "area-accounts", "appropriation-changes", "committee-table", "area-grid", "out-years" })
        {
            var xlsx = await client.GetAsync($"/api/budget-years/2014/reports/{report}?round=2&format=xlsx");
            xlsx.StatusCode.Should().Be(HttpStatusCode.OK, $"{report}: {await xlsx.Content.ReadAsStringAsync()}");
            var html = await client.GetAsync($"/api/budget-years/2014/reports/{report}?round=2&format=html");
            html.StatusCode.Should().Be(HttpStatusCode.OK, report);
            (await html.Content.ReadAsStringAsync()).Should().NotContainAny("\u0001", "\u0008", "\u000b", "\u001f");
        }

        var accounts = await (await client.GetAsync("/api/budget-years/2014/reports/area-accounts?round=2&format=xlsx")).Content.ReadAsByteArrayAsync();
        XlsxRenderer.Read(accounts).SelectMany(s => s.Rows).SelectMany(r => r).Should().Contain(Control, "Excel reads _x0001_ back as the character");
        (await (await client.GetAsync("/api/budget-years/2014/reports/area-accounts?round=2&format=html")).Content.ReadAsStringAsync())
            .Should().Contain("Flere modtagere\uFFFD og \uFFFD \uFFFD \uFFFD slut");
        ((string?)(await (await client.GetAsync("/api/budget-years/2014/rounds/2/estimates/5.57.73")).Json())["explanation"]).Should().Be(Control);
    }

    [Fact]
    public async Task An_imported_account_named_with_control_characters_leaves_every_follow_up_export_working()
    {
        var import = await client.PostAsync("/api/budget-years/2018/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,group\nUdvalg\u0001\uFFFF,_x0041_ Område\u001f,1.01.01,\"Konto\u0002 _x0041_ \u0001\r\nlinje 2\",Gruppe\u000b\n"),
            ("movements", "account,kind,amount,decided_on,reference,decided_by\n1.01.01,original_budget,1000,2017-10-09,Budget 2018,KB\n")));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());

        foreach (var by in new[] { "account", "group", "activity-area", "committee" })
        {
            var xlsx = await client.GetAsync($"/api/budget-years/2018/follow-up?round=1&by={by}&format=xlsx");
            xlsx.StatusCode.Should().Be(HttpStatusCode.OK, $"{by}: {await xlsx.Content.ReadAsStringAsync()}");
            (await client.GetAsync($"/api/budget-years/2018/follow-up?round=1&by={by}&format=html")).StatusCode.Should().Be(HttpStatusCode.OK, by);
        }

        // Sheet names are made of committee and area names: a name XML cannot carry must not break those either.
        foreach (var report in new[] { "area-accounts", "committee-table", "area-grid" })
        {
            var papers = await client.GetAsync($"/api/budget-years/2018/reports/{report}?round=1&format=xlsx");
            papers.StatusCode.Should().Be(HttpStatusCode.OK, $"{report}: {await papers.Content.ReadAsStringAsync()}");
        }

        var workbook = await (await client.GetAsync("/api/budget-years/2018/follow-up?round=1&by=account&format=xlsx")).Content.ReadAsByteArrayAsync();
        XlsxRenderer.Read(workbook).Single().Rows.Should().Contain(r => r.Contains("Konto\u0002 _x0041_ \u0001\r\nlinje 2"), "a literal _x0041_ stays text, a carriage return stays one");
        // What Excel reads: the sheet's XML itself, not this product's own decoder.
        SheetXml(workbook).Should().Contain("Konto_x0002_ _x005F_x0041_ _x0001__x000D_\nlinje 2");
        (await client.GetAsync("/api/budget-years/2018/carry-overs?format=xlsx")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Text_holding_nul_is_refused_naming_its_field_because_postgresql_cannot_store_it()
    {
        var refused = await client.PutAsync("/api/budget-years/2014/rounds/2/estimates/5.57.73",
            Http.JsonBody(new { estimate = 70_000_000m, explanation = "a\u0000b", outYears = new[] { 0m, 0m, 0m, 0m } }));

        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await refused.Json())["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Equal("explanation");
        ((string?)errors["explanation"]![0]).Should().Contain("NUL");
        (await client.GetAsync("/api/budget-years/2014/rounds/2/estimates/5.57.73")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Any_text_goes_into_a_workbook_and_reads_back_as_it_was()
    {
        // Pieces that make escapes, near-escapes and characters to escape meet in every order.
        var texts = Gen.Elements("\u0000", "\u0001", "\t", "\n", "\u000b", "\r", "\u001f", "_", "x", "_x", "_x00", "_x0041_", "_x005F_", "_xD800_", "0", "1", "A", "F", "g",
                "æ", "\uD83D", "\uDE00", "\uD83D\uDE00", "\uFFFE", "\uFFFF", "\u007f")
            .ArrayOf().Select(pieces => string.Concat(pieces));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var escaped = ExportText.ToSpreadsheet(text);
            var roundTrip = ExportText.FromSpreadsheet(escaped) == text;
            return roundTrip && XmlCanCarry(escaped);
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>The first worksheet's XML as stored in the package.</summary>
    private static string SheetXml(byte[] workbook)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(workbook));
        var entry = zip.Entries.First(e => e.FullName.Contains("worksheets/", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    /// <summary>XML 1.0's Char: tab, line breaks, U+0020–U+D7FF, U+E000–U+FFFD and surrogate pairs.</summary>
    private static bool XmlCanCarry(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!(c is '\t' or '\n' or '\r' || (c >= ' ' && c <= '\uD7FF') || (c >= '\uE000' && c <= '\uFFFD')))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void A_workbook_with_such_text_in_its_title_cells_and_notes_opens_and_reads_back()
    {
        var text = "A\u0001B _x0042_ \uD83D\uDE00 \uD800 end";
        var document = new ReportDocument("test", text, 2014, 1, null, new LocalDate(2014, 3, 31), ReportDocument.Kroner,
            [new ReportTable(text, [new ReportColumn("name", text, ColumnKind.Text), new ReportColumn("amount", "Beløb", ColumnKind.Amount)],
                [new ReportRow(RowKind.Detail, [new ReportCell(text, null), new ReportCell(null, 12.5m)])], [text])], [text]);

        var sheets = XlsxRenderer.Read(XlsxRenderer.Render(document));

        sheets.Single().Rows[0][0].Should().Be(text);
        sheets.Single().Rows[1].Should().Equal(text, "12.5");
        sheets.Single().Rows[^1].Should().Equal(text);
        HtmlRenderer.Render(document).Should().Contain("A\uFFFDB _x0042_ &#128512; \uFFFD end", "a pair is a character; a lone half shows as U+FFFD").And.NotContain("\u0001");
    }
}

using System.Net;
using System.Text;
using Budget.Reports;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Budget.Api.Tests;

/// <summary>Contract §7 "Exports": text that a spreadsheet would run as a formula is defused in CSV and kept as text in XLSX.</summary>
public sealed class ReportExportTests : IDisposable
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";
    private const string Hyperlink = "=HYPERLINK(\"http://x\",\"y\")";

    // Its own database: the demo year plus an account whose texts look like formulas.
    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private readonly HttpClient client;

    public ReportExportTests() => client = factory.CreateClient();

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+29 helårspersoner", "'+29 helårspersoner")]
    [InlineData("-3 helårspersoner", "'-3 helårspersoner")]
    [InlineData("@SUM(1)", "'@SUM(1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("Kontanthjælp", "Kontanthjælp")]
    [InlineData("Kontanthjælp = 80 %", "Kontanthjælp = 80 %")]
    [InlineData("'=1", "'=1")]
    [InlineData("", "")]
    public void A_text_that_starts_like_a_formula_gets_a_leading_apostrophe(string text, string expected)
    {
        CsvCell.Defuse(text).Should().Be(expected);
    }

    [Fact]
    public void A_text_field_is_defused_before_it_is_quoted()
    {
        CsvCell.Text(Hyperlink).Should().Be("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        CsvCell.Text("-a;b").Should().Be("\"'-a;b\"");
        CsvCell.Text(null).Should().Be("");
    }

    private async Task ImportDemoWithFormulaTexts()
    {
        string Demo(string name) => File.ReadAllText(Path.Combine(Http.RepositoryRoot(), "data", "demo", name + ".csv"));
        var files = new[] { "accounts", "movements", "postings", "estimates", "rounds", "settings" }.ToDictionary(n => n, Demo);
        files["accounts"] += $"{Committee},Beskæftigelse,5.57.99,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@SUM(1),drift,\n";
        files["movements"] += "5.57.99,original_budget,-12345.67,2013-10-09,Budget 2014,Kommunalbestyrelsen\n";
        files["estimates"] += "1,5.57.99,-20000,-3 helårspersoner,-1000,0,0,0\n";

        var import = await client.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(files.Select(f => (f.Key, f.Value)).ToArray()));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
    }

    private async Task<(string Raw, IReadOnlyList<string[]> Records)> Csv(string kind, string query)
    {
        var response = await client.GetAsync($"/api/budget-years/2014/reports/{kind}?round=1&unit=kr&format=csv{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        return (text, CsvRecords.Parse(text));
    }

    [Fact]
    public async Task Csv_reports_defuse_formula_text_and_keep_negative_amounts_as_numbers()
    {
        await ImportDemoWithFormulaTexts();

        var accounts = await Csv("area-accounts", "");
        var groups = await Csv("committee-table", $"&committee={Uri.EscapeDataString(Committee)}");

        accounts.Records.Single(r => r[0] == "5.57.99").Should().Equal(
            "5.57.99", "'" + Hyperlink, "-12345,67", "-7654,33", "-1000,00", "0,00", "0,00", "0,00", "'-3 helårspersoner");
        accounts.Raw.Should().Contain(";\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";-12345,67;-7654,33;-1000,00;");
        accounts.Records.Single(r => r[0] == "5.57.78")[^1].Should().StartWith("'+29 helårspersoner på dagpenge");
        accounts.Records.SelectMany(r => r).Should().NotContain(f => f.StartsWith('=') || f.StartsWith('+') || f.StartsWith('@'));
        var group = groups.Records.Single(r => r[0] == "'@SUM(1)");
        group.Skip(1).Select(f => decimal.TryParse(f.Replace(',', '.'), System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out _))
            .Should().AllBeEquivalentTo(true, "the amounts of the group's row are plain numbers");
        group[1].Should().Be("-12345,67");
    }

    [Fact]
    public async Task Xlsx_reports_keep_formula_looking_text_as_inline_strings_without_formulas()
    {
        await ImportDemoWithFormulaTexts();

        var xlsx = await client.GetByteArrayAsync("/api/budget-years/2014/reports/area-accounts?round=1&unit=kr&format=xlsx");

        using var package = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var cells = package.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<Cell>()).ToArray();
        var hyperlink = cells.Single(c => c.InnerText == Hyperlink);
        hyperlink.DataType!.Value.Should().Be(CellValues.InlineString);
        hyperlink.CellFormula.Should().BeNull();
        cells.Should().ContainSingle(c => c.InnerText == "-3 helårspersoner").Which.DataType!.Value.Should().Be(CellValues.InlineString);
        cells.Should().Contain(c => c.InnerText.StartsWith("+29 helårspersoner", StringComparison.Ordinal), "XLSX keeps the text as it is, without the apostrophe");
        cells.Should().NotContain(c => c.CellFormula != null);
        package.WorkbookPart.SharedStringTablePart.Should().BeNull("text is written inline");
    }
}

/// <summary>Splits <c>;</c>-separated CSV into records, undoing the quoting (a quoted field may hold <c>;</c>, <c>""</c> and line breaks).</summary>
internal static class CsvRecords
{
    public static IReadOnlyList<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ';')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }
}

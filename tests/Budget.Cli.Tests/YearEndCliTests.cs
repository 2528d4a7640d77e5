using Budget.Cli;

namespace Budget.Cli.Tests;

/// <summary>
/// <c>budget close</c> and <c>budget carry-overs</c> on a real database (SQLite, or PostgreSQL with
/// BUDGET_TEST_PROVIDER=postgres), on the demo year 2014 and the example carry-over policies.
/// </summary>
public sealed class YearEndCliTests : CliDatabaseTests
{
    [Fact]
    public async Task Close_closes_once_and_the_carry_over_case_reads_the_closed_accounts()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);

        var closed = await Cli("close", "--year", "2014", "--on", "2015-02-27");
        var again = await Cli("close", "--year", "2014", "--on", "2015-03-02");
        var csv = await Cli("carry-overs", "--year", "2014", "--by", "activity-area", "--format", "csv");
        var table = await Cli("carry-overs", "--year", "2014");

        closed.Exit.Should().Be(BudgetCli.Ok, closed.Error);
        closed.Out.Should().Be("Closed 2014 on 2015-02-27: its postings, estimates and rounds are final." + Environment.NewLine);
        again.Exit.Should().Be(BudgetCli.InvalidData);
        again.Error.Trim().Should().Be("Budget year 2014 was closed on 2015-02-27; a closed year stays closed.");
        csv.Exit.Should().Be(BudgetCli.Ok, csv.Error);
        var lines = csv.Out.Split("\r\n");
        lines[0].Should().Be("Overførselssag 2014");
        lines.Should().Contain("Overførsler fra 2014 til 2015 pr. 27-02-2015 (kr.)");
        // Erhverv (6.48.67, drift, service): corrected 2.150.000 (a technical reallocation), the demo's postings of the
        // year 3.350.000: an overspend of 1.200.000, beyond the band of ±5 % (107.500): minus the cap is carried.
        lines.Should().Contain("Erhvervs- og Beskæftigelsesudvalget;Erhverv;;;2150000,00;3350000,00;1200000,00;Drift: over- og underskud inden for ±5 %;100,0;5,0;-107500,00;begrænset af loftet");
        table.Exit.Should().Be(BudgetCli.Ok, table.Error);
        table.Out.Should().Contain("Overførsler fra 2014 til 2015 pr. 27-02-2015 (regnskabet er afsluttet, kr.)")
            .And.Contain("Erhvervs- og Beskæftigelsesudvalget / Erhverv / 6.48.67 Erhverv").And.Contain("-107.500,00").And.Contain("efter beslutning");
    }

    [Theory]
    [InlineData(BudgetCli.Usage, "close", "--year", "2014", "--on", "27.02.2015")]
    [InlineData(BudgetCli.Usage, "close", "--year", "2014")]
    [InlineData(BudgetCli.Usage, "carry-overs", "--year", "2014", "--by", "group")]
    [InlineData(BudgetCli.InvalidData, "close", "--year", "2031", "--on", "2032-01-15")]
    [InlineData(BudgetCli.InvalidData, "carry-overs", "--year", "2031")]
    [InlineData(BudgetCli.InvalidData, "close", "--year", "2014", "--on", "2014-12-30")]
    public async Task Bad_arguments_exit_2_and_refused_data_exits_1(int exit, params string[] args)
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);

        var result = await Cli(args);

        result.Exit.Should().Be(exit, result.Error);
        result.Error.Should().NotBeEmpty().And.NotContain("   at ");
    }

    [Fact]
    public async Task The_carry_overs_write_an_xlsx_file()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        var file = Path.Combine(Folder, "carry-overs.xlsx");

        var result = await Cli("carry-overs", "--year", "2014", "--format", "xlsx", "--output", file);

        result.Exit.Should().Be(BudgetCli.Ok, result.Error);
        var sheet = Budget.Reports.XlsxRenderer.Read(File.ReadAllBytes(file)).Single();
        sheet.Rows[0].Should().Equal("Udvalg", "Aktivitetsområde", "Konto", "Kontonavn", "Korrigeret budget", "Regnskab", "Resultat", "Overførselsregel", "Andel pct.", "Loft pct.", "Foreslået overførsel", "Bemærkning");
        sheet.Rows.Skip(1).Count(r => r.Count > 2 && r[2].Length > 0).Should().Be(23, "one row per account of the demo year");
    }
}

using Budget.Cli;

namespace Budget.Cli.Tests;

/// <summary>
/// <c>budget cases import</c> and <c>budget cases report</c> on a real database (SQLite file, or PostgreSQL with
/// BUDGET_TEST_PROVIDER=postgres): the demo year, a CSV of case rows, the catalogue printed in thousands.
/// </summary>
public sealed class CaseCliTests : CliDatabaseTests
{
    private string Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Two proposals of a savings catalogue and a cash-neutral case financed half and half, on demo accounts.</summary>
    private const string Cases = """
        reference,title,kind,account,budget_year,out_year_1,out_year_2,out_year_3,annual,from,to,share,permanent,cash_neutral,catalogue,classification
        SK-1,Jobkonsulenter frem for kontanthjælp,line,5.68.90,100000,200000,200000,200000,,,,,true,false,Sparekatalog 2014,
        SK-1,,line,5.57.73,,,,,-600000,2014-07-01,,,,,,
        SK-2,Færre konsulentydelser,line,6.48.67,-50000,-50000,-50000,-50000,,,,,false,false,Sparekatalog 2014,
        BS-1,Omplacering,line,5.68.90,1000.01,1000,1000,1000,,,,,true,true,,
        BS-1,,financing,6.48.67,,,,,,,,0.5,,,,
        BS-1,,financing,5.46.60,,,,,,,,0.5,,,,
        """;

    /// <summary>
    /// The audit trail's JSON of the CLI's writes is the JSON it was when it was serialised by reflection: the published
    /// CLI is compiled ahead of time and writes it from declared types (decision 0034). These strings were read from a
    /// database the CLI of 3-12-2026 (before that decision) wrote.
    /// </summary>
    [Fact]
    public async Task Cases_import_and_close_keep_the_audit_json_they_had()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        (await Cli("cases", "import", Write("cases.csv", Cases), "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        (await Cli("close", "--year", "2014", "--on", "2015-02-27")).Exit.Should().Be(BudgetCli.Ok);

        using var store = Budget.Data.BudgetStores.Create(Provider, Connection, NodaTime.SystemClock.Instance);
        var trail = (await store.Audit(2014, null, null, null, CancellationToken.None)).Select(r => r.Entry).ToArray();

        trail.Select(e => e.Action).Should().Equal("dataset.import", "case.create", "case.create", "case.create", "year.close");
        trail[1].After.Should().Be("""{"reference":"SK-1","title":"Jobkonsulenter frem for kontanthj\u00E6lp","permanent":true,"cashNeutral":false,"catalogue":"Sparekatalog 2014","priceLevel":2014,"years":[2014,2015,2016,2017],"rows":[{"kind":"line","account":"5.68.90","amounts":[100000,200000,200000,200000],"classification":null,"annual":null,"from":null,"to":null,"share":null},{"kind":"line","account":"5.57.73","amounts":[-300000,-600000,-600000,-600000],"classification":null,"annual":-600000,"from":"2014-07-01","to":null,"share":null}]}""");
        trail[3].After.Should().Be("""{"reference":"BS-1","title":"Omplacering","permanent":true,"cashNeutral":true,"catalogue":null,"priceLevel":2014,"years":[2014,2015,2016,2017],"rows":[{"kind":"line","account":"5.68.90","amounts":[1000.01,1000,1000,1000],"classification":null,"annual":null,"from":null,"to":null,"share":null},{"kind":"financing","account":"6.48.67","amounts":[-500.01,-500,-500,-500],"classification":null,"annual":null,"from":null,"to":null,"share":0.5},{"kind":"financing","account":"5.46.60","amounts":[-500,-500,-500,-500],"classification":null,"annual":null,"from":null,"to":null,"share":0.5}]}""");
        trail[1].Before.Should().BeNull();
        trail[4].Before.Should().Be("""{"state":"open"}""");
        trail[4].After.Should().Be("""{"state":"closed","closedOn":"2015-02-27"}""");
    }

    [Fact]
    public async Task Cases_imported_from_csv_print_as_a_catalogue_in_thousands_with_kept_totals()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);

        var import = await Cli("cases", "import", Write("cases.csv", Cases), "--year", "2014");
        var report = await Cli("cases", "report", "--year", "2014", "--catalogue", "Sparekatalog 2014", "--format", "csv", "--unit", "thousands", "--keep-totals");
        var one = await Cli("cases", "report", "--year", "2014", "--case", "3", "--format", "csv");

        import.Exit.Should().Be(BudgetCli.Ok, import.Error);
        import.Out.Should().Be("Imported into 2014: 3 case(s), ids 1, 2, 3." + Environment.NewLine);
        report.Exit.Should().Be(BudgetCli.Ok, report.Error);
        var lines = report.Out.Split("\r\n");
        lines[0].Should().Be("Sparekatalog: Sparekatalog 2014");
        lines.Should().ContainInOrder(
            "Sag;2014;2015;2016;2017",
            "SK-1: Jobkonsulenter frem for kontanthjælp;-200;-400;-400;-400",
            "SK-2: Færre konsulentydelser;-50;-50;-50;-50",
            "Netto;-250;-450;-450;-450",
            "Klasse;2014;2015;2016;2017",
            "Serviceudgifter;50;150;150;150",
            "Overførsler;-300;-600;-600;-600",
            "Indtægter;0;0;0;0",
            "Engangsudgifter;0;0;0;0",
            "Netto;-250;-450;-450;-450");
        // The financing of 1.000,01 kr. half and half: −500,01 to the earlier row (a tie), −500,00 to the other.
        one.Out.Split("\r\n").Should().ContainInOrder(
            "Linje;5.68.90;Driftsudgifter beskæftigelsesindsats;1000,01;1000,00;1000,00;1000,00",
            "Finansiering;6.48.67;Erhverv;-500,01;-500,00;-500,00;-500,00",
            "Finansiering;5.46.60;Integrationsprogram;-500,00;-500,00;-500,00;-500,00",
            "I alt;;;0,00;0,00;0,00;0,00");
    }

    [Fact]
    public async Task A_bad_case_file_imports_nothing_and_names_each_line_and_column()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        var file = Write("bad.csv", """
            reference,title,kind,account,budget_year,out_year_1,out_year_2,out_year_3,permanent,cash_neutral
            OK-1,Fin,line,5.68.90,1,1,1,1,true,false
            BS-1,Ubalanceret,line,5.68.90,1000,1000,1000,1000,true,true
            BS-2,Ukendt konto,line,9.99.99,1,1,1,1,false,false
            """);

        var import = await Cli("cases", "import", file, "--year", "2014");
        var bad = await Cli("cases", "import", Write("worse.csv", "reference,kind,account,budget_year\nX,gift,5.68.90,1.5.5\n"), "--year", "2014");
        var report = await Cli("cases", "report", "--year", "2014");

        import.Exit.Should().Be(BudgetCli.InvalidData);
        import.Error.Should().Contain("cases.csv line 3, cash_neutral: case 'BS-1': The case is marked cash-neutral, but lines and financing add up to 1.000,00 kr. in 2014");
        import.Error.Should().Contain("cases.csv line 4, account: Account '9.99.99' does not exist in 2014.");
        bad.Exit.Should().Be(BudgetCli.InvalidData);
        bad.Error.Should().Contain("cases.csv line 2, kind: 'gift' is not a row kind (line or financing)");
        report.Exit.Should().Be(BudgetCli.Ok);
        report.Out.Should().Contain("Netto").And.NotContain("OK-1", "nothing of the refused file was stored");
    }
}

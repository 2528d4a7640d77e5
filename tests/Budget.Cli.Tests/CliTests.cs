using Budget.Cli;

namespace Budget.Cli.Tests;

/// <summary>
/// The command-line tool run in-process on a real database: a SQLite file, or (BUDGET_TEST_PROVIDER=postgres) a fresh
/// database on the server of BUDGET_TEST_POSTGRES.
/// </summary>
public sealed class CliTests : CliDatabaseTests
{
    [Fact]
    public async Task Importing_the_demo_and_reading_the_report_back_gives_the_published_committee_figures()
    {
        var import = await Cli("import", Demo, "--year", "2014");
        var table = await Cli("report", "--year", "2014", "--round", "1", "--by", "activity-area");
        var csvFile = Path.Combine(Folder, "report.csv");
        var csv = await Cli("report", "--year", "2014", "--round", "1", "--by", "committee", "--format", "csv", "--output", csvFile);

        import.Exit.Should().Be(BudgetCli.Ok, import.Error);
        import.Out.Should().StartWith("Imported into 2014: 23 accounts, 32 movements, 138 postings, 23 estimates");
        table.Exit.Should().Be(BudgetCli.Ok);
        // Published (domain.md §5), 1.000 kr.: Beskæftigelse corrected 292.917, estimate 287.892, variance −5.025 … the
        // demo's areas differ (decision 0002), the committee total does not.
        table.Out.Should().Contain("│ I alt ").And.Contain("460.182").And.Contain("463.747").And.Contain("458.722").And.Contain("-5.025").And.Contain("18,2");
        csv.Exit.Should().Be(BudgetCli.Ok);
        var bytes = await File.ReadAllBytesAsync(csvFile);
        bytes[..3].Should().Equal(0xEF, 0xBB, 0xBF);
        (await File.ReadAllLinesAsync(csvFile)).Should().Equal(
            "Budgetopfølgning 2014, 1. runde",
            "",
            "Pr. 31-03-2014 (kr.)",
            "Udvalg;Aktivitetsområde;Gruppe;Konto;Kontonavn;Oprindeligt budget;Tillægsbevillinger;Korrigeret budget;Forbrug;Anslået regnskab;Afvigelse;Forbrug pct.",
            "Erhvervs- og Beskæftigelsesudvalget;;;;;460182000,00;3565000,00;463747000,00;84207000,00;458722000,00;-5025000,00;18,2",
            "I alt;;;;;460182000,00;3565000,00;463747000,00;84207000,00;458722000,00;-5025000,00;18,2");
    }

    [Fact]
    public async Task The_csv_report_defuses_text_that_starts_like_a_formula_and_keeps_negative_amounts_as_numbers()
    {
        var folder = DemoCopy("formulas");

        await File.AppendAllTextAsync(Path.Combine(folder, "accounts.csv"), "+Udvalg,Beskæftigelse,5.57.99,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@SUM(1),drift,\n");
        await File.AppendAllTextAsync(Path.Combine(folder, "movements.csv"), "5.57.99,original_budget,-12345.67,2013-10-09,Budget 2014,Kommunalbestyrelsen\n");
        await File.AppendAllTextAsync(Path.Combine(folder, "estimates.csv"), "1,5.57.99,-20000,-3 helårspersoner,-1000,0,0,0\n");
        (await Cli("import", folder, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        var csvFile = Path.Combine(Folder, "accounts.csv");

        var csv = await Cli("report", "--year", "2014", "--round", "1", "--by", "account", "--format", "csv", "--output", csvFile);
        var console = await Cli("report", "--year", "2014", "--round", "1", "--by", "committee", "--format", "csv");

        csv.Exit.Should().Be(BudgetCli.Ok, csv.Error);
        (await File.ReadAllLinesAsync(csvFile)).Should().Contain(
            "'+Udvalg;Beskæftigelse;'@SUM(1);5.57.99;\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";-12345,67;0,00;-12345,67;0,00;-20000,00;-7654,33;0,0");
        console.Out.Should().Contain(Environment.NewLine + "'+Udvalg;;;;;-12345,67;0,00;-12345,67;0,00;-20000,00;-7654,33;");
    }

    [Fact]
    public async Task An_import_that_fails_on_its_last_row_stores_nothing_and_exits_1_listing_the_error()
    {
        var folder = DemoCopy("dataset");

        var postings = Path.Combine(folder, "postings.csv");
        var lines = (await File.ReadAllLinesAsync(postings)).Length;
        await File.AppendAllTextAsync(postings, "5.57.73,2014-12-31,12.345\n");

        var import = await Cli("import", folder, "--year", "2014");
        var report = await Cli("report", "--year", "2014", "--round", "1");

        import.Exit.Should().Be(BudgetCli.InvalidData);
        import.Error.Should().Contain("Nothing was imported: 1 error(s).").And.Contain($"postings.csv line {lines + 1}, amount: ");
        report.Exit.Should().Be(BudgetCli.InvalidData);
        report.Error.Should().Contain("There is no budget year 2014");
    }

    [Fact]
    public async Task An_account_naming_a_benefit_the_rule_data_lacks_is_refused_with_the_benefits_it_has()
    {
        // The CLI loads the rule data only when an account names a benefit: this one must still be checked against it.
        var folder = DemoCopy("benefit");

        var accounts = Path.Combine(folder, "accounts.csv");
        var lines = (await File.ReadAllLinesAsync(accounts)).Length;
        await File.AppendAllTextAsync(accounts, "Erhvervs- og Beskæftigelsesudvalget,Beskæftigelse,5.57.98,Ny ydelse,Kontante ydelser,drift,borgerloen\n");

        var import = await Cli("import", folder, "--year", "2014");

        import.Exit.Should().Be(BudgetCli.InvalidData);
        import.Error.Should().Contain($"accounts.csv line {lines + 1}, refusion_benefit: 'borgerloen' is not a benefit of the refusion rule data (expected ")
            .And.Contain("kontanthjaelp");
    }

    [Theory]
    [InlineData("report", "--round", "1")]
    [InlineData("report", "--year", "2014", "--round", "4")]
    [InlineData("report", "--year", "2014", "--round", "1", "--by", "colour")]
    [InlineData("import")]
    [InlineData("launch")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var result = await Cli(args);

        result.Exit.Should().Be(BudgetCli.Usage);
        result.Error.Should().Contain("Usage: budget");
    }

    [Theory]
    [InlineData("", "import", "report", "migrate", "--help", "--version")]
    [InlineData("import", "<folder>", "--year", "--connection", "--provider", "--help", "--version")]
    [InlineData("report", "--year", "--round", "--by <account|activity-area|committee|group|block|municipality>", "[default: activity-area]", "--as-of", "--format", "--output", "--connection", "--provider")]
    [InlineData("migrate", "--connection", "--provider", "--help", "--version")]
    public async Task Help_exits_0_and_lists_the_commands_options(string command, params string[] listed)
    {
        string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];

        var result = await Bare(args);

        result.Exit.Should().Be(BudgetCli.Ok, result.Error);
        result.Error.Should().BeEmpty();
        result.Out.Should().Contain("Usage:" + Environment.NewLine + $"  budget {command}".TrimEnd());
        foreach (var text in listed)
        {
            result.Out.Should().Contain(text);
        }
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("import", "--version")]
    [InlineData("report", "--version")]
    [InlineData("migrate", "--version")]
    public async Task Version_exits_0_and_prints_the_tools_version(params string[] args)
    {
        var version = typeof(BudgetCli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

        var result = await Bare(args);

        result.Exit.Should().Be(BudgetCli.Ok, result.Error);
        result.Out.Should().Be(version + Environment.NewLine);
        version.Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Theory]
    [InlineData("--colour", "report", "--year", "2014", "--round", "1", "--colour", "red")]
    [InlineData("--help-me", "migrate", "--help-me")]
    [InlineData("--provider", "--provider", "sqlite")]
    public async Task An_unknown_option_exits_2_with_a_message_and_no_stack_trace(string unknown, params string[] args)
    {
        var result = await Bare(args);

        result.Exit.Should().Be(BudgetCli.Usage);
        result.Out.Should().BeEmpty();
        result.Error.Should().Contain($"Unrecognized command or argument '{unknown}'").And.Contain("Usage: budget")
            .And.NotContain("Exception").And.NotContain("   at ");
    }

    [Fact]
    public async Task The_postgres_provider_without_a_connection_is_a_usage_error()
    {
        var result = await Bare("migrate", "--provider", "postgres");

        result.Exit.Should().Be(BudgetCli.Usage);
        result.Error.Should().Be("--provider postgres needs --connection." + Environment.NewLine);
    }

    [Fact]
    public async Task Every_grouping_code_reports_at_its_own_level_and_no_by_means_activity_area()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        var rowsByCode = new Dictionary<string, string[]>();

        foreach (var code in Budget.Application.FollowUp.FollowUpGroupings.Codes)
        {
            var result = await Cli("report", "--year", "2014", "--round", "1", "--by", code, "--format", "csv");
            result.Exit.Should().Be(BudgetCli.Ok, $"--by {code}: {result.Error}");
            // Title, table title and header first, the total last.
            rowsByCode[code] = Lines(result.Out)[3..^1];
        }

        var unspecified = await Cli("report", "--year", "2014", "--round", "1", "--format", "csv");

        // The demo (data/demo/accounts.csv): 23 accounts, 3 activity areas, 1 committee, 6 groups, all in the drift block.
        rowsByCode.Should().HaveCount(6);
        rowsByCode.ToDictionary(r => r.Key, r => r.Value.Length).Should().Equal(new Dictionary<string, int>
        {
            ["account"] = 23, ["activity-area"] = 3, ["committee"] = 1, ["group"] = 6, ["block"] = 1, ["municipality"] = 1,
        });
        rowsByCode["account"].Should().Contain(r => r.Contains(";5.57.73;Kontanthjælp;", StringComparison.Ordinal));
        rowsByCode["committee"].Single().Should().StartWith("Erhvervs- og Beskæftigelsesudvalget;;;;;");
        rowsByCode["municipality"].Single().Should().StartWith(";;;;;460182000,00;");
        Lines(unspecified.Out)[3..^1].Should().Equal(rowsByCode["activity-area"]);
    }

    /// <summary>The non-blank lines of a CSV answer (the renderer ends lines with CR LF).</summary>
    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    [Theory]
    [InlineData("colour")]
    [InlineData("Committee")]
    [InlineData("")]
    public async Task An_unknown_grouping_code_is_a_usage_error_and_never_the_municipality(string code)
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);

        var result = await Cli("report", "--year", "2014", "--round", "1", "--by", code);

        result.Exit.Should().Be(BudgetCli.Usage);
        result.Out.Should().BeEmpty();
        result.Error.Should().StartWith($"--by must be one of account, activity-area, committee, group, block, municipality, not '{code}'.");
    }

    [Fact]
    public async Task The_report_can_be_written_as_a_workbook_whose_numbers_read_back()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        var file = Path.Combine(Folder, "report.xlsx");

        var result = await Cli("report", "--year", "2014", "--round", "1", "--by", "committee", "--format", "xlsx", "--output", file);

        result.Exit.Should().Be(BudgetCli.Ok, result.Error);
        var sheet = Budget.Reports.XlsxRenderer.Read(await File.ReadAllBytesAsync(file)).Single();
        sheet.Rows[1][0].Should().Be("Erhvervs- og Beskæftigelsesudvalget");
        sheet.Rows[1].Skip(5).Take(6).Should().Equal("460182000", "3565000", "463747000", "84207000", "458722000", "-5025000");
        (await Cli("report", "--year", "2014", "--round", "1", "--format", "xlsx")).Exit.Should().Be(BudgetCli.Usage);
    }

    /// <summary>
    /// The small version of the fault test (bench/kill-import.sh does 20 runs on 2 million rows): the importer is
    /// killed with SIGKILL in start-up and at points spread over a whole import's measured span after start-up, until
    /// a kill has landed in the middle of an import (at least three kills, at most nine); each time the database is
    /// intact and holds all of an import or none of it.
    /// </summary>
    [Fact]
    public async Task An_importer_killed_midway_leaves_the_database_intact_with_all_or_none_of_the_import()
    {
        (await Cli("import", Demo, "--year", "2014")).Exit.Should().Be(BudgetCli.Ok);
        var before = Postings();
        var folder = Path.Combine(Folder, "ledger");
        Directory.CreateDirectory(folder);
        // Enough postings that the import itself outlasts the variance of a process's start: since the days live in
        // the month rows (decision 0032) 300.000 postings on one account were written so fast that nine kills could
        // all miss the import on a busy CI machine.
        const int rows = 1_000_000;
        await using (var writer = new StreamWriter(Path.Combine(folder, "postings.csv")))
        {
            await writer.WriteLineAsync("account,posted_on,amount");
            for (var i = 0; i < rows; i++)
            {
                await writer.WriteLineAsync($"5.57.73,2014-{i % 12 + 1:00}-{i % 28 + 1:00},{i % 1000}.{i % 100:00}");
            }
        }

        // How long the tool takes to start and open the database: a kill later than that, while the process still
        // runs, lands in the import itself rather than in start-up.
        var startup = System.Diagnostics.Stopwatch.StartNew();
        using (var migrate = StartTool("migrate"))
        {
            await migrate.WaitForExitAsync();
            migrate.ExitCode.Should().Be(BudgetCli.Ok);
        }

        var startupTime = startup.Elapsed;

        // One whole import, timed: the kills after start-up are spread over the rest of its span, so that they land in
        // the import on a fast machine as on a slow one (fixed delays missed it once the import got faster).
        var whole = System.Diagnostics.Stopwatch.StartNew();
        using (var first = StartTool("import", folder, "--year", "2014"))
        {
            await first.WaitForExitAsync();
            first.ExitCode.Should().Be(BudgetCli.Ok);
        }

        var span = whole.Elapsed - startupTime;
        span = span < TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : span;
        Postings().Should().Be(before + rows);
        var imported = 1;
        var killedMidImport = 0;
        // Kills until one has landed mid-import (at most eleven): each process's start-up and speed vary on a shared machine.
        var kills = 0;
        foreach (var delay in new[] { 300, 0.3, 0.55, 0.8, 0.15, 0.05, 0.4, 0.65, 0.9, 0.1, 0.5 }.Select((f, i) => i == 0 ? TimeSpan.FromMilliseconds(f) : startupTime + (span * f)))
        {
            if (killedMidImport > 0 && kills >= 3)
            {
                break;
            }

            kills++;
            using var process = StartTool("import", folder, "--year", "2014");
            await Task.Delay(delay);
            var stillRunning = !process.HasExited;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();

            AssertIntact();
            Scalar("SELECT COALESCE(SUM(cumulative_ore), 0) FROM posting_month WHERE month = 12").Should()
                .Be(Scalar("SELECT COALESCE(SUM(amount_ore), 0) FROM posting_day"), "the month totals move with the day sums, in the same transaction");
            var count = Postings();
            count.Should().BeOneOf([before + imported * rows, before + (imported + 1) * rows], $"killed after {delay.TotalMilliseconds:0} ms");
            var completed = count == before + (imported + 1) * rows;
            if (stillRunning && !completed && delay > startupTime)
            {
                killedMidImport++;
            }

            imported = (int)((count - before) / rows);
        }

        killedMidImport.Should().BePositive($"a kill after start-up ({startupTime.TotalMilliseconds:0} ms) and before the import ended must land mid-import at least once, or the test showed nothing");
    }

    private System.Diagnostics.Process StartTool(params string[] args) =>
        System.Diagnostics.Process.Start(ToolProcess([.. args, "--connection", Connection, "--provider", Provider]))!;

    private long Postings() => Scalar("SELECT COALESCE(SUM(posting_count), 0) FROM posting_day");

    private void AssertIntact()
    {
        if (Provider == "sqlite")
        {
            ScalarText("PRAGMA integrity_check").Should().Be("ok");
            return;
        }

        // amcheck: bt_index_check raises an error (and fails the test) on a B-tree index that disagrees with its table;
        // the count shows the indexes were checked at all. LATERAL keeps the volatile call from being optimised away.
        Query("CREATE EXTENSION IF NOT EXISTS amcheck");
        Scalar("""
            SELECT count(*)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL (SELECT bt_index_check(c.oid, true)) AS checked
            WHERE a.amname = 'btree' AND n.nspname = 'public' AND i.indisvalid
            """).Should().BePositive("every B-tree index of the schema is checked");
    }

    private long Scalar(string sql) => Convert.ToInt64(Query(sql), System.Globalization.CultureInfo.InvariantCulture);

    private string ScalarText(string sql) => Query(sql) is { } value and not DBNull
        ? value.ToString()!
        : throw new InvalidOperationException($"No value from: {sql}");

    private object? Query(string sql)
    {
        System.Data.Common.DbConnection c = Provider == "sqlite" ? new Microsoft.Data.Sqlite.SqliteConnection(Connection) : new Npgsql.NpgsqlConnection(Connection);
        using (c)
        {
            c.Open();
            using var command = c.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }
    }

    [Fact]
    public async Task Migrate_creates_the_schema_and_can_run_twice()
    {
        (await Cli("migrate")).Exit.Should().Be(BudgetCli.Ok);
        (await Cli("migrate")).Out.Should().Be("The database is up to date." + Environment.NewLine);
    }
}

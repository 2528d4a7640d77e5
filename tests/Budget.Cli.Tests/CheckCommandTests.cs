using System.Text;
using Budget.Cli;

namespace Budget.Cli.Tests;

/// <summary><c>budget check FILE [--relation …] [--exact]</c>: exit 0 clean, 1 findings, 2 unreadable; no database involved.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "budget-check-tests", Guid.NewGuid().ToString("N"));

    public CheckCommandTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // domain.md §5's summary table as the paper printed it: the 43.365 typo, the Erhverv row forgotten.
    private const string Printed = """
        Gruppe;Oprindeligt budget;Korrigeret budget;Anslået regnskab;Afvigelse;Afvigelse ift. oprindeligt
        Tilbud til udlændinge;6.737;6.737;6.781;44;44
        Førtidspensioner og personlige tillæg;123.707;123.649;119.649;-4.000;-4.058
        Kontante ydelser;236.748;238.660;235.645;-3.015;-1.103
        Revalidering m.v.;50.132;49.132;49.132;0;-1.000
        Arbejdsmarkedsforanstaltninger;42.859;43.419;43.365;1.946;2.506
        I alt;460.182;463.747;458.722;-5.025;-1.460
        """;

    private const string Variance = "Afvigelse=Anslået regnskab-Korrigeret budget";

    private string File(string name, string content)
    {
        var path = Path.Combine(directory, name);
        System.IO.File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return path;
    }

    /// <summary>The tool in-process, or the published program (BUDGET_TEST_CLI), as every CLI test runs it.</summary>
    private static Task<(int Exit, string Out, string Error)> Budget(params string[] args) => CliDatabaseTests.Tool(args);

    [Fact]
    public async Task Findings_are_listed_cell_by_cell_and_exit_1()
    {
        var (exit, output, error) = await Budget("check", File("printed.csv", Printed), "--relation", Variance, "--relation", "Afvigelse ift. oprindeligt=Anslået regnskab-Oprindeligt budget");

        exit.Should().Be(CheckCommand.Findings, error);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Should().Equal(
            "printed.csv: 5 finding(s) (6 rows, 5 figure columns, Danish numbers):",
            "line 6 'Arbejdsmarkedsforanstaltninger', Afvigelse: printed 1.946, computed -54, difference 2.000 (Afvigelse=Anslået regnskab-Korrigeret budget; rounding allows 1)",
            "line 6 'Arbejdsmarkedsforanstaltninger', Afvigelse ift. oprindeligt: printed 2.506, computed 506, difference 2.000 (Afvigelse ift. oprindeligt=Anslået regnskab-Oprindeligt budget; rounding allows 1)",
            "line 7 'I alt', Korrigeret budget: printed 463.747, computed 461.597, difference 2.150 (sum of 5 rows (lines 2–6); rounding allows 2)",
            "line 7 'I alt', Anslået regnskab: printed 458.722, computed 454.572, difference 4.150 (sum of 5 rows (lines 2–6); rounding allows 2)",
            "line 7 'I alt', Afvigelse ift. oprindeligt: printed -1.460, computed -3.611, difference 2.151 (sum of 5 rows (lines 2–6); rounding allows 2)");
    }

    [Fact]
    public async Task A_consistent_table_exits_0_and_rounding_within_the_parts_is_no_finding()
    {
        var corrected = Printed.Replace("43.365", "45.365", StringComparison.Ordinal).Replace("I alt;", "Erhverv;0;2.150;2.150;0;2.150\nI alt;", StringComparison.Ordinal);
        var path = File("corrected.csv", corrected);

        var rounded = await Budget("check", path, "--relation", Variance);
        var exact = await Budget("check", path, "--relation", Variance, "--exact");

        rounded.Exit.Should().Be(CheckCommand.Clean, rounded.Error);
        rounded.Out.Should().Be($"corrected.csv: no findings (7 rows, 5 figure columns, Danish numbers).{Environment.NewLine}");
        exact.Exit.Should().Be(CheckCommand.Findings, "exact: the totals one off (460.183 under 460.182) are findings");
        exact.Out.Should().Contain("Oprindeligt budget: printed 460.182, computed 460.183, difference -1 (sum of 6 rows (lines 2–7); rounding allows 0)");
    }

    [Fact]
    public async Task A_plain_table_reads_points_as_decimals()
    {
        var path = File("plain.csv", "Område,Budget,Regnskab,Resultat\nA,100.5,90.25,-10.25\nI alt,100.5,90.25,-10.20\n");

        var (exit, output, _) = await Budget("check", path, "--relation", "Resultat=Regnskab-Budget", "--exact");

        exit.Should().Be(CheckCommand.Findings);
        output.Should().Contain("line 3 'I alt', Resultat: printed -10.20, computed -10.25, difference 0.05 (Resultat=Regnskab-Budget; rounding allows 0)");
    }

    [Theory]
    [InlineData("Gruppe;Beløb\nA;1\nB;to\n", "line 3, Beløb: 'to' is not a number")]
    [InlineData("Gruppe;Beløb\n", "line 1: the table has a header but no rows")]
    public async Task A_table_that_cannot_be_read_exits_2_with_the_line(string content, string message)
    {
        var (exit, output, error) = await Budget("check", File("bad.csv", content));

        exit.Should().Be(CheckCommand.Unreadable);
        output.Should().BeEmpty();
        error.Should().Contain("bad.csv " + message);
    }

    [Fact]
    public async Task A_missing_file_a_file_too_large_and_a_relation_naming_no_header_exit_2()
    {
        var missing = await Budget("check", Path.Combine(directory, "none.csv"));
        var large = File("large.csv", "G;B\n" + new string('x', 1024 * 1024));
        var tooLarge = await Budget("check", large);
        var relation = await Budget("check", File("printed.csv", Printed), "--relation", "Afvigelse=Anslået-Korrigeret");
        var usage = await Budget("check");

        missing.Exit.Should().Be(CheckCommand.Unreadable);
        missing.Error.Should().Contain("none.csv cannot be read");
        tooLarge.Exit.Should().Be(CheckCommand.Unreadable);
        tooLarge.Error.Should().Contain("larger than 1048576 bytes");
        relation.Exit.Should().Be(CheckCommand.Unreadable);
        relation.Error.Should().Contain("'Anslået-Korrigeret' in 'Afvigelse=Anslået-Korrigeret' does not begin with a column header");
        usage.Exit.Should().Be(BudgetCli.Usage);
    }
}

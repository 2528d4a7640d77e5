using Budget.Domain.Reporting;

namespace Budget.Domain.Tests;

public class PrintedTableCheckTests
{
    // The committee paper's summary table (domain.md §5), 1.000 kr.: original, corrected, estimate, variance to
    // corrected, variance to original. Variance columns as they follow from the correct estimates.
    private static readonly PrintedRow Foreigners = new("Tilbud til udlændinge", 6_737, 6_737, 6_781, 44, 44);
    private static readonly PrintedRow Pensions = new("Førtidspensioner og personlige tillæg", 123_707, 123_649, 119_649, -4_000, -4_058);
    private static readonly PrintedRow Cash = new("Kontante ydelser", 236_748, 238_660, 235_645, -3_015, -1_103);
    private static readonly PrintedRow Rehabilitation = new("Revalidering m.v.", 50_132, 49_132, 49_132, 0, -1_000);
    private static readonly PrintedRow LabourMarket = new("Arbejdsmarkedsforanstaltninger", 42_859, 43_419, 45_365, 1_946, 2_506);
    private static readonly PrintedRow Business = new("Erhverv", 0, 2_150, 2_150, 0, 2_150);
    private static readonly PrintedRow Total = new("I alt", 460_182, 463_747, 458_722, -5_025, -1_460);

    [Fact]
    public void The_table_as_printed_flags_the_labour_market_typo_and_the_totals_missing_the_business_row()
    {
        var asPrinted = new[] { Foreigners, Pensions, Cash, Rehabilitation, LabourMarket with { Estimate = 43_365 } };

        var errors = PrintedTableCheck.Errors(asPrinted, Total);

        errors.Select(e => (e.Row, e.Column, e.Difference)).Should().BeEquivalentTo(new[]
        {
            ("Arbejdsmarkedsforanstaltninger", PrintedColumn.VarianceToCorrected, 2_000m),
            ("Arbejdsmarkedsforanstaltninger", PrintedColumn.VarianceToOriginal, 2_000m),
            ("I alt", PrintedColumn.CorrectedBudget, 2_150m),
            ("I alt", PrintedColumn.Estimate, 4_150m),
            ("I alt", PrintedColumn.VarianceToOriginal, 2_151m),
        });
        var typo = errors.First(e => e.Column == PrintedColumn.VarianceToCorrected);
        typo.Expected.Should().Be(-54m, "43.365 − 43.419");
        typo.Rule.Should().Be("estimate − corrected budget");
    }

    [Fact]
    public void The_corrected_table_has_only_rounding_differences_within_tolerance()
    {
        var corrected = new[] { Foreigners, Pensions, Cash, Rehabilitation, LabourMarket, Business };

        var findings = PrintedTableCheck.Check(corrected, Total);

        PrintedTableCheck.Errors(corrected, Total).Should().BeEmpty();
        findings.Select(f => (f.Row, f.Column, f.Difference, f.Tolerance)).Should().BeEquivalentTo(new[]
        {
            ("I alt", PrintedColumn.OriginalBudget, -1m, 3m),
            ("I alt", PrintedColumn.VarianceToOriginal, 1m, 3m),
        });
    }

    [Fact]
    public void A_variance_one_off_is_rounding_and_two_off_is_an_error()
    {
        var rows = new[] { new PrintedRow("A", null, 100, 106, 5, null), new PrintedRow("B", null, 100, 106, 4, null) };
        var total = new PrintedRow("I alt", null, 200, 212, 9, null);

        var findings = PrintedTableCheck.Check(rows, total);

        findings.Should().HaveCount(3);
        findings.Single(f => f.Row == "A").WithinTolerance.Should().BeTrue();
        findings.Single(f => f.Row == "B").WithinTolerance.Should().BeFalse();
        findings.Single(f => f.Row == "I alt" && f.Rule == "estimate − corrected budget").Difference.Should().Be(-3m);
    }
}

namespace Budget.Domain.Reporting;

/// <summary>A column of a printed committee table.</summary>
public enum PrintedColumn
{
    OriginalBudget,
    CorrectedBudget,
    Estimate,
    VarianceToCorrected,
    VarianceToOriginal,
}

/// <summary>
/// One row of a printed table as read from a committee paper, in the paper's unit (usually 1.000 kr.).
/// A column the paper does not print is null.
/// </summary>
public sealed record PrintedRow(
    string Label,
    decimal? OriginalBudget,
    decimal? CorrectedBudget,
    decimal? Estimate,
    decimal? VarianceToCorrected,
    decimal? VarianceToOriginal)
{
    public decimal? this[PrintedColumn column] => column switch
    {
        PrintedColumn.OriginalBudget => OriginalBudget,
        PrintedColumn.CorrectedBudget => CorrectedBudget,
        PrintedColumn.Estimate => Estimate,
        PrintedColumn.VarianceToCorrected => VarianceToCorrected,
        PrintedColumn.VarianceToOriginal => VarianceToOriginal,
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}

/// <summary>
/// A cell that does not follow from the others: what is printed, what the other cells give, the difference
/// (printed − expected) and the tolerance that rounding of the printed figures explains.
/// </summary>
public sealed record PrintedTableFinding(string Row, PrintedColumn Column, string Rule, decimal Printed, decimal Expected, decimal Tolerance)
{
    public decimal Difference => Printed - Expected;

    /// <summary>True when rounding of the printed figures can explain the difference.</summary>
    public bool WithinTolerance => Math.Abs(Difference) <= Tolerance;
}

/// <summary>
/// Checks a printed table (rows plus a total row) for cells that do not follow from the others: a variance that is
/// not estimate − corrected budget (or estimate − original budget), and a total that is not the sum of its rows.
/// Every figure of a printed table is rounded on its own, so a difference up to the tolerance is rounding; beyond
/// it the cell is wrong (a typo, a forgotten row).
/// </summary>
public static class PrintedTableCheck
{
    /// <summary>Every cell that differs from what the others give, within tolerance or not.</summary>
    public static IReadOnlyList<PrintedTableFinding> Check(IReadOnlyList<PrintedRow> rows, PrintedRow total)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(total);
        var findings = new List<PrintedTableFinding>();
        foreach (var row in rows.Append(total))
        {
            // Two independently rounded figures each carry up to ½ unit of rounding: their difference up to 1.
            AddIfDifferent(findings, row.Label, PrintedColumn.VarianceToCorrected, "estimate − corrected budget",
                row.VarianceToCorrected, row.Estimate - row.CorrectedBudget, tolerance: 1m);
            AddIfDifferent(findings, row.Label, PrintedColumn.VarianceToOriginal, "estimate − original budget",
                row.VarianceToOriginal, row.Estimate - row.OriginalBudget, tolerance: 1m);
        }

        foreach (var column in Enum.GetValues<PrintedColumn>())
        {
            var printedRows = rows.Select(r => r[column]).ToArray();
            if (printedRows.Any(v => v is null))
            {
                continue;
            }

            // n rounded rows and a rounded total: the sum can be off by less than (n + 1)/2 units; as whole units, n/2 rounded down.
            AddIfDifferent(findings, total.Label, column, "sum of the rows", total[column], printedRows.Sum(v => v!.Value),
                tolerance: Math.Floor(rows.Count / 2m));
        }

        return findings;
    }

    /// <summary>Only the cells that rounding cannot explain.</summary>
    public static IReadOnlyList<PrintedTableFinding> Errors(IReadOnlyList<PrintedRow> rows, PrintedRow total) =>
        Check(rows, total).Where(f => !f.WithinTolerance).ToArray();

    private static void AddIfDifferent(List<PrintedTableFinding> findings, string row, PrintedColumn column, string rule, decimal? printed, decimal? expected, decimal tolerance)
    {
        if (printed is { } p && expected is { } e && p != e)
        {
            findings.Add(new PrintedTableFinding(row, column, rule, p, e, tolerance));
        }
    }
}

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
/// Checks a committee paper's summary table (rows plus a total row) for cells that do not follow from the others: a
/// variance that is not estimate − corrected budget (or estimate − original budget), and a total that is not the sum
/// of its rows. The general <see cref="TableCheck"/> does the work (the same one the table-check endpoint and
/// <c>budget check</c> use); this names its columns and rules. Every figure of a printed table is rounded on its own,
/// so a difference up to the tolerance is rounding; beyond it the cell is wrong (a typo, a forgotten row).
/// </summary>
public static class PrintedTableCheck
{
    private const string SumOfRows = "sum of the rows";

    private static readonly PrintedColumn[] Columns = Enum.GetValues<PrintedColumn>();

    private static readonly ColumnRelation[] Relations =
    [
        new("estimate − corrected budget", Index(PrintedColumn.VarianceToCorrected), [new(Index(PrintedColumn.Estimate), 1), new(Index(PrintedColumn.CorrectedBudget), -1)]),
        new("estimate − original budget", Index(PrintedColumn.VarianceToOriginal), [new(Index(PrintedColumn.Estimate), 1), new(Index(PrintedColumn.OriginalBudget), -1)]),
    ];

    /// <summary>Every cell that differs from what the others give, within tolerance or not.</summary>
    public static IReadOnlyList<PrintedTableFinding> Check(IReadOnlyList<PrintedRow> rows, PrintedRow total)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(total);

        // A column some row leaves out is not summed: the paper does not print it for every row.
        var summed = Columns.Where(c => rows.All(r => r[c] is not null)).ToHashSet();
        var table = new PrintedTable(
            Columns.Select(c => c.ToString()).ToArray(),
            rows.Select((r, i) => Row(i + 2, r, isTotal: false)).Append(Row(rows.Count + 2, total, isTotal: true)).ToArray());
        return TableCheck.Check(table, Relations, exact: false)
            .Where(f => f.Kind != TableFindingKind.Total || summed.Contains(Enum.Parse<PrintedColumn>(f.Column)))
            .Select(f => new PrintedTableFinding(f.Label, Enum.Parse<PrintedColumn>(f.Column), f.Kind == TableFindingKind.Total ? SumOfRows : f.Rule, f.Printed, f.Computed, f.Tolerance))
            .ToArray();
    }

    /// <summary>Only the cells that rounding cannot explain.</summary>
    public static IReadOnlyList<PrintedTableFinding> Errors(IReadOnlyList<PrintedRow> rows, PrintedRow total) =>
        Check(rows, total).Where(f => !f.WithinTolerance).ToArray();

    private static int Index(PrintedColumn column) => (int)column;

    private static PrintedTableRow Row(int line, PrintedRow row, bool isTotal) =>
        new(line, row.Label, Columns.Select(c => row[c] is { } v ? new PrintedNumber(v, v.Scale) : (PrintedNumber?)null).ToArray(), isTotal);
}

using Budget.Domain.Money;
using NodaTime;

namespace Budget.Reports;

public enum ColumnKind
{
    Text,

    /// <summary>Money: kroner with øre, or whole 1.000 kr. once the document is in thousands.</summary>
    Amount,

    /// <summary>A percentage with one decimal.</summary>
    Percent,
}

public enum RowKind
{
    Detail,

    /// <summary>Sums the detail rows since the previous subtotal.</summary>
    Subtotal,

    /// <summary>Sums every detail row of the table.</summary>
    Total,

    /// <summary>A figure computed from the rows above but not their sum (e.g. frame − spending): shown like a total, rounded on its own.</summary>
    Result,
}

public sealed record ReportColumn(string Key, string Header, ColumnKind Kind);

/// <summary>One cell: text, or a number (kroner or thousands for amount columns, percent for percent columns).</summary>
public readonly record struct ReportCell(string? Text, decimal? Number)
{
    public static ReportCell Of(string? text) => new(text, null);

    public static ReportCell Of(Amount amount) => new(null, amount.Kroner);

    public static ReportCell Of(decimal? number) => new(null, number);

    public static ReportCell Empty { get; } = new(null, null);
}

public sealed record ReportRow(RowKind Kind, IReadOnlyList<ReportCell> Cells);

public sealed record ReportTable(string Title, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<ReportRow> Rows, IReadOnlyList<string> Notes);

/// <summary>
/// A committee paper as data: titled tables of text, amount and percent cells, with notes (sign legend, what the
/// corrected budget holds). Every format (JSON, CSV, XLSX, HTML) renders this one model, so they cannot disagree.
/// </summary>
public sealed record ReportDocument(
    string Kind,
    string Title,
    int Year,
    int Round,
    string? Committee,
    LocalDate AsOf,
    string Unit,
    IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<string> Notes)
{
    public const string Kroner = "kr";
    public const string Thousands = "thousands";

    /// <summary>The columns that carry consultants' written explanations (Bemærkning, Begrundelse).</summary>
    public static IReadOnlySet<string> ExplanationColumns { get; } = new HashSet<string>(StringComparer.Ordinal) { "explanation" };

    /// <summary>The document without the given columns (their cells dropped from every row), e.g. explanations for anonymous readers.</summary>
    public ReportDocument WithoutColumns(IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return this with
        {
            Tables = Tables.Select(t =>
            {
                var keep = t.Columns.Select((c, i) => (c, i)).Where(x => !keys.Contains(x.c.Key)).Select(x => x.i).ToArray();
                return keep.Length == t.Columns.Count
                    ? t
                    : t with { Columns = keep.Select(i => t.Columns[i]).ToArray(), Rows = t.Rows.Select(r => r with { Cells = keep.Select(i => r.Cells[i]).ToArray() }).ToArray() };
            }).ToArray(),
        };
    }

    /// <summary>
    /// The document in whole 1.000 kr. Independently: every amount cell rounded from its own unrounded value (the
    /// papers' way; rows may not add up). Keeping totals: a table's detail rows by largest remainder against the
    /// rounded total, subtotals and the total as sums of the rounded details, so every printed sum adds up.
    /// </summary>
    public ReportDocument InThousands(RoundingRule rule, bool keepTotals)
    {
        if (Unit == Thousands)
        {
            return this;
        }

        return this with { Unit = Thousands, Tables = Tables.Select(t => Rounded(t, rule, keepTotals)).ToArray() };
    }

    private static ReportTable Rounded(ReportTable table, RoundingRule rule, bool keepTotals)
    {
        var cells = table.Rows.Select(r => r.Cells.ToArray()).ToArray();
        for (var c = 0; c < table.Columns.Count; c++)
        {
            if (table.Columns[c].Kind != ColumnKind.Amount)
            {
                continue;
            }

            if (!keepTotals || !table.Rows.Any(r => r.Kind == RowKind.Total))
            {
                foreach (var row in cells)
                {
                    row[c] = row[c].Number is { } kroner ? ReportCell.Of((decimal)ThousandsRounding.Round(Amount.Of(kroner), rule)) : row[c];
                }

                continue;
            }

            var details = Enumerable.Range(0, cells.Length).Where(i => table.Rows[i].Kind == RowKind.Detail).ToArray();
            var total = Array.FindIndex(table.Rows.ToArray(), r => r.Kind == RowKind.Total);
            var rounded = ThousandsRounding.KeepingTotal(details.Select(i => Amount.Of(cells[i][c].Number ?? 0m)).ToArray(), rule);
            for (var k = 0; k < details.Length; k++)
            {
                if (cells[details[k]][c].Number is not null)
                {
                    cells[details[k]][c] = ReportCell.Of((decimal)rounded.Rows[k]);
                }
            }

            var sinceSubtotal = 0m;
            for (var i = 0; i < cells.Length; i++)
            {
                switch (table.Rows[i].Kind)
                {
                    case RowKind.Detail:
                        sinceSubtotal += cells[i][c].Number ?? 0m;
                        break;
                    case RowKind.Subtotal:
                        cells[i][c] = ReportCell.Of(sinceSubtotal);
                        sinceSubtotal = 0m;
                        break;
                }
            }

            cells[total][c] = ReportCell.Of((decimal)rounded.Total);
        }

        return table with { Rows = table.Rows.Select((r, i) => r with { Cells = cells[i] }).ToArray() };
    }
}

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
    /// papers' way; rows may not add up). Keeping totals: at every level (decision 0015) — the total rounded by the
    /// rule, shared by largest remainder over its subtotals and the detail rows outside them, each subtotal over its
    /// own detail rows — so rows add up to their printed subtotal and subtotals to the printed total, and no figure
    /// moves 1.000 kr. or more from its unrounded value.
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
        var kinds = table.Rows.Select(r => r.Kind).ToArray();
        for (var c = 0; c < table.Columns.Count; c++)
        {
            if (table.Columns[c].Kind != ColumnKind.Amount)
            {
                continue;
            }

            var column = cells.Select(row => row[c].Number).ToArray();
            var rounded = keepTotals ? KeptTotals.Round(kinds, column, rule) : column.Select(v => v is { } kroner ? ThousandsRounding.Round(Amount.Of(kroner), rule) : (long?)null).ToArray();
            for (var i = 0; i < cells.Length; i++)
            {
                if (cells[i][c].Number is not null)
                {
                    cells[i][c] = ReportCell.Of((decimal)rounded[i]!.Value);
                }
            }
        }

        return table with { Rows = table.Rows.Select((r, i) => r with { Cells = cells[i] }).ToArray() };
    }
}

/// <summary>
/// One amount column of a table rounded to 1.000 kr. with kept totals at every level, by the table's row kinds: a
/// subtotal sums the detail rows since the previous subtotal, the total the subtotals and the detail rows outside
/// them (<see cref="ThousandsRounding.KeepingTotals"/> over that tree). A sum row whose value is not the sum of its
/// rows (a total that adds a line of its own), a result row and rows after the total are rounded on their own, and a
/// table without a total keeps each subtotal with its rows. Empty cells count as 0 and stay empty.
/// </summary>
public static class KeptTotals
{
    public static long?[] Round(IReadOnlyList<RowKind> kinds, IReadOnlyList<decimal?> values, RoundingRule rule)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(values);
        var result = values.Select(v => v is { } kroner ? ThousandsRounding.Round(Amount.Of(kroner), rule) : (long?)null).ToArray();
        Amount Value(int row) => Amount.Of(values[row] ?? 0m);

        // The parts directly under the total: (subtotal row or null, its detail rows) — a lone detail row has no subtotal.
        var parts = new List<(int? Sum, int[] Details)>();
        var pending = new List<int>();
        int? total = null;
        for (var i = 0; i < kinds.Count && total is null; i++)
        {
            switch (kinds[i])
            {
                case RowKind.Detail:
                    pending.Add(i);
                    break;
                case RowKind.Subtotal:
                    parts.Add((i, pending.ToArray()));
                    pending.Clear();
                    break;
                case RowKind.Total:
                    total = i;
                    break;
            }
        }

        if (total is null)
        {
            pending.Clear();
        }

        parts.AddRange(pending.Select(d => ((int?)null, new[] { d })));
        // A subtotal that is not the sum of its rows cannot be kept: it and its rows are rounded on their own.
        var kept = parts.Where(p => p.Sum is not { } sum || p.Details.Sum(Value) == Value(sum)).ToList();
        TotalTree Tree((int? Sum, int[] Details) part) =>
            part.Sum is null ? TotalTree.Leaf(Value(part.Details[0])) : TotalTree.Sum(part.Details.Select(d => TotalTree.Leaf(Value(d))).ToArray());
        void Assign((int? Sum, int[] Details) part, RoundedTree rounded)
        {
            if (part.Sum is { } sum)
            {
                result[sum] = rounded.Value;
                for (var k = 0; k < part.Details.Length; k++)
                {
                    result[part.Details[k]] = rounded.Parts[k].Value;
                }
            }
            else
            {
                result[part.Details[0]] = rounded.Value;
            }
        }

        if (total is { } t && kept.Count == parts.Count && parts.Sum(p => p.Sum is { } s ? Value(s) : Value(p.Details[0])) == Value(t))
        {
            var tree = ThousandsRounding.KeepingTotals(TotalTree.Sum(parts.Select(Tree).ToArray()), rule);
            result[t] = tree.Value;
            for (var k = 0; k < parts.Count; k++)
            {
                Assign(parts[k], tree.Parts[k]);
            }
        }
        else
        {
            foreach (var part in kept.Where(p => p.Sum is not null))
            {
                Assign(part, ThousandsRounding.KeepingTotals(Tree(part), rule));
            }
        }

        // Empty cells stay empty.
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                result[i] = null;
            }
        }

        return result;
    }
}

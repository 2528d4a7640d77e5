namespace Budget.Domain.Reporting;

/// <summary>
/// One row of a printed table: the line it was read from (1 = the header), its label (first cell), its figures (one
/// per figure column; null where the cell is blank) and whether it is a total (a row whose label begins with
/// <c>I alt</c>).
/// </summary>
public sealed record PrintedTableRow(int Line, string Label, IReadOnlyList<PrintedNumber?> Cells, bool IsTotal)
{
    public const string TotalLabel = "I alt";

    /// <summary>A row is a total when its first cell begins with "I alt" (after leading spaces), as the papers print it.</summary>
    public static bool IsTotalLabel(string label) => (label ?? "").TrimStart().StartsWith(TotalLabel, StringComparison.Ordinal);
}

/// <summary>A printed table (a committee paper's table, an allocation): the figure columns' headers as printed, and the rows in order.</summary>
public sealed record PrintedTable(IReadOnlyList<string> Columns, IReadOnlyList<PrintedTableRow> Rows)
{
    /// <summary>
    /// The unit a column was printed in: that of its figure with the most decimals (a printed 0 or dash in a column of
    /// tenths does not make the column whole units).
    /// </summary>
    public decimal UnitOf(int column) =>
        Rows.Select(r => r.Cells[column]).Where(c => c is not null).Select(c => c!.Value.Decimals).DefaultIfEmpty(0).Max() is var decimals and > 0
            ? new PrintedNumber(0m, decimals).Unit
            : 1m;
}

/// <summary>One term of a relation: a column, added (+1) or subtracted (−1).</summary>
public readonly record struct ColumnTerm(int Column, int Sign);

/// <summary>
/// A relation between the columns of every row, such as <c>Afvigelse=Anslået-Korrigeret</c>: the target column equals
/// the signed sum of the term columns. <see cref="Text"/> is how findings name it.
/// </summary>
public sealed record ColumnRelation(string Text, int Target, IReadOnlyList<ColumnTerm> Terms)
{
    public const int MaxLength = 1000;

    /// <summary>The most terms one relation may have (a table has at most 100 columns).</summary>
    public const int MaxTerms = 100;

    /// <summary>
    /// Reads <c>Target=Term±Term…</c> where every name is a column header exactly as printed (a year such as
    /// <c>2015</c> is a header too); spaces around <c>=</c>, <c>+</c> and <c>-</c> are allowed, and the first term may
    /// carry a sign. A header that itself holds <c>+</c> or <c>-</c> is matched whole (the longest header that fits
    /// wins). A name that is no header, or names two columns, is an error that lists the headers.
    /// </summary>
    public static bool TryParse(string text, IReadOnlyList<string> columns, out ColumnRelation? relation, out string? error)
    {
        ArgumentNullException.ThrowIfNull(columns);
        relation = null;
        error = null;
        text ??= "";
        if (text.Length > MaxLength)
        {
            error = $"a relation is at most {MaxLength} characters";
            return false;
        }

        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            error = $"'{Echo.Cut(text)}' is not a relation such as Afvigelse=Anslået-Korrigeret (no '=')";
            return false;
        }

        if (!TryColumn(text[..equals].Trim(), columns, out var target, out error))
        {
            return false;
        }

        var terms = new List<ColumnTerm>();
        var rest = text[(equals + 1)..];
        var at = 0;
        while (true)
        {
            at = SkipSpaces(rest, at);
            var sign = 1;
            if (at < rest.Length && rest[at] is '+' or '-' or '\u2212')
            {
                sign = rest[at] == '+' ? 1 : -1;
                at = SkipSpaces(rest, at + 1);
            }
            else if (terms.Count > 0)
            {
                error = $"'{Echo.Cut(text)}': expected + or - after '{Echo.Cut(columns[terms[^1].Column])}'";
                return false;
            }

            // The longest header that starts here and is followed by the end, a space or an operator.
            var match = columns
                .Select((name, index) => (name, index))
                .Where(c => c.name.Length > 0 && string.CompareOrdinal(rest, at, c.name, 0, c.name.Length) == 0 && rest.Length - at >= c.name.Length)
                .Where(c => EndsTerm(rest, at + c.name.Length))
                .OrderByDescending(c => c.name.Length)
                .ToArray();
            if (match.Length == 0)
            {
                error = $"'{Echo.Cut(rest[at..].Trim())}' in '{Echo.Cut(text)}' does not begin with a column header; the headers are {HeaderList(columns)}";
                return false;
            }

            var best = match.Where(m => m.name.Length == match[0].name.Length).ToArray();
            if (best.Length > 1)
            {
                error = $"'{Echo.Cut(best[0].name)}' names {best.Length} columns; a relation needs headers that differ";
                return false;
            }

            if (terms.Count == MaxTerms)
            {
                error = $"a relation has at most {MaxTerms} terms";
                return false;
            }

            terms.Add(new ColumnTerm(best[0].index, sign));
            at = SkipSpaces(rest, at + best[0].name.Length);
            if (at >= rest.Length)
            {
                break;
            }
        }

        relation = new ColumnRelation(text.Trim(), target, terms);
        return true;
    }

    private static bool TryColumn(string name, IReadOnlyList<string> columns, out int column, out string? error)
    {
        var found = columns.Select((c, i) => (c, i)).Where(c => string.Equals(c.c, name, StringComparison.Ordinal)).ToArray();
        column = found.Length == 1 ? found[0].i : -1;
        error = found.Length switch
        {
            1 => null,
            0 => $"'{Echo.Cut(name)}' is not a column header; the headers are {HeaderList(columns)}",
            _ => $"'{Echo.Cut(name)}' names {found.Length} columns; a relation needs headers that differ",
        };
        return error is null;
    }

    private static bool EndsTerm(string text, int at) => at >= text.Length || text[at] is ' ' or '\t' or '+' or '-' or '\u2212';

    private static int SkipSpaces(string text, int at)
    {
        while (at < text.Length && text[at] is ' ' or '\t')
        {
            at++;
        }

        return at;
    }

    private static string HeaderList(IReadOnlyList<string> columns) => Echo.Cut(string.Join(", ", columns.Select(c => $"'{c}'")));
}

public enum TableFindingKind
{
    /// <summary>A cell that is not what a relation between the columns gives.</summary>
    Relation,

    /// <summary>An <c>I alt</c> cell that is not the sum of the rows it totals.</summary>
    Total,
}

/// <summary>
/// A cell that does not follow from the others: printed, what the other printed cells give (computed), the
/// difference (printed − computed) and the tolerance that rounding of the printed figures explains.
/// </summary>
public sealed record TableFinding(int Line, string Label, string Column, TableFindingKind Kind, string Rule, decimal Printed, decimal Computed, decimal Tolerance)
{
    public decimal Difference => Printed - Computed;

    /// <summary>True when rounding of the printed figures can explain the difference.</summary>
    public bool WithinTolerance => Math.Abs(Difference) <= Tolerance;
}

/// <summary>
/// Checks that a printed table's figures follow from each other (the check that finds the papers' own errors): every
/// relation between columns on every row, and every <c>I alt</c> row against the rows it totals — the detail rows
/// since the previous <c>I alt</c> row, or, for an <c>I alt</c> row that directly follows another, every detail row
/// since the previous such grand total (a total of sections).
/// <para>
/// A blank cell is not checked as a target and counts as 0 as a part (tables leave zeros blank); a dash is a printed
/// zero. Printed figures are each rounded on their own, half away from zero, to the unit of their column, so a cell
/// computed from n printed parts can differ from its own printed value by rounding alone: by at most ⌊n/2⌋ units (n
/// parts and the cell itself each off by up to ½ unit; the extreme of (n+1)/2 cannot occur under half away from zero,
/// see decision 0003), in the coarsest unit of the columns involved. With <c>exact</c> (tables that claim exact sums:
/// allocations, tables printed with kept totals) the tolerance is 0.
/// </para>
/// </summary>
public static class TableCheck
{
    /// <summary>Every cell whose printed value differs from what the others give, within tolerance or not, in row order.</summary>
    public static IReadOnlyList<TableFinding> Check(PrintedTable table, IReadOnlyList<ColumnRelation> relations, bool exact)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(relations);
        var units = Enumerable.Range(0, table.Columns.Count).Select(table.UnitOf).ToArray();
        var findings = new List<TableFinding>();
        var sinceTotal = new List<PrintedTableRow>();
        var sinceGrandTotal = new List<PrintedTableRow>();
        foreach (var row in table.Rows)
        {
            foreach (var relation in relations)
            {
                if (row.Cells[relation.Target] is not { } printed)
                {
                    continue;
                }

                var parts = relation.Terms.Where(t => row.Cells[t.Column] is not null).ToArray();
                var computed = parts.Sum(t => t.Sign * row.Cells[t.Column]!.Value.Value);
                var unit = relation.Terms.Append(new ColumnTerm(relation.Target, 1)).Max(t => units[t.Column]);
                Add(row, relation.Target, TableFindingKind.Relation, relation.Text, printed.Value, computed, Tolerance(parts.Length, unit));
            }

            if (!row.IsTotal)
            {
                sinceTotal.Add(row);
                sinceGrandTotal.Add(row);
                continue;
            }

            // A subtotal totals the rows since the previous total; a total right after another totals the section totals' rows.
            var totalled = sinceTotal.Count > 0 ? sinceTotal.ToArray() : sinceGrandTotal.ToArray();
            if (sinceTotal.Count == 0)
            {
                sinceGrandTotal.Clear();
            }

            sinceTotal.Clear();
            if (totalled.Length == 0)
            {
                continue;
            }

            for (var column = 0; column < table.Columns.Count; column++)
            {
                if (row.Cells[column] is not { } printed)
                {
                    continue;
                }

                var parts = totalled.Select(r => r.Cells[column]).Where(c => c is not null).Select(c => c!.Value.Value).ToArray();
                var rule = $"sum of {totalled.Length} rows (lines {totalled[0].Line}–{totalled[^1].Line})";
                Add(row, column, TableFindingKind.Total, rule, printed.Value, parts.Sum(), Tolerance(parts.Length, units[column]));
            }
        }

        return findings;

        void Add(PrintedTableRow row, int column, TableFindingKind kind, string rule, decimal printed, decimal computed, decimal tolerance)
        {
            if (printed != computed)
            {
                findings.Add(new TableFinding(row.Line, row.Label, table.Columns[column], kind, rule, printed, computed, tolerance));
            }
        }

        decimal Tolerance(int parts, decimal unit) => exact ? 0m : Math.Floor(parts / 2m) * unit;
    }

    /// <summary>Only the cells that rounding cannot explain.</summary>
    public static IReadOnlyList<TableFinding> Errors(PrintedTable table, IReadOnlyList<ColumnRelation> relations, bool exact) =>
        Check(table, relations, exact).Where(f => !f.WithinTolerance).ToArray();
}

using System.Text;
using Budget.Application.Datasets;
using Budget.Domain;
using Budget.Domain.Reporting;

namespace Budget.Application.Checks;

/// <summary>
/// The bounds of a table check (contract §7: every input has one): the file's size, its rows and columns, one cell's
/// length, and the relations given with it.
/// </summary>
public sealed record TableCheckLimits(long MaxBytes = TableCheckLimits.DefaultMaxBytes, int MaxRows = 10_000, int MaxColumns = 100, int MaxRelations = 50, int MaxCell = 1_000)
{
    /// <summary>1 MiB: a printed table of 10.000 rows fits with room to spare.</summary>
    public const long DefaultMaxBytes = 1024 * 1024;

    public static TableCheckLimits Default { get; } = new();
}

/// <summary>Why a table (or a relation given with it) cannot be checked: the line (1 = the header; 0 = not in the file), the column and what is wrong.</summary>
public sealed record TableCheckError(int Line, string? Column, string Message);

/// <summary>
/// What a check found: the findings beyond tolerance, in row order; or, when the table cannot be read, why (and no
/// findings). <see cref="Danish"/>: the table was read with Danish numbers (';' separator).
/// </summary>
public sealed record TableCheckOutcome(PrintedTable? Table, bool Danish, IReadOnlyList<TableFinding> Findings, IReadOnlyList<TableCheckError> Errors)
{
    public bool Readable => Errors.Count == 0;
}

/// <summary>
/// Reads a printed table from CSV and checks it (<see cref="TableCheck"/>): the endpoint <c>POST /api/checks/table</c>
/// and <c>budget check FILE</c> share it.
/// <list type="bullet">
/// <item>The separator is the header line's: with a <c>;</c> outside quotes the numbers are Danish (<c>6.745</c>,
/// <c>-1,5</c>), otherwise plain (<c>6745</c>, <c>-1.5</c>). A first line <c>sep=;</c> (Excel's) also means Danish.</item>
/// <item>The first column holds the rows' labels; every other column holds figures, blank cells, or — a column of
/// notes — text throughout (a text column is left out; a column with some figures must hold only figures).</item>
/// <item>Blank lines are skipped; a row's missing trailing cells are blank.</item>
/// </list>
/// </summary>
public static class TableChecking
{
    private const int MaxErrors = 100;

    public static TableCheckOutcome Run(byte[] content, IEnumerable<string> relations, bool exact, TableCheckLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(relations);
        limits ??= TableCheckLimits.Default;
        if (content.LongLength > limits.MaxBytes)
        {
            return Unreadable(false, new TableCheckError(0, null, $"the table is larger than {limits.MaxBytes} bytes"));
        }

        var danish = SeparatorOf(content) == ';';
        var read = Read(content, danish, limits);
        if (read.Errors.Count > 0)
        {
            return Unreadable(danish, [.. read.Errors]);
        }

        var table = read.Table!;
        var texts = relations.SelectMany(r => (r ?? "").Split('\n')).Select(r => r.Trim()).Where(r => r.Length > 0).ToArray();
        if (texts.Length > limits.MaxRelations)
        {
            return Unreadable(danish, new TableCheckError(0, "relations", $"at most {limits.MaxRelations} relations"));
        }

        var parsed = new List<ColumnRelation>();
        var errors = new List<TableCheckError>();
        foreach (var text in texts)
        {
            if (ColumnRelation.TryParse(text, table.Columns, out var relation, out var error))
            {
                parsed.Add(relation!);
            }
            else
            {
                var textColumn = read.TextColumns.FirstOrDefault(c => text.Contains(c, StringComparison.Ordinal) && c.Length > 0);
                errors.Add(new TableCheckError(0, "relations", textColumn is null ? error! : $"{error} ('{Echo.Cut(textColumn)}' holds text, not figures)"));
            }
        }

        return errors.Count > 0
            ? Unreadable(danish, [.. errors])
            : new TableCheckOutcome(table, danish, TableCheck.Errors(table, parsed, exact), []);
    }

    private static TableCheckOutcome Unreadable(bool danish, params TableCheckError[] errors) => new(null, danish, [], errors);

    /// <summary>';' when the first line (after a BOM) holds one outside quotes, else ','.</summary>
    private static char SeparatorOf(byte[] content)
    {
        var end = Array.IndexOf(content, (byte)'\n');
        var first = Encoding.UTF8.GetString(content, 0, end < 0 ? content.Length : end).TrimStart('\uFEFF');
        if (first.TrimEnd('\r') == "sep=;")
        {
            return ';';
        }

        var quoted = false;
        foreach (var c in first)
        {
            quoted = c == '"' ? !quoted : quoted;
            if (c == ';' && !quoted)
            {
                return ';';
            }
        }

        return ',';
    }

    private sealed record ReadTable(PrintedTable? Table, IReadOnlyList<string> TextColumns, IReadOnlyList<TableCheckError> Errors);

    private static ReadTable Read(byte[] content, bool danish, TableCheckLimits limits)
    {
        var errors = new List<TableCheckError>();
        CsvRecord? header;
        var records = new List<CsvRecord>();
        using (var reader = new CsvRecordReader(new MemoryStream(content, writable: false), new CsvLimits(limits.MaxCell, limits.MaxCell * limits.MaxColumns), danish ? ';' : ','))
        {
            try
            {
                header = reader.Read();
                if (header is null)
                {
                    return new ReadTable(null, [], [new TableCheckError(1, null, "the table is empty: a header row is required")]);
                }

                if (header.Fields.Count < 2 || header.Fields.Count > limits.MaxColumns)
                {
                    return new ReadTable(null, [], [new TableCheckError(header.Line, null, $"the header has {header.Fields.Count} columns; a table has a label column and 1–{limits.MaxColumns - 1} figure columns")]);
                }

                while (reader.Read() is { } record)
                {
                    if (record.Fields.All(string.IsNullOrWhiteSpace))
                    {
                        continue;
                    }

                    if (records.Count == limits.MaxRows)
                    {
                        return new ReadTable(null, [], [new TableCheckError(record.Line, null, $"the table has more than {limits.MaxRows} rows")]);
                    }

                    if (record.Fields.Count > header.Fields.Count)
                    {
                        errors.Add(new TableCheckError(record.Line, null, $"the row has {record.Fields.Count} cells, the header {header.Fields.Count}"));
                    }

                    records.Add(record);
                }
            }
            catch (CsvFormatException e)
            {
                return new ReadTable(null, [], [new TableCheckError(e.Line, null, e.Message)]);
            }
        }

        if (records.Count == 0 && errors.Count == 0)
        {
            errors.Add(new TableCheckError(header.Line, null, "the table has a header but no rows"));
        }

        var names = header.Fields.Select(f => f.Trim()).ToArray();
        var figureColumns = new List<int>();
        var textColumns = new List<string>();
        var cells = records.Select(_ => new List<PrintedNumber?>()).ToArray();
        for (var column = 1; column < names.Length; column++)
        {
            var values = records.Select(r => column < r.Fields.Count ? r.Fields[column].Trim() : "").ToArray();
            var parsed = values.Select(v => (Ok: PrintedNumber.TryParse(v, danish, out var n, out var error), Number: n, Error: error)).ToArray();
            if (values.Any(v => v.Length > 0) && !parsed.Any(p => p.Ok))
            {
                textColumns.Add(names[column]);
                continue;
            }

            figureColumns.Add(column);
            for (var i = 0; i < records.Count; i++)
            {
                if (values[i].Length == 0)
                {
                    cells[i].Add(null);
                }
                else if (parsed[i].Ok)
                {
                    cells[i].Add(parsed[i].Number);
                }
                else
                {
                    errors.Add(new TableCheckError(records[i].Line, Echo.Cut(ColumnName(names, column)), parsed[i].Error!));
                    cells[i].Add(null);
                }
            }
        }

        if (figureColumns.Count == 0 && errors.Count == 0)
        {
            errors.Add(new TableCheckError(header.Line, null, "no column holds figures"));
        }

        if (errors.Count > 0)
        {
            return new ReadTable(null, textColumns, errors.OrderBy(e => e.Line).Take(MaxErrors).ToArray());
        }

        var rows = records.Select((r, i) => new PrintedTableRow(r.Line, r.Fields[0].Trim(), cells[i], PrintedTableRow.IsTotalLabel(r.Fields[0]))).ToArray();
        return new ReadTable(new PrintedTable(figureColumns.Select(c => ColumnName(names, c)).ToArray(), rows), textColumns, []);
    }

    /// <summary>A column's header as printed, or its position when the header cell is blank.</summary>
    private static string ColumnName(string[] names, int column) => names[column].Length > 0 ? names[column] : $"(column {column + 1})";
}

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Budget.Domain.Money;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Budget.Reports;

/// <summary>The document as JSON: cells keyed by column, amounts as numbers (kroner, or whole thousands).</summary>
public static class JsonShape
{
    public static object Of(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new
        {
            kind = document.Kind,
            title = document.Title,
            year = document.Year,
            round = document.Round,
            committee = document.Committee,
            asOf = document.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            unit = document.Unit,
            notes = document.Notes,
            tables = document.Tables.Select(t => new
            {
                title = t.Title,
                columns = t.Columns.Select(c => new { key = c.Key, header = c.Header, kind = c.Kind.ToString().ToLowerInvariant() }),
                rows = t.Rows.Select(r => new
                {
                    kind = r.Kind.ToString().ToLowerInvariant(),
                    cells = t.Columns.Select((c, i) => (c.Key, Value: c.Kind == ColumnKind.Text ? (object?)r.Cells[i].Text : r.Cells[i].Number))
                        .ToDictionary(x => x.Key, x => x.Value),
                }),
                notes = t.Notes,
            }),
        };
    }
}

/// <summary>
/// A text field of a CSV export (API and CLI alike), made safe for a spreadsheet to open: defused, then quoted when
/// it holds a separator, quote or line break.
/// </summary>
public static class CsvCell
{
    /// <summary>
    /// Excel, LibreOffice and Google Sheets take a field that starts with one of these as a formula (tab and carriage
    /// return because some of them strip those before looking), so a name like <c>=HYPERLINK(…)</c> in the data
    /// would run when the file is opened (contract §7).
    /// </summary>
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>
    /// The text with a leading <c>'</c> when it starts like a formula, so the spreadsheet shows it as text. Only for
    /// text: a number such as <c>-5025,00</c> must not pass through here, or it would no longer be a number.
    /// </summary>
    public static string Defuse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && Array.IndexOf(FormulaStarts, text[0]) >= 0 ? "'" + text : text;
    }

    /// <summary>A text field: defused, and quoted (<c>"</c> doubled) when it holds <c>;</c>, <c>"</c> or a line break; null is empty.</summary>
    public static string Text(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var safe = Defuse(text);
        return safe.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}

/// <summary>
/// CSV the way Danish Excel opens it: UTF-8 with byte-order mark, <c>;</c> between fields, <c>,</c> before decimals,
/// no thousands separator (so Excel reads numbers as numbers). Tables follow each other, separated by a blank line.
/// Every text (titles, headers, text cells, notes) goes through <see cref="CsvCell.Text"/>.
/// </summary>
public static class CsvRenderer
{
    public static byte[] Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = new StringBuilder();
        text.Append(CsvCell.Text(document.Title)).Append("\r\n");
        foreach (var table in document.Tables)
        {
            text.Append("\r\n").Append(CsvCell.Text(table.Title)).Append("\r\n");
            text.Append(string.Join(';', table.Columns.Select(c => CsvCell.Text(c.Header)))).Append("\r\n");
            foreach (var row in table.Rows)
            {
                text.Append(string.Join(';', table.Columns.Select((c, i) => Cell(c, row.Cells[i], document.Unit)))).Append("\r\n");
            }

            foreach (var note in table.Notes)
            {
                text.Append(CsvCell.Text(note)).Append("\r\n");
            }
        }

        foreach (var note in document.Notes)
        {
            text.Append(CsvCell.Text(note)).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Cell(ReportColumn column, ReportCell cell, string unit)
    {
        if (column.Kind == ColumnKind.Text)
        {
            return CsvCell.Text(cell.Text);
        }

        if (cell.Number is not { } number)
        {
            return "";
        }

        var format = column.Kind == ColumnKind.Percent ? "0.0" : unit == ReportDocument.Thousands ? "0" : "0.00";
        // Numbers are written as they are (never defused): a leading minus is the sign of an amount, not a formula.
        return number.ToString(format, CultureInfo.InvariantCulture).Replace('.', ',');
    }
}

/// <summary>
/// XLSX (DocumentFormat.OpenXml): a sheet per table, header row frozen, amounts stored as numbers with a number
/// format (<c>#,##0</c> / <c>#,##0.00</c>) that Danish Excel displays as <c>287.892</c>; totals in bold; the notes
/// under the table.
/// </summary>
public static class XlsxRenderer
{
    private const uint Plain = 0;
    private const uint Header = 1;
    private const uint Whole = 2;
    private const uint WholeBold = 3;
    private const uint Decimals = 4;
    private const uint DecimalsBold = 5;
    private const uint PercentStyle = 6;
    private const uint Bold = 7;

    public static byte[] Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var stream = new MemoryStream();
        using (var package = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = package.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            uint id = 1;
            foreach (var table in document.Tables)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = Sheet(table, document.Unit);
                sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id++, Name = SheetName(table.Title, names) });
            }

            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static Worksheet Sheet(ReportTable table, string unit)
    {
        var data = new SheetData();
        uint rowIndex = 1;
        data.Append(new Row(table.Columns.Select(c => TextCell(c.Header, Header))) { RowIndex = rowIndex++ });
        foreach (var row in table.Rows)
        {
            var bold = row.Kind != RowKind.Detail;
            data.Append(new Row(table.Columns.Select((c, i) => c.Kind switch
            {
                ColumnKind.Text => TextCell(row.Cells[i].Text ?? "", bold ? Bold : Plain),
                _ when row.Cells[i].Number is not { } => TextCell("", Plain),
                ColumnKind.Percent => NumberCell(row.Cells[i].Number!.Value, PercentStyle),
                _ => NumberCell(row.Cells[i].Number!.Value, unit == ReportDocument.Thousands ? (bold ? WholeBold : Whole) : (bold ? DecimalsBold : Decimals)),
            })) { RowIndex = rowIndex++ });
        }

        rowIndex++;
        foreach (var note in table.Notes)
        {
            data.Append(new Row(TextCell(note, Plain)) { RowIndex = rowIndex++ });
        }

        var frozen = new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 });
        var widths = new Columns(table.Columns.Select((c, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = c.Kind == ColumnKind.Text ? 40 : 16, CustomWidth = true }));
        return new Worksheet(frozen, widths, data);
    }

    private static Cell TextCell(string text, uint style) => new(new InlineString(new Text(ExportText.ToSpreadsheet(text)))) { DataType = CellValues.InlineString, StyleIndex = style };

    private static Cell NumberCell(decimal value, uint style) => new(new CellValue(value.ToString(CultureInfo.InvariantCulture))) { DataType = CellValues.Number, StyleIndex = style };

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "#,##0" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "#,##0.00" },
            new NumberingFormat { NumberFormatId = 166, FormatCode = "0.0" }) { Count = 3 },
        new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true, FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true, FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 166, ApplyNumberFormat = true },
            new CellFormat { FontId = 1, ApplyFont = true }) { Count = 8 });

    private static string SheetName(string title, HashSet<string> used)
    {
        var clean = new string(title.Select(c => "[]:*?/\\".Contains(c, StringComparison.Ordinal) || char.IsControl(c) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF' ? ' ' : c).ToArray()).Trim();
        var name = clean.Length > 31 ? clean[..31] : clean;
        for (var i = 2; !used.Add(name); i++)
        {
            var suffix = $" ({i})";
            name = (clean.Length > 31 - suffix.Length ? clean[..(31 - suffix.Length)] : clean) + suffix;
        }

        return ExportText.ToSpreadsheet(name); // an attribute of ST_Xstring too: "_x0041_ Drift" must not show as "A Drift"
    }

    /// <summary>Reads every sheet back as rows of cell texts / numbers (for tests and for checking an export).</summary>
    public static IReadOnlyList<(string Sheet, IReadOnlyList<IReadOnlyList<string>> Rows)> Read(byte[] workbook)
    {
        using var stream = new MemoryStream(workbook);
        using var package = SpreadsheetDocument.Open(stream, false);
        var part = package.WorkbookPart!;
        return part.Workbook.Sheets!.Elements<Sheet>().Select(sheet =>
        {
            var worksheet = (WorksheetPart)part.GetPartById(sheet.Id!);
            IReadOnlyList<IReadOnlyList<string>> rows = worksheet.Worksheet.Descendants<Row>()
                .Select(r => (IReadOnlyList<string>)r.Elements<Cell>().Select(c => c.DataType?.Value == CellValues.InlineString ? ExportText.FromSpreadsheet(c.InnerText) : c.CellValue?.Text ?? "").ToArray())
                .ToArray();
            return (ExportText.FromSpreadsheet(sheet.Name!.Value!), rows);
        }).ToArray();
    }
}

/// <summary>Printable HTML: Danish numbers, negative variances marked, A4 landscape print CSS.</summary>
public static class HtmlRenderer
{
    // The browser hashes the <style> text after its parser has turned CR LF into LF, so the text written and the
    // text hashed are both LF-only, whatever line endings this file is checked out with.
    private static readonly string Style = """
        @page { size: A4 landscape; margin: 12mm; }
        body { font-family: "Segoe UI", Arial, sans-serif; font-size: 10pt; color: #111; margin: 1.5em; }
        h1 { font-size: 14pt; margin: 0 0 .3em; } h2 { font-size: 11pt; margin: 1.4em 0 .3em; }
        table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
        th, td { border-bottom: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }
        th { text-align: left; background: #eef2f6; } th.num, td.num { text-align: right; white-space: nowrap; }
        thead { display: table-header-group; } tr { page-break-inside: avoid; }
        tr.subtotal td, tr.total td, tr.result td { font-weight: bold; border-top: 1px solid #555; }
        td.neg { color: #0a6b2d; } td.pos { color: #a3161a; }
        p.note { font-size: 8.5pt; color: #444; margin: .2em 0; }
        @media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
        """.ReplaceLineEndings("\n");

    /// <summary>
    /// The CSP hash source (<c>'sha256-…'</c> without quotes) of the embedded stylesheet, so a report can keep its
    /// styles under a Content-Security-Policy without <c>'unsafe-inline'</c>.
    /// </summary>
    public static string StyleHash { get; } = "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)));

    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>").Append(E(document.Title)).Append("</title><style>").Append(Style).Append("</style></head><body>");
        html.Append("<h1>").Append(E(document.Title)).Append("</h1>");
        html.Append("<p class=\"note\">").Append(E(document.Committee ?? "Hele kommunen")).Append(" · pr. ").Append(document.AsOf.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture))
            .Append(" · ").Append(document.Unit == ReportDocument.Thousands ? "1.000 kr." : "kr.").Append("</p>");
        foreach (var table in document.Tables)
        {
            html.Append("<h2>").Append(E(table.Title)).Append("</h2><table><thead><tr>");
            foreach (var column in table.Columns)
            {
                html.Append(column.Kind == ColumnKind.Text ? "<th>" : "<th class=\"num\">").Append(E(column.Header)).Append("</th>");
            }

            html.Append("</tr></thead><tbody>");
            foreach (var row in table.Rows)
            {
                html.Append("<tr class=\"").Append(row.Kind.ToString().ToLowerInvariant()).Append("\">");
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    var column = table.Columns[i];
                    var cell = row.Cells[i];
                    if (column.Kind == ColumnKind.Text)
                    {
                        html.Append("<td>").Append(E(cell.Text)).Append("</td>");
                        continue;
                    }

                    var sign = column.Key.StartsWith("variance", StringComparison.Ordinal) && cell.Number is { } n && n != 0 ? (n < 0 ? " neg" : " pos") : "";
                    html.Append("<td class=\"num").Append(sign).Append("\">").Append(Number(column, cell, document.Unit)).Append("</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</tbody></table>");
            foreach (var note in table.Notes)
            {
                html.Append("<p class=\"note\">").Append(E(note)).Append("</p>");
            }
        }

        foreach (var note in document.Notes)
        {
            html.Append("<p class=\"note\">").Append(E(note)).Append("</p>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static string Number(ReportColumn column, ReportCell cell, string unit) => cell.Number is not { } number
        ? ""
        : DanishNumbers.Format(number, column.Kind == ColumnKind.Percent ? 1 : unit == ReportDocument.Thousands ? 0 : 2);

    /// <summary>
    /// Text as HTML text: markup characters encoded, and a control character that HTML does not allow in text (NUL,
    /// the other C0 controls but tab and line breaks, DEL and C1) shown as U+FFFD, as a browser would show NUL.
    /// </summary>
    private static string E(string? text) => WebUtility.HtmlEncode(ExportText.WithoutControls(text ?? ""));
}

/// <summary>
/// Text from the data made safe for an export's format. In an Office Open XML cell (ECMA-376 <c>ST_Xstring</c>): XML 1.0 cannot carry most control characters, a lone
/// surrogate or U+FFFE/U+FFFF (and an XML reader turns a carriage return into a line feed), so each is written as
/// <c>_xHHHH_</c>, which Excel reads back as the character; an
/// underscore that would otherwise start such a sequence is written <c>_x005F_</c>. Text that a user or an import put
/// into the data (an explanation, an account name) must never make an export fail (contract §7).
/// </summary>
public static class ExportText
{
    public static string ToSpreadsheet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? escaped = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var code = !pair && NeedsEscape(c) ? (int)c : c == '_' && WouldStartEscape(text, i) ? '_' : -1;
            if (code < 0 && escaped is null)
            {
                if (pair)
                {
                    i++;
                }

                continue;
            }

            escaped ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            if (code >= 0)
            {
                escaped.Append("_x").Append(code.ToString("X4", CultureInfo.InvariantCulture)).Append('_');
            }
            else
            {
                escaped.Append(c);
                if (pair)
                {
                    escaped.Append(text[++i]);
                }
            }
        }

        return escaped?.ToString() ?? text;
    }

    /// <summary>The text as Excel shows it: each <c>_xHHHH_</c> read as its character.</summary>
    public static string FromSpreadsheet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("_x", StringComparison.Ordinal))
        {
            return text;
        }

        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (StartsEscape(text, i))
            {
                plain.Append((char)int.Parse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 6;
            }
            else
            {
                plain.Append(text[i]);
            }
        }

        return plain.ToString();
    }

    /// <summary>The text with every control character but tab, line feed and carriage return, and every lone surrogate, as U+FFFD.</summary>
    public static string WithoutControls(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = text.ToCharArray();
        var changed = false;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if ((char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                chars[i] = '\uFFFD';
                changed = true;
            }
        }

        return changed ? new string(chars) : text;
    }

    private static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= '\u0020' && c <= '\uD7FF') || (c >= '\uE000' && c <= '\uFFFD');

    /// <summary>
    /// Whether the underscore at <paramref name="at"/> would start <c>_xHHHH_</c> in the escaped text: followed by x,
    /// four hex digits and an underscore, or a character whose own escape begins with one.
    /// </summary>
    private static bool WouldStartEscape(string text, int at)
    {
        if (at + 6 >= text.Length || text[at + 1] != 'x' || !char.IsAsciiHexDigit(text[at + 2]) || !char.IsAsciiHexDigit(text[at + 3])
            || !char.IsAsciiHexDigit(text[at + 4]) || !char.IsAsciiHexDigit(text[at + 5]))
        {
            return false;
        }

        var next = text[at + 6];
        var pair = char.IsHighSurrogate(next) && at + 7 < text.Length && char.IsLowSurrogate(text[at + 7]);
        return next == '_' || (!pair && NeedsEscape(next));
    }

    /// <summary>
    /// What a cell cannot carry as it is: what XML 1.0 cannot, and a carriage return, which an XML reader turns into a
    /// line feed (Excel writes it as <c>_x000D_</c> too).
    /// </summary>
    private static bool NeedsEscape(char c) => c == '\r' || !IsXmlChar(c);

    /// <summary>Whether <c>_xHHHH_</c> (four hex digits) starts at <paramref name="at"/>.</summary>
    private static bool StartsEscape(string text, int at) =>
        at + 7 <= text.Length && text[at] == '_' && text[at + 1] == 'x' && text[at + 6] == '_' && char.IsAsciiHexDigit(text[at + 2])
        && char.IsAsciiHexDigit(text[at + 3]) && char.IsAsciiHexDigit(text[at + 4]) && char.IsAsciiHexDigit(text[at + 5]);
}

using Budget.Domain.Money;
using NodaTime;
using NodaTime.Text;

namespace Budget.Application.Datasets;

/// <summary>
/// A dataset file read by header name: required columns must be present, optional ones may be, anything else is
/// an error. Rows stream; each row's fields are read through typed accessors that record errors with the row's
/// line and column and return null.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private readonly CsvRecordReader reader;
    private readonly Dictionary<string, int> columns;
    private readonly ErrorList errors;
    private bool ended;

    private CsvTable(string file, CsvRecordReader reader, Dictionary<string, int> columns, ErrorList errors)
    {
        File = file;
        this.reader = reader;
        this.columns = columns;
        this.errors = errors;
        Amounts = reader.IsDanish ? AmountText.Danish : AmountText.Invariant;
    }

    public string File { get; }

    public AmountText Amounts { get; }

    /// <summary>Opens a file and checks its header; null (with errors recorded) when the header is unusable.</summary>
    public static CsvTable? Open(string file, Stream stream, IReadOnlyList<string> required, IReadOnlyList<string> optional, ErrorList errors, CsvLimits? limits = null)
    {
        var reader = new CsvRecordReader(stream, limits);
        CsvRecord? header;
        try
        {
            header = reader.Read();
        }
        catch (CsvFormatException e)
        {
            errors.Add(new DatasetError(file, e.Line, null, e.Message));
            reader.Dispose();
            return null;
        }

        if (header is null)
        {
            errors.Add(new DatasetError(file, 1, null, "the file is empty: a header row is required"));
            reader.Dispose();
            return null;
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var ok = true;
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            if (!required.Contains(name) && !optional.Contains(name))
            {
                errors.Add(new DatasetError(file, header.Line, Budget.Domain.Echo.Cut(name), $"unknown column '{Budget.Domain.Echo.Cut(name)}' (expected {string.Join(", ", required.Concat(optional))})"));
                ok = false;
            }
            else if (!columns.TryAdd(name, i))
            {
                errors.Add(new DatasetError(file, header.Line, name, $"column '{name}' appears twice"));
                ok = false;
            }
        }

        foreach (var name in required.Where(r => !columns.ContainsKey(r)))
        {
            errors.Add(new DatasetError(file, header.Line, name, $"required column '{name}' is missing"));
            ok = false;
        }

        if (!ok)
        {
            reader.Dispose();
            return null;
        }

        return new CsvTable(file, reader, columns, errors);
    }

    /// <summary>The data rows; a row with the wrong number of fields is recorded as an error and skipped.</summary>
    public IEnumerable<CsvRow> Rows()
    {
        while (NextRow() is { } row)
        {
            yield return row;
        }
    }

    /// <summary>The next data row as <see cref="Rows"/> gives it; null at the end, or after an error in the format itself.</summary>
    public CsvRow? NextRow()
    {
        while (!ended)
        {
            CsvRecord? record;
            try
            {
                record = reader.Read();
            }
            catch (CsvFormatException e)
            {
                errors.Add(new DatasetError(File, e.Line, null, e.Message));
                ended = true;
                break;
            }

            if (record is null)
            {
                ended = true;
                break;
            }

            if (record.Fields is [""])
            {
                continue; // a blank line, e.g. at the end of the file
            }

            if (record.Fields.Count != columns.Count)
            {
                errors.Add(new DatasetError(File, record.Line, null, $"the row has {record.Fields.Count} fields, the header {columns.Count}"));
                continue;
            }

            return new CsvRow(this, record);
        }

        return null;
    }

    /// <summary>The position of a column in the file's records (the header's order).</summary>
    public int IndexOf(string column) => columns[column];

    /// <summary>
    /// The next row without allocating when it is plain and whole (<see cref="CsvRecordReader.TryReadPlain"/>): its
    /// text, each column's range in the header's order, its line. Otherwise false with nothing consumed, and
    /// <see cref="NextRow"/> reads it.
    /// </summary>
    public bool TryReadPlain(Span<Range> fields, out ReadOnlySpan<char> record, out int line)
    {
        record = default;
        line = 0;
        return !ended && fields.Length == columns.Count && reader.TryReadPlain(fields, out record, out line);
    }

    /// <summary>A row read by <see cref="TryReadPlain"/> as the general accessors read it, to check and report it field by field.</summary>
    public CsvRow RowOf(int line, ReadOnlySpan<char> record, ReadOnlySpan<Range> fields)
    {
        var values = new string[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            values[i] = new string(record[fields[i]]);
        }

        return new CsvRow(this, new CsvRecord(line, values));
    }

    internal string? Raw(CsvRecord record, string column) =>
        columns.TryGetValue(column, out var index) ? record.Fields[index] : null;

    internal void Error(CsvRecord record, string column, string message) =>
        errors.Add(new DatasetError(File, record.Line, column, message));

    public void Dispose() => reader.Dispose();
}

/// <summary>One data row; accessors return null and record an error when a field is invalid.</summary>
internal sealed class CsvRow(CsvTable table, CsvRecord record)
{
    public int Line => record.Line;

    public bool HasErrors { get; private set; }

    public string? Text(string column, bool required = true, int maxLength = 1000)
    {
        var value = table.Raw(record, column)?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return required ? Fail(column, "a value is required") : null;
        }

        return value.Length > maxLength ? Fail(column, $"at most {maxLength} characters") : value;
    }

    public Amount? Amount(string column, bool required = true)
    {
        var value = table.Raw(record, column);
        if (!required && string.IsNullOrWhiteSpace(value))
        {
            return Domain.Money.Amount.Zero;
        }

        if (table.Amounts.TryParse(value, out var amount, out var error))
        {
            return amount;
        }

        Fail(column, error!);
        return null;
    }

    public LocalDate? Date(string column)
    {
        var value = table.Raw(record, column)?.Trim() ?? "";
        if (TryParseIsoDate(value) is { } date)
        {
            return date;
        }

        // Only a date the plain reader does not take reaches NodaTime's pattern (and its first use's ~30 ms of set-up).
        var result = LocalDatePattern.Iso.Parse(value);
        if (result.Success)
        {
            return result.Value;
        }

        Fail(column, $"'{Budget.Domain.Echo.Cut(value)}' is not a date in the form yyyy-MM-dd");
        return null;
    }

    /// <summary>
    /// A yyyy-MM-dd date (year 1 to 9999) read without the pattern parser, the hot path of a large import; null for
    /// anything else, which the pattern then reads or refuses with its message.
    /// </summary>
    public static LocalDate? TryParseIsoDate(ReadOnlySpan<char> value)
    {
        if (value.Length != 10 || value[4] != '-' || value[7] != '-')
        {
            return null;
        }

        var year = Digits(value, 0, 4);
        var month = Digits(value, 5, 2);
        var day = Digits(value, 8, 2);
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= CalendarSystem.Iso.GetDaysInMonth(year, month)
            ? new LocalDate(year, month, day)
            : null;

        static int Digits(ReadOnlySpan<char> text, int start, int count)
        {
            var number = 0;
            for (var i = start; i < start + count; i++)
            {
                if (!char.IsAsciiDigit(text[i]))
                {
                    return -1;
                }

                number = (number * 10) + (text[i] - '0');
            }

            return number;
        }
    }

    public int? Integer(string column, int min, int max)
    {
        var value = table.Raw(record, column)?.Trim() ?? "";
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Fail(column, $"'{Budget.Domain.Echo.Cut(value)}' is not a whole number from {min} to {max}");
        return null;
    }

    /// <summary>A plain decimal (rates, persons): invariant form, at most <paramref name="decimals"/> decimals, within [min, max].</summary>
    public decimal? Decimal(string column, decimal min, decimal max, int decimals)
    {
        var value = table.Raw(record, column)?.Trim() ?? "";
        if (decimal.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number >= min && number <= max && decimal.Round(number, decimals) == number)
        {
            return number;
        }

        Fail(column, $"'{Budget.Domain.Echo.Cut(value)}' is not a number from {min} to {max} with at most {decimals} decimals");
        return null;
    }

    /// <summary>The raw trimmed text, empty when absent.</summary>
    public string Raw(string column) => table.Raw(record, column)?.Trim() ?? "";

    public T? Fail<T>(string column, string message)
        where T : class
    {
        HasErrors = true;
        table.Error(record, column, message);
        return null;
    }

    public string? Fail(string column, string message) => Fail<string>(column, message);

    public void Reject(string column, string message)
    {
        HasErrors = true;
        table.Error(record, column, message);
    }
}

/// <summary>Errors of one import, bounded so a hopeless file does not exhaust memory.</summary>
public sealed class ErrorList
{
    public const int Limit = 1000;

    private readonly List<DatasetError> errors = [];

    public int Count { get; private set; }

    public bool Any => Count > 0;

    public bool Full => Count >= Limit;

    public IReadOnlyList<DatasetError> Items => errors;

    public void Add(DatasetError error)
    {
        Count++;
        if (errors.Count < Limit)
        {
            errors.Add(error);
        }
    }

    /// <summary>
    /// Adds the first <paramref name="count"/> of another list's errors after these, as if they had been added here in
    /// turn (the count includes those past the limit, which neither list keeps).
    /// </summary>
    public void Append(ErrorList other, int count)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, other.Count);
        var kept = Math.Min(count, other.errors.Count);
        for (var i = 0; i < kept; i++)
        {
            Add(other.errors[i]);
        }

        Count += count - kept;
    }
}

using System.Text;

namespace Budget.Application.Datasets;

/// <summary>
/// The largest field and record a reader accepts, in characters (contract §7: <c>Budget:MaxCsvField</c>,
/// <c>Budget:MaxCsvRecord</c>). A reader refuses a longer one as soon as it passes the limit, so memory stays
/// bounded by the limit whatever the file holds.
/// </summary>
public sealed record CsvLimits(int MaxField = CsvLimits.DefaultMaxField, int MaxRecord = CsvLimits.DefaultMaxRecord)
{
    public const int DefaultMaxField = 64 * 1024;
    public const int DefaultMaxRecord = 1024 * 1024;

    public static CsvLimits Default { get; } = new();
}

/// <summary>One record of a CSV file with the line it starts on (line 1 = header).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// A streaming RFC 4180 reader: quoted fields may hold separators, doubled quotes and line breaks. Reads UTF-8
/// (an optional BOM is skipped); bytes that are not UTF-8 decode to U+FFFD, and the first record holding one is
/// refused with its line as <see cref="CsvFormatException"/> (a throwing decoder would fail a whole buffer at once
/// and so name the wrong line).
/// A first line <c>sep=;</c> (the convention Excel writes) switches to the Danish flavour.
/// </summary>
public sealed class CsvRecordReader : IDisposable
{
    private readonly TextReader reader;
    private readonly CsvLimits limits;
    private int line = 1;
    private bool started;

    public CsvRecordReader(Stream stream, CsvLimits? limits = null)
    {
        this.limits = limits ?? CsvLimits.Default;
        reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
    }

    /// <summary>A reader of a file whose separator is known beforehand (a printed table: ';' for Danish numbers, ',' for plain).</summary>
    public CsvRecordReader(Stream stream, CsvLimits? limits, char separator)
        : this(stream, limits) => Separator = separator;

    public char Separator { get; private set; } = ',';

    /// <summary>True when the file declared the Danish flavour (<c>sep=;</c>): ';' separator, ',' decimals, '.' thousands.</summary>
    public bool IsDanish => Separator == ';';

    public CsvRecord? Read()
    {
        var record = ReadDeclared();
        if (record is not null && record.Fields.Any(f => f.Contains('\uFFFD', StringComparison.Ordinal)))
        {
            throw new CsvFormatException(record.Line, "the file is not UTF-8 (save it as UTF-8, e.g. 'CSV UTF-8' in Excel)");
        }

        return record;
    }

    private CsvRecord? ReadDeclared()
    {
        if (started)
        {
            return ReadRecordFrom(line);
        }

        started = true;
        if (reader.Peek() == '\uFEFF')
        {
            reader.Read();
        }

        if (reader.Peek() != 's')
        {
            return ReadRecordFrom(line);
        }

        var first = ReadRecordFrom(line);
        if (first is not { Fields: [var only] } || !only.StartsWith("sep=", StringComparison.Ordinal) || only.Length != 5)
        {
            return first;
        }

        Separator = only[4];
        if (Separator != ';')
        {
            throw new CsvFormatException(first.Line, $"only 'sep=;' (the Danish flavour) is understood, not '{only}'");
        }

        return ReadRecordFrom(line);
    }

    private CsvRecord? ReadRecordFrom(int startLine)
    {
        if (reader.Peek() < 0)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var fieldStart = true;
        var recordLength = 0;
        while (true)
        {
            var c = reader.Read();
            if (++recordLength > limits.MaxRecord)
            {
                throw new CsvFormatException(startLine, $"the record is longer than {limits.MaxRecord} characters (Budget:MaxCsvRecord)");
            }

            if (field.Length > limits.MaxField)
            {
                throw new CsvFormatException(startLine, $"field {fields.Count + 1} is longer than {limits.MaxField} characters (Budget:MaxCsvField)");
            }

            if (c < 0)
            {
                if (quoted)
                {
                    throw new CsvFormatException(startLine, "a quoted field is not closed before the end of the file");
                }

                fields.Add(field.ToString());
                break;
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        var next = reader.Peek();
                        if (next >= 0 && next != Separator && next != '\r' && next != '\n')
                        {
                            throw new CsvFormatException(line, "a quoted field must end at a separator or the end of the line");
                        }
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            if (ch == '"' && fieldStart)
            {
                quoted = true;
                fieldStart = false;
                continue;
            }

            if (ch == Separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStart = true;
                continue;
            }

            if (ch is '\r' or '\n')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                line++;
                fields.Add(field.ToString());
                break;
            }

            if (ch == '"')
            {
                throw new CsvFormatException(line, "a quote may only start a field (quote the whole field and double inner quotes)");
            }

            field.Append(ch);
            fieldStart = false;
        }

        return new CsvRecord(startLine, fields);
    }

    public void Dispose() => reader.Dispose();
}

/// <summary>The file breaks the CSV format itself at a line.</summary>
public sealed class CsvFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

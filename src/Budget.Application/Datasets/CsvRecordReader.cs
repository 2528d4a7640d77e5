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
    // Characters are decoded into a buffer of our own: a record without quotes or lone carriage returns is cut into
    // fields straight from it (vectorised searches, one string per field), which is the hot path of a large import;
    // any other record, or one past a limit, is read by the character-by-character reader below from the same buffer.
    private const int BufferSize = 1 << 16;

    private readonly TextReader reader;
    private readonly CsvLimits limits;
    private readonly char[] buffer = new char[BufferSize];
    private int position;
    private int end;
    private bool exhausted;
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
        if (record is not null)
        {
            foreach (var field in record.Fields)
            {
                if (field.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    throw new CsvFormatException(record.Line, "the file is not UTF-8 (save it as UTF-8, e.g. 'CSV UTF-8' in Excel)");
                }

                // PostgreSQL's text cannot hold NUL; a UTF-16 file read as UTF-8 is full of them.
                if (field.Contains('\0', StringComparison.Ordinal))
                {
                    throw new CsvFormatException(record.Line, "the file holds a NUL character (U+0000), which no field may hold (is it saved as UTF-16? save it as UTF-8)");
                }
            }
        }

        return record;
    }

    private CsvRecord? ReadDeclared()
    {
        if (started)
        {
            return TryReadPlainRecord() ?? ReadRecordFrom(line);
        }

        started = true;
        if (Peek() == '\uFEFF')
        {
            Next();
        }

        if (Peek() != 's')
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

    /// <summary>
    /// The next record when it is plain — within the buffer, no quote, no carriage return but one right before its line
    /// feed, within the limits — cut into fields exactly as <see cref="ReadRecordFrom"/> would; otherwise null with
    /// nothing consumed, and the general reader takes it.
    /// </summary>
    private CsvRecord? TryReadPlainRecord()
    {
        if (!TryLocatePlain(out var length, out var terminated))
        {
            return null;
        }

        var content = buffer.AsSpan(position, length);
        if (terminated && content.EndsWith('\r'))
        {
            content = content[..^1];
        }

        var count = content.Count(Separator) + 1;
        var fields = new string[count];
        var rest = content;
        for (var i = 0; i < count; i++)
        {
            var cut = i == count - 1 ? rest.Length : rest.IndexOf(Separator);
            if (cut > limits.MaxField)
            {
                return null;
            }

            fields[i] = new string(rest[..cut]);
            rest = i == count - 1 ? rest : rest[(cut + 1)..];
        }

        return new CsvRecord(Consume(length, terminated), fields);
    }

    /// <summary>
    /// The hot path of a large import, without allocating: when the next data record is plain (as for
    /// <see cref="TryReadPlainRecord"/>), holds exactly <c>fields.Length</c> fields and no replacement or NUL character, consumes
    /// it and gives its text (valid until the next read), each field's range within it and its line. Otherwise false
    /// with nothing consumed: <see cref="Read"/> then takes the record, with its errors and the header's flavour.
    /// </summary>
    public bool TryReadPlain(Span<Range> fields, out ReadOnlySpan<char> record, out int recordLine)
    {
        record = default;
        recordLine = 0;
        if (!started || !TryLocatePlain(out var length, out var terminated))
        {
            return false;
        }

        var content = buffer.AsSpan(position, length);
        if (terminated && content.EndsWith('\r'))
        {
            content = content[..^1];
        }

        if (content.IndexOfAny('\uFFFD', '\0') >= 0)
        {
            return false;
        }

        var start = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            var rest = content[start..];
            var cut = i == fields.Length - 1 ? rest.Length : rest.IndexOf(Separator);
            if (cut < 0 || cut > limits.MaxField || (i == fields.Length - 1 && rest.Contains(Separator)))
            {
                return false;
            }

            fields[i] = new Range(start, start + cut);
            start += cut + 1;
        }

        record = content;
        recordLine = Consume(length, terminated);
        return true;
    }

    /// <summary>
    /// Whether the next record is plain, and if so its length in the buffer without the line feed and whether a line
    /// feed ends it (not the end of the file); nothing is consumed.
    /// </summary>
    private bool TryLocatePlain(out int length, out bool terminated)
    {
        var newline = buffer.AsSpan(position, end - position).IndexOf('\n');
        if (newline < 0 && !exhausted)
        {
            Fill(compact: true);
            newline = buffer.AsSpan(position, end - position).IndexOf('\n');
        }

        terminated = newline >= 0;
        length = terminated ? newline : end - position;
        if (!terminated && (!exhausted || position == end))
        {
            return false; // longer than the buffer, or the end of the file
        }

        var content = buffer.AsSpan(position, length);
        if (terminated && content.EndsWith('\r'))
        {
            content = content[..^1];
        }

        // The general reader counts every character it reads, the terminator (or the end of the file) included.
        return content.IndexOfAny('"', '\r') < 0 && content.Length + 1 <= limits.MaxRecord;
    }

    /// <summary>Consumes a located plain record; its line.</summary>
    private int Consume(int length, bool terminated)
    {
        var startLine = line;
        position += length + (terminated ? 1 : 0);
        if (terminated)
        {
            line++;
        }

        return startLine;
    }

    private int Peek()
    {
        if (position == end)
        {
            Fill(compact: false);
        }

        return position < end ? buffer[position] : -1;
    }

    private int Next()
    {
        var c = Peek();
        if (c >= 0)
        {
            position++;
        }

        return c;
    }

    /// <summary>Reads more characters after those not yet consumed (moved to the front when <paramref name="compact"/>).</summary>
    private void Fill(bool compact)
    {
        if (exhausted)
        {
            return;
        }

        if (position == end || compact)
        {
            var kept = end - position;
            Array.Copy(buffer, position, buffer, 0, kept);
            (position, end) = (0, kept);
        }

        if (end == buffer.Length)
        {
            return;
        }

        var read = reader.Read(buffer, end, buffer.Length - end);
        if (read == 0)
        {
            exhausted = true;
        }

        end += read;
    }

    private CsvRecord? ReadRecordFrom(int startLine)
    {
        if (Peek() < 0)
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
            var c = Next();
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
                    if (Peek() == '"')
                    {
                        Next();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        var next = Peek();
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
                if (ch == '\r' && Peek() == '\n')
                {
                    Next();
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

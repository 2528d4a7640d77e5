using System.Text;
using Budget.Application.Datasets;
using FsCheck;
using FsCheck.Fluent;

namespace Budget.Api.Tests;

/// <summary>
/// The CSV reader cuts plain records straight from its buffer and reads every other one character by character
/// (issue 20): whatever mix of plain and quoted fields, separators, quotes and line breaks inside quotes, and LF or
/// CRLF line ends a file has, and however its records straddle the reader's buffer, every record reads back with its
/// own fields and the line it starts on.
/// </summary>
public sealed class CsvReaderProperties
{
    private static readonly Gen<string> Fields = Gen.Frequency(
        (20, Gen.Elements("", "5.57.70", "2014-03-31", "-1234.50", "Beskæftigelsesudvalget", "a b")),
        (5, Gen.Elements("med, komma", "\"citat\"", "to\nlinjer", "cr\r\nlf", "x\"y")),
        (1, Gen.Choose(1, 70_000).Select(n => new string('x', n))));

    [Fact]
    public void Every_record_reads_back_with_its_fields_and_line()
    {
        var files = from records in Gen.NonEmptyListOf(Gen.NonEmptyListOf(Fields).Resize(6).Select(f => f.ToArray())).Resize(40)
                    from crlf in Gen.Elements(false, true)
                    from finalNewline in Gen.Elements(false, true)
                    select (records: records.Where(r => r is not [""]).ToArray(), crlf, finalNewline);
        files = files.Where(f => f.records.Length > 0);
        Prop.ForAll(files.ToArbitrary(), file =>
        {
            var newline = file.crlf ? "\r\n" : "\n";
            var text = new StringBuilder();
            var lines = new List<int>();
            var line = 1;
            for (var r = 0; r < file.records.Length; r++)
            {
                lines.Add(line);
                var written = string.Join(",", file.records[r].Select(f => f.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f));
                text.Append(written);
                line += written.Count(c => c == '\n') + 1;
                if (r < file.records.Length - 1 || file.finalNewline)
                {
                    text.Append(newline);
                }
            }

            using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), new CsvLimits(MaxField: 1 << 20, MaxRecord: 1 << 22));
            for (var r = 0; r < file.records.Length; r++)
            {
                var record = reader.Read();
                if (record is null || !record.Fields.SequenceEqual(file.records[r]) || record.Line != lines[r])
                {
                    return false;
                }
            }

            return reader.Read() is null;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(10, 9, true)]
    [InlineData(10, 10, false)]
    public void A_plain_record_past_the_record_limit_is_refused_as_before(int limit, int length, bool accepted)
    {
        // The limit counts the terminator too: a record of limit - 1 characters and its line feed fit.
        var text = new string('a', length) + "\nb\n";
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), new CsvLimits(MaxField: limit, MaxRecord: limit));
        var read = () => reader.Read();
        if (accepted)
        {
            read().Should().NotBeNull().And.Subject.As<CsvRecord>().Fields.Should().Equal(new string('a', length));
        }
        else
        {
            read.Should().Throw<CsvFormatException>().Which.Line.Should().Be(1);
        }
    }
}

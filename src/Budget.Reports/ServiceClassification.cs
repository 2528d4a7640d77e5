using Budget.Application.Datasets;
using Budget.Domain.Accounts;

namespace Budget.Reports;

/// <summary>
/// Reference data: which accounts are service expenditure (under the service frame) and which are transfers, by the
/// longest matching prefix of the account's chart number (<c>data/reference/service-classification.csv</c>).
/// </summary>
public sealed class ServiceClassification(IReadOnlyList<(string Prefix, ExpenditureClass Class, string Source)> entries) : Application.YearEnd.IExpenditureClassifier
{
    public IReadOnlyList<(string Prefix, ExpenditureClass Class, string Source)> Entries => entries;

    public ExpenditureClass? ClassOf(AccountId account)
    {
        var id = account.Value;
        var match = entries
            .Where(e => id == e.Prefix || id.StartsWith(e.Prefix + ".", StringComparison.Ordinal))
            .OrderByDescending(e => e.Prefix.Length)
            .Select(e => (ExpenditureClass?)e.Class)
            .FirstOrDefault();
        return match;
    }

    /// <summary>The copy of the reference file built into this assembly.</summary>
    public static ServiceClassification Embedded()
    {
        using var stream = typeof(ServiceClassification).Assembly.GetManifestResourceStream("reference/service-classification.csv")
            ?? throw new InvalidOperationException("reference/service-classification.csv is not embedded.");
        return Load(stream);
    }

    public static ServiceClassification Load(Stream stream)
    {
        var entries = new List<(string, ExpenditureClass, string)>();
        using var reader = new CsvRecordReader(stream);
        var header = reader.Read();
        if (header is null || !header.Fields.SequenceEqual(["chart_prefix", "class", "source"]))
        {
            throw new InvalidOperationException("service-classification.csv needs the header chart_prefix,class,source.");
        }

        while (reader.Read() is { } record)
        {
            if (record.Fields is [""])
            {
                continue;
            }

            var cls = record.Fields[1] switch
            {
                "service" => ExpenditureClass.Service,
                "transfer" => ExpenditureClass.Transfer,
                var other => throw new InvalidOperationException($"service-classification.csv line {record.Line}: '{other}' is not service or transfer."),
            };
            entries.Add((record.Fields[0], cls, record.Fields[2]));
        }

        return new ServiceClassification(entries);
    }
}

using Budget.Application.Datasets;
using Budget.Domain.Cases;

namespace Budget.Application.Cases;

/// <summary>Reference data could not be loaded; the message lists every problem with file, line and column.</summary>
public sealed class ReferenceDataException(string what, IReadOnlyList<DatasetError> errors)
    : Exception($"The {what} is invalid:" + string.Concat(errors.Select(e => $"\n  {e.File}.csv line {e.Line}{(e.Column is null ? "" : $", {e.Column}")}: {e.Message}")))
{
    public IReadOnlyList<DatasetError> Errors { get; } = errors;
}

/// <summary>
/// Loads the price and wage index (<c>data/reference/price-index.csv</c>: <c>year,kind,index,source</c>) and validates
/// it as the rule data is validated: every problem named by file, line and column, and the whole file refused —
/// the server does not start on a broken index. Years 1970–2100; kind <c>service</c> (P/L) or <c>transfer</c>
/// (satsregulering); index above 0, at most 100.000, at most 4 decimals; a source on every row (a value that is not
/// a published figure says so: <c>illustrative: …</c>); one value per year and kind.
/// </summary>
public static class PriceIndexData
{
    public const string FileName = "price-index";

    public static PriceIndex Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var errors = new ErrorList();
        var entries = new List<PriceIndexEntry>();
        var lines = new Dictionary<(int, PriceIndexKind), int>();
        using (var table = CsvTable.Open(FileName, stream, ["year", "kind", "index", "source"], [], errors))
        {
            if (table is not null)
            {
                foreach (var row in table.Rows())
                {
                    var year = row.Integer("year", 1970, 2100);
                    PriceIndexKind? kind = row.Raw("kind") switch
                    {
                        "service" => PriceIndexKind.Service,
                        "transfer" => PriceIndexKind.Transfer,
                        var other => Reject(row, other),
                    };
                    var index = row.Decimal("index", 0m, 100_000m, 4);
                    if (index == 0m)
                    {
                        row.Reject("index", "an index must be above 0");
                    }

                    var source = row.Text("source", maxLength: 1000);
                    if (year is { } y && kind is { } k && lines.TryGetValue((y, k), out var earlier))
                    {
                        row.Reject("year", $"{PriceIndex.KindCode(k)} {y} is given on line {earlier} already");
                    }

                    if (!row.HasErrors)
                    {
                        lines[(year!.Value, kind!.Value)] = row.Line;
                        entries.Add(new PriceIndexEntry(year.Value, kind.Value, index!.Value, source!));
                    }
                }
            }
        }

        if (errors.Any)
        {
            throw new ReferenceDataException("price index", errors.Items);
        }

        return new PriceIndex(entries);
    }

    private static PriceIndexKind? Reject(CsvRow row, string value)
    {
        row.Reject("kind", $"'{Domain.Echo.Cut(value)}' is not an index kind (service or transfer)");
        return null;
    }

    /// <summary>The file at <paramref name="path"/>, or the copy embedded in <paramref name="assembly"/> as <c>reference/price-index.csv</c>.</summary>
    public static PriceIndex LoadFileOrEmbedded(string? path, System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (!string.IsNullOrWhiteSpace(path))
        {
            if (!File.Exists(path))
            {
                throw new ReferenceDataException("price index", [new DatasetError(FileName, 0, null, $"the file {path} does not exist")]);
            }

            using var file = File.OpenRead(path);
            return Load(file);
        }

        using var stream = assembly.GetManifestResourceStream($"reference/{FileName}.csv")
            ?? throw new InvalidOperationException($"reference/{FileName}.csv is not embedded.");
        return Load(stream);
    }
}

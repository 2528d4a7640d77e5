using Budget.Application.Datasets;
using Budget.Domain;
using Budget.Domain.Refusion;
using Budget.Domain.YearEnd;

namespace Budget.Application.YearEnd;

/// <summary>The carry-over policy file could not be loaded; the message lists every problem with file, line and column.</summary>
public sealed class CarryOverPolicyDataException(IReadOnlyList<DatasetError> errors)
    : Exception("The carry-over policy data is invalid:" + string.Concat(errors.Select(e => $"\n  {e.File}.csv line {e.Line}{(e.Column is null ? "" : $", {e.Column}")}: {e.Message}")))
{
    public IReadOnlyList<DatasetError> Errors { get; } = errors;
}

/// <summary>
/// Loads <c>data/rules/carry-over-policies.csv</c> (docs/data-formats.md) and validates it as a whole, like the
/// refusion rules: every field of every row (selector and value, mode, shares 0–1, cap 0–100 %, dates, source), and
/// no two policies with the same selector in overlapping periods (the most specific selector must always decide).
/// </summary>
public static class CarryOverPolicyData
{
    public const string FileName = "carry-over-policies";

    private static readonly string[] Required = ["policy", "selector", "value", "mode", "underspend_share", "overspend_share", "cap_percent", "valid_from", "valid_to", "source"];

    private static readonly string[] AutomaticOnly = ["underspend_share", "overspend_share", "cap_percent"];

    private sealed record Row(int Line, CarryOverPolicy Policy);

    public static CarryOverPolicies Load(Func<Stream>? open)
    {
        var errors = new ErrorList();
        if (open is null)
        {
            throw new CarryOverPolicyDataException([new DatasetError(FileName, 0, null, "the file is missing")]);
        }

        var rows = new List<Row>();
        using (var table = CsvTable.Open(FileName, open(), Required, [], errors))
        {
            if (table is not null)
            {
                foreach (var row in table.Rows())
                {
                    if (Read(row) is { } policy)
                    {
                        rows.Add(new Row(row.Line, policy));
                    }
                }
            }
        }

        foreach (var selector in rows.GroupBy(r => (r.Policy.Selector.Kind, r.Policy.Selector.Value)))
        {
            var periods = selector.ToArray();
            for (var i = 0; i < periods.Length; i++)
            {
                for (var j = i + 1; j < periods.Length; j++)
                {
                    var (a, b) = (periods[i], periods[j]);
                    if (a.Policy.Validity.Overlaps(b.Policy.Validity))
                    {
                        errors.Add(new DatasetError(FileName, b.Line, "valid_from",
                            $"{b.Policy.Selector} valid {b.Policy.Validity} overlaps line {a.Line} ({a.Policy.Selector} valid {a.Policy.Validity}): one selector has one policy at a time"));
                    }
                }
            }
        }

        if (errors.Any)
        {
            throw new CarryOverPolicyDataException(errors.Items);
        }

        return new CarryOverPolicies(rows.Select(r => r.Policy).ToArray());
    }

    /// <summary>The policy file of a folder (<c>Budget:RulesPath</c>); a folder without it is refused like a missing rule file.</summary>
    public static CarryOverPolicies LoadFolder(string folder)
    {
        var path = Path.Combine(folder, FileName + ".csv");
        return Load(File.Exists(path) ? () => File.OpenRead(path) : null);
    }

    /// <summary>The copy of <c>data/rules/carry-over-policies.csv</c> embedded in an assembly as <c>rules/carry-over-policies.csv</c>.</summary>
    public static CarryOverPolicies LoadEmbedded(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var name = $"rules/{FileName}.csv";
        return Load(assembly.GetManifestResourceInfo(name) is null ? null : () => assembly.GetManifestResourceStream(name)!);
    }

    private static CarryOverPolicy? Read(CsvRow row)
    {
        var name = row.Text("policy", maxLength: CarryOverPolicy.MaxNameLength);
        CarryOverSelector? selector = null;
        if (!CarryOverSelector.TryParse(row.Raw("selector"), row.Raw("value"), out var parsed, out var selectorError))
        {
            row.Reject(selectorError!.Value.Column, selectorError.Value.Message);
        }
        else
        {
            selector = parsed;
        }

        if (!CarryOverPolicy.TryParseMode(row.Raw("mode"), out var mode))
        {
            row.Reject("mode", $"'{Echo.Cut(row.Raw("mode"))}' is not a mode (automatic or by-decision)");
        }

        decimal? underspend = null, overspend = null, cap = null;
        if (mode == CarryOverMode.Automatic)
        {
            underspend = row.Decimal("underspend_share", 0m, 1m, 4);
            overspend = row.Decimal("overspend_share", 0m, 1m, 4);
            cap = row.Raw("cap_percent") == "" ? null : row.Decimal("cap_percent", 0m, 100m, 2);
        }
        else
        {
            foreach (var column in AutomaticOnly.Where(c => row.Raw(c) != ""))
            {
                row.Reject(column, "a by-decision policy carries what the council decides: leave the shares and the cap empty");
            }
        }

        var from = row.Date("valid_from");
        var to = row.Raw("valid_to") == "" ? null : row.Date("valid_to");
        var source = row.Text("source", maxLength: 1000);
        if (from is not null && to is not null && to < from)
        {
            row.Reject("valid_to", $"{to:yyyy-MM-dd} is before valid_from {from:yyyy-MM-dd}");
        }

        return row.HasErrors ? null : new CarryOverPolicy(name!, selector!, mode, underspend, overspend, cap, new Validity(from!.Value, to, source!));
    }
}

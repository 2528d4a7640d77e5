using System.Globalization;
using Budget.Application.Datasets;
using Budget.Application.Users;
using Budget.Domain;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application.Cases;

/// <summary>The outcome of a case import: the ids created, or the errors (file, line, column) that stopped it.</summary>
public sealed record CaseImportOutcome(IReadOnlyList<long>? Ids, IReadOnlyList<DatasetError> Errors, string? Problem = null)
{
    public bool Succeeded => Ids is not null;
}

/// <summary>
/// Cases from a CSV of case rows (docs/data-formats.md, "Cases"), one row per line or financing row, grouped into
/// cases by <c>reference</c> in the order they first appear; the case's own fields (<c>title</c>, <c>permanent</c>,
/// <c>cash_neutral</c>, <c>catalogue</c>, <c>price_level</c>) on its first row, later rows empty or the same. The cases
/// are then built by <see cref="CaseRecording"/>, by the rules of the API, and stored all or none; an error of a case
/// is reported on the CSV line of the row it concerns.
/// </summary>
public sealed class CaseImport(CaseRecording recording)
{
    public const string FileName = "cases";

    public const int MaxRows = 100_000;

    private static readonly string[] Required = ["reference", "kind", "account"];

    private static readonly string[] Optional =
        ["title", "permanent", "cash_neutral", "catalogue", "price_level", "budget_year", "out_year_1", "out_year_2", "out_year_3", "annual", "from", "to", "share", "classification"];

    private static readonly string[] CaseFields = ["title", "permanent", "cash_neutral", "catalogue", "price_level"];

    private sealed class Draft(string reference, int line)
    {
        public string Reference { get; } = reference;

        public int Line { get; } = line;

        public Dictionary<string, (string Value, int Line)> Fields { get; } = new(StringComparer.Ordinal);

        public List<(CaseLineInput Input, int Line)> Lines { get; } = [];

        public List<(CaseFinancingInput Input, int Line)> Financing { get; } = [];
    }

    public async Task<CaseImportOutcome> Run(int year, Stream csv, Actor actor, CancellationToken cancellationToken, CsvLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var errors = new ErrorList();
        var drafts = new List<Draft>();
        var byReference = new Dictionary<string, Draft>(StringComparer.Ordinal);
        using (var table = CsvTable.Open(FileName, csv, Required, Optional, errors, limits))
        {
            if (table is not null)
            {
                var rows = 0;
                foreach (var row in table.Rows())
                {
                    if (++rows > MaxRows)
                    {
                        errors.Add(new DatasetError(FileName, row.Line, null, $"a case file holds at most {MaxRows} rows"));
                        break;
                    }

                    Read(row, table.Amounts, drafts, byReference);
                    if (errors.Full)
                    {
                        break;
                    }
                }
            }
        }

        if (errors.Any)
        {
            return new CaseImportOutcome(null, errors.Items);
        }

        var inputs = new List<CaseInput>();
        foreach (var draft in drafts)
        {
            var input = ToInput(draft, errors);
            if (input is not null)
            {
                inputs.Add(input);
            }
        }

        if (errors.Any)
        {
            return new CaseImportOutcome(null, errors.Items);
        }

        var result = await recording.CreateMany(year, inputs, actor, cancellationToken);
        return result.Status switch
        {
            CaseStatus.Done => new CaseImportOutcome(result.Ids, []),
            CaseStatus.Invalid => new CaseImportOutcome(null, result.Errors!.Select(e => Located(drafts, e.Key, string.Join(" ", e.Value))).OrderBy(e => e.Line).ToArray()),
            CaseStatus.YearNotFound => new CaseImportOutcome(null, [], $"There is no budget year {year} in the database."),
            _ => new CaseImportOutcome(null, [], result.Message),
        };
    }

    private static void Read(CsvRow row, AmountText amounts, List<Draft> drafts, Dictionary<string, Draft> byReference)
    {
        var reference = row.Text("reference", maxLength: CaseLimits.MaxReference);
        var kind = row.Raw("kind");
        var account = row.Text("account", maxLength: Domain.Accounts.AccountId.MaxLength);
        if (reference is null)
        {
            return;
        }

        if (!byReference.TryGetValue(reference, out var draft))
        {
            draft = new Draft(reference, row.Line);
            byReference[reference] = draft;
            drafts.Add(draft);
        }

        foreach (var field in CaseFields)
        {
            var value = row.Raw(field);
            if (value.Length == 0)
            {
                continue;
            }

            if (draft.Fields.TryGetValue(field, out var earlier) && earlier.Value != value)
            {
                row.Reject(field, $"case '{Echo.Cut(reference)}' has {field} '{Echo.Cut(earlier.Value)}' on line {earlier.Line}; a case's own fields are given once (later rows empty or the same)");
            }
            else
            {
                draft.Fields.TryAdd(field, (value, row.Line));
            }
        }

        var classification = row.Raw("classification") is { Length: > 0 } c ? c : null;
        switch (kind)
        {
            case "line":
            {
                var years = new[] { "budget_year", "out_year_1", "out_year_2", "out_year_3" };
                var anyYear = years.Any(y => row.Raw(y).Length > 0);
                if (row.Raw("annual").Length > 0)
                {
                    var annual = row.Amount("annual");
                    if (anyYear)
                    {
                        row.Reject("annual", "give the yearly amounts (budget_year, out_year_1–3) or annual with from, not both");
                    }

                    LocalDate? from = null;
                    if (row.Raw("from").Length == 0)
                    {
                        row.Reject("from", "a line given as annual needs from: the date the measure starts");
                    }
                    else
                    {
                        from = row.Date("from");
                    }

                    var to = row.Raw("to").Length == 0 ? null : row.Date("to");
                    if (row.Raw("share").Length > 0)
                    {
                        row.Reject("share", "a share belongs on a financing row");
                    }

                    if (!row.HasErrors && account is not null)
                    {
                        draft.Lines.Add((new CaseLineInput(account, null, annual, from, to, classification), row.Line));
                    }
                }
                else
                {
                    foreach (var column in new[] { "from", "to", "share" })
                    {
                        if (row.Raw(column).Length > 0)
                        {
                            row.Reject(column, column == "share" ? "a share belongs on a financing row" : $"{column} belongs with annual");
                        }
                    }

                    var values = years.Select(y => row.Amount(y, required: false)).ToArray();
                    if (!row.HasErrors && account is not null)
                    {
                        draft.Lines.Add((new CaseLineInput(account, values.Select(v => v!.Value).ToArray(), null, null, null, classification), row.Line));
                    }
                }

                break;
            }

            case "financing":
            {
                foreach (var column in new[] { "budget_year", "out_year_1", "out_year_2", "out_year_3", "annual", "from", "to" })
                {
                    if (row.Raw(column).Length > 0)
                    {
                        row.Reject(column, "a financing row gives its share only: its amounts are −share × the lines");
                    }
                }

                var share = Share(row, amounts);
                if (!row.HasErrors && account is not null && share is not null)
                {
                    draft.Financing.Add((new CaseFinancingInput(account, share.Value, classification), row.Line));
                }

                break;
            }

            default:
                row.Reject("kind", $"'{Echo.Cut(kind)}' is not a row kind (line or financing)");
                break;
        }
    }

    /// <summary>A share: a plain decimal (<c>0.25</c>), or with a decimal comma in the Danish flavour (<c>0,25</c>).</summary>
    private static decimal? Share(CsvRow row, AmountText amounts)
    {
        var text = row.Raw("share");
        var plain = amounts == AmountText.Danish ? text.Replace(',', '.') : text;
        if (decimal.TryParse(plain, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var share) && share > 0m && share <= 1m
            && decimal.Round(share, CaseLimits.MaxShareDecimals) == share)
        {
            return share;
        }

        row.Reject("share", $"'{Echo.Cut(text)}' is not a share above 0 and at most 1 with at most {CaseLimits.MaxShareDecimals} decimals");
        return null;
    }

    private static CaseInput? ToInput(Draft draft, ErrorList errors)
    {
        string? Field(string name) => draft.Fields.TryGetValue(name, out var v) ? v.Value : null;
        int LineOf(string name) => draft.Fields.TryGetValue(name, out var v) ? v.Line : draft.Line;
        bool? Flag(string name)
        {
            var value = Field(name);
            switch (value)
            {
                case null or "false":
                    return false;
                case "true":
                    return true;
                default:
                    errors.Add(new DatasetError(FileName, LineOf(name), name, $"'{Echo.Cut(value)}' is not true or false"));
                    return null;
            }
        }

        var permanent = Flag("permanent");
        var cashNeutral = Flag("cash_neutral");
        int? priceLevel = null;
        if (Field("price_level") is { } level)
        {
            if (int.TryParse(level, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                priceLevel = parsed;
            }
            else
            {
                errors.Add(new DatasetError(FileName, LineOf("price_level"), "price_level", $"'{Echo.Cut(level)}' is not a year"));
            }
        }

        if (Field("title") is null)
        {
            errors.Add(new DatasetError(FileName, draft.Line, "title", $"case '{Echo.Cut(draft.Reference)}' has no title (give it on its first row)"));
        }

        if (permanent is null || cashNeutral is null || Field("title") is null)
        {
            return null;
        }

        return new CaseInput(draft.Reference, Field("title")!, permanent.Value, cashNeutral.Value, Field("catalogue"), priceLevel,
            draft.Lines.Select(l => l.Input).ToArray(), draft.Financing.Select(f => f.Input).ToArray());
    }

    /// <summary>An error of <see cref="CaseRecording"/> (keyed <c>[k].lines[i].field</c>) on the CSV line and column it concerns.</summary>
    private static DatasetError Located(List<Draft> drafts, string key, string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(key, @"^\[(\d+)\]\.(?:(lines|financing)\[(\d+)\](?:\.(\w+))?|(\w+))$");
        if (!match.Success || int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) is var k && k >= drafts.Count)
        {
            return new DatasetError(FileName, 0, null, $"{key}: {message}");
        }

        var draft = drafts[k];
        if (match.Groups[2].Success)
        {
            var index = int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
            var rows = match.Groups[2].Value == "lines" ? draft.Lines.Select(l => l.Line).ToList() : draft.Financing.Select(f => f.Line).ToList();
            var line = index < rows.Count ? rows[index] : draft.Line;
            var field = match.Groups[4].Success ? match.Groups[4].Value : null;
            return new DatasetError(FileName, line, field switch
            {
                null => null,
                "amounts" => "budget_year",
                "cashNeutral" => "cash_neutral",
                "priceLevel" => "price_level",
                _ => field,
            }, message);
        }

        var caseField = match.Groups[5].Value switch
        {
            "cashNeutral" => "cash_neutral",
            "priceLevel" => "price_level",
            "lines" or "financing" => null,
            var other => other,
        };
        return new DatasetError(FileName, caseField is null ? draft.Line : draft.Fields.TryGetValue(caseField, out var f) ? f.Line : draft.Line, caseField, $"case '{Echo.Cut(draft.Reference)}': {message}");
    }
}

using System.Globalization;
using Budget.Application.Cases;
using Budget.Domain.Accounts;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Reports;

/// <summary>One row of a case table: a line or a financing row, its account and its amounts per year (kroner, or thousands).</summary>
public sealed record CaseTableRow(CaseRow Source, Account? Account, IReadOnlyList<decimal> Amounts);

/// <summary>
/// A case as the table of a council paper (tabel til bevillingsmæssige ændringer): the lines, their subtotal, the
/// financing rows, their subtotal, and the total, per year; at the case's price level or converted to another
/// (<see cref="PriceIndex.Convert(CaseAmounts, int, int, PriceIndexKind)"/>, row by row, to the øre). In thousands it
/// is rounded by <see cref="KeptTotals"/>, the function every report's <c>keepTotals</c> uses, so with kept totals
/// the rows add up to their subtotals and the subtotals to the total in every year (for a cash-neutral case: 0).
/// </summary>
public sealed record CaseTable(
    IReadOnlyList<int> Years,
    int PriceLevel,
    string Unit,
    IReadOnlyList<CaseTableRow> Rows,
    IReadOnlyList<decimal> Lines,
    IReadOnlyList<decimal> Financing,
    IReadOnlyList<decimal> Total)
{
    /// <summary>The case at <paramref name="level"/> (its own when null); the caller has checked that the index can convert it.</summary>
    public static CaseTable Of(AppropriationCase value, IReadOnlyDictionary<AccountId, Account> accounts, PriceIndex prices, ServiceClassification classification, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(classification);
        var target = level ?? value.PriceLevel;
        var rows = value.Rows.Select(r => new CaseTableRow(r, accounts.GetValueOrDefault(r.Account),
            prices.Convert(r.Amounts, value.PriceLevel, target, IndexKindOf(r, classification)).ToList().Select(a => a.Kroner).ToArray())).ToArray();
        decimal[] Sum(IEnumerable<CaseTableRow> part) => Enumerable.Range(0, CaseAmounts.Count).Select(y => part.Sum(r => r.Amounts[y])).ToArray();
        var lines = Sum(rows.Where(r => r.Source.Kind == CaseRowKind.Line));
        var financing = Sum(rows.Where(r => r.Source.Kind == CaseRowKind.Financing));
        return new CaseTable(value.Years, target, ReportDocument.Kroner, rows, lines, financing, lines.Zip(financing, (a, b) => a + b).ToArray());
    }

    /// <summary>The index kind of a case row: its own class when service or transfer, else its account's service classification (transfer → satsregulering, otherwise P/L).</summary>
    public static PriceIndexKind IndexKindOf(CaseRow row, ServiceClassification classification)
    {
        ArgumentNullException.ThrowIfNull(row);
        return IndexKindOf(row.Account, row.Classification, classification);
    }

    /// <summary>The index kind of an amount on <paramref name="account"/> of class <paramref name="rowClass"/> (null: the account decides).</summary>
    public static PriceIndexKind IndexKindOf(AccountId account, CaseClass? rowClass, ServiceClassification classification)
    {
        ArgumentNullException.ThrowIfNull(classification);
        return rowClass switch
        {
            CaseClass.Transfer => PriceIndexKind.Transfer,
            CaseClass.Service => PriceIndexKind.Service,
            _ => classification.ClassOf(account) == ExpenditureClass.Transfer ? PriceIndexKind.Transfer : PriceIndexKind.Service,
        };
    }

    /// <summary>The row kinds of the table in print order: lines, their subtotal, financing rows, their subtotal, the total.</summary>
    private IReadOnlyList<RowKind> Kinds =>
    [
        .. Rows.Where(r => r.Source.Kind == CaseRowKind.Line).Select(_ => RowKind.Detail), RowKind.Subtotal,
        .. Rows.Where(r => r.Source.Kind == CaseRowKind.Financing).Select(_ => RowKind.Detail), RowKind.Subtotal,
        RowKind.Total,
    ];

    /// <summary>In whole 1.000 kr.: every figure on its own, or with kept totals at every level.</summary>
    public CaseTable InThousands(RoundingRule rule, bool keepTotals)
    {
        if (Unit == ReportDocument.Thousands)
        {
            return this;
        }

        var lineRows = Rows.Where(r => r.Source.Kind == CaseRowKind.Line).ToArray();
        var financingRows = Rows.Where(r => r.Source.Kind == CaseRowKind.Financing).ToArray();
        var columns = Enumerable.Range(0, CaseAmounts.Count).Select(y =>
        {
            decimal?[] values = [.. lineRows.Select(r => (decimal?)r.Amounts[y]), Lines[y], .. financingRows.Select(r => (decimal?)r.Amounts[y]), Financing[y], Total[y]];
            return keepTotals
                ? KeptTotals.Round(Kinds, values, rule)
                : values.Select(v => (long?)ThousandsRounding.Round(Amount.Of(v!.Value), rule)).ToArray();
        }).ToArray();
        decimal[] At(int index) => columns.Select(c => (decimal)c[index]!.Value).ToArray();
        var rows = lineRows.Select((r, i) => r with { Amounts = At(i) })
            .Concat(financingRows.Select((r, i) => r with { Amounts = At(lineRows.Length + 1 + i) }))
            .ToArray();
        return this with { Unit = ReportDocument.Thousands, Rows = rows, Lines = At(lineRows.Length), Financing = At(lineRows.Length + 1 + financingRows.Length), Total = At(lineRows.Length + financingRows.Length + 2) };
    }

    /// <summary>The table for the renderers (CSV, XLSX, HTML).</summary>
    public ReportTable ToReportTable(string title, IReadOnlyList<string> notes)
    {
        ReportColumn[] columns =
        [
            new("kind", "Art", ColumnKind.Text), new("account", "Konto", ColumnKind.Text), new("name", "Navn", ColumnKind.Text),
            .. Years.Select(y => new ReportColumn($"y{y.ToString(CultureInfo.InvariantCulture)}", y.ToString(CultureInfo.InvariantCulture), ColumnKind.Amount)),
        ];
        ReportRow Line(RowKind kind, string label, string? account, string? name, IReadOnlyList<decimal> amounts) =>
            new(kind, [ReportCell.Of(label), ReportCell.Of(account), ReportCell.Of(name), .. amounts.Select(a => ReportCell.Of(a))]);
        var rows = new List<ReportRow>();
        rows.AddRange(Rows.Where(r => r.Source.Kind == CaseRowKind.Line).Select(r => Line(RowKind.Detail, "Linje", r.Source.Account.Value, r.Account?.Name, r.Amounts)));
        rows.Add(Line(RowKind.Subtotal, "Linjer i alt", null, null, Lines));
        rows.AddRange(Rows.Where(r => r.Source.Kind == CaseRowKind.Financing).Select(r => Line(RowKind.Detail, "Finansiering", r.Source.Account.Value, r.Account?.Name, r.Amounts)));
        rows.Add(Line(RowKind.Subtotal, "Finansiering i alt", null, null, Financing));
        rows.Add(Line(RowKind.Total, "I alt", null, null, Total));
        return new ReportTable(title, columns, rows, notes);
    }
}

/// <summary>A savings catalogue (or all the year's cases): per case the net per year, and per class (contract §10).</summary>
public sealed record CatalogueTable(IReadOnlyList<int> Years, int? PriceLevel, IReadOnlyList<(StoredCase Case, CaseAmounts Net)> Cases, CatalogueTotals Totals)
{
    /// <summary>
    /// The cases at one price level: <paramref name="level"/>, or, when null, the level they share — null with the
    /// levels found when they differ, since amounts of different levels are never added.
    /// </summary>
    public static (CatalogueTable? Table, IReadOnlyList<int> Levels) Of(int year, IReadOnlyList<StoredCase> cases, PriceIndex prices, ServiceClassification classification, Func<CaseRow, CaseClass?> classOf, int? level)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(classOf);
        var levels = cases.Select(c => c.Case.PriceLevel).Distinct().Order().ToArray();
        if (level is null && levels.Length > 1)
        {
            return (null, levels);
        }

        var target = level ?? (levels.Length == 1 ? levels[0] : (int?)null);
        CaseAmounts Converted(StoredCase c, CaseRow r) => target is { } t ? prices.Convert(r.Amounts, c.Case.PriceLevel, t, CaseTable.IndexKindOf(r, classification)) : r.Amounts;
        var rows = cases.Select(c => (Case: c, Rows: c.Case.Rows.Select(r => (Amounts: Converted(c, r), Class: classOf(r))).ToArray())).ToArray();
        var perCase = rows.Select(c => (c.Case, c.Rows.Select(r => r.Amounts).Sum())).ToArray();
        return (new CatalogueTable([year, year + 1, year + 2, year + 3], target, perCase, CatalogueTotals.Of(rows.SelectMany(c => c.Rows))), levels);
    }

    /// <summary>The catalogue for the renderers: a table of proposals and a table of classes, each with its total (the net).</summary>
    public IReadOnlyList<ReportTable> ToReportTables(string? catalogue)
    {
        ReportColumn[] Header(string label) => [new("name", label, ColumnKind.Text), .. Years.Select(y => new ReportColumn($"y{y.ToString(CultureInfo.InvariantCulture)}", y.ToString(CultureInfo.InvariantCulture), ColumnKind.Amount))];
        ReportRow Line(RowKind kind, string label, CaseAmounts amounts) => new(kind, [ReportCell.Of(label), .. amounts.ToList().Select(ReportCell.Of)]);
        var proposals = new ReportTable(
            catalogue is null ? "Sager" : $"{catalogue}: forslag",
            Header("Sag"),
            [.. Cases.Select(c => Line(RowKind.Detail, $"{c.Case.Case.Reference}: {c.Case.Case.Title}{(c.Case.Approval is { } a ? $" (godkendt {a.DecidedOn:dd.MM.yyyy})" : "")}", c.Net)), Line(RowKind.Total, "Netto", Totals.Net)],
            ["Fortegn: + = merudgift / mindreindtægt, − = mindreudgift / merindtægt (en besparelse er negativ)."]);
        var classes = new List<ReportRow>
        {
            Line(RowKind.Detail, "Serviceudgifter", Totals.Service),
            Line(RowKind.Detail, "Overførsler", Totals.Transfer),
            Line(RowKind.Detail, "Indtægter", Totals.Income),
            Line(RowKind.Detail, "Engangsudgifter", Totals.OneOff),
        };
        if (!Totals.Unclassified.IsZero)
        {
            classes.Add(Line(RowKind.Detail, "Uden klassifikation", Totals.Unclassified));
        }

        classes.Add(Line(RowKind.Total, "Netto", Totals.Net));
        var byClass = new ReportTable(
            catalogue is null ? "Pr. klasse" : $"{catalogue}: pr. klasse",
            Header("Klasse"),
            classes,
            ["Klassen er linjens egen klassifikation, ellers kontoens efter reference/service-classification.csv. Kun servicedelen tæller med under servicerammen."]);
        return [proposals, byClass];
    }
}

/// <summary>Cases as report documents, for the CLI's <c>cases report</c> and the API's file formats.</summary>
public static class CaseDocuments
{
    public static ReportDocument Case(StoredCase stored, CaseTable table, LocalDate printedOn)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(table);
        var value = stored.Case;
        var notes = new List<string>
        {
            $"{(value.Permanent ? "Varig" : "Midlertidig")}{(value.CashNeutral ? ", kasseneutral" : "")}. Prisniveau: {table.PriceLevel} P/L{(table.PriceLevel == value.PriceLevel ? "" : $" (sagen er i {value.PriceLevel} P/L, omregnet række for række med data/reference/price-index.csv)")}.",
            stored.Approval is { } approval ? $"Godkendt af Kommunalbestyrelsen {approval.DecidedOn:dd.MM.yyyy} (version {approval.Version})." : $"Ikke godkendt (version {stored.Version}).",
            "Fortegn: + = merudgift / mindreindtægt, − = mindreudgift / merindtægt.",
        };
        var document = new ReportDocument("case", $"{value.Reference}: {value.Title}", value.Year, 0, null, printedOn, ReportDocument.Kroner,
            [table.ToReportTable($"Bevillingsmæssige ændringer, {value.Years[0]}–{value.Years[^1]}", notes)], []);
        return table.Unit == ReportDocument.Thousands ? document with { Unit = ReportDocument.Thousands } : document;
    }

    public static ReportDocument Catalogue(int year, string? catalogue, CatalogueTable table, LocalDate printedOn)
    {
        ArgumentNullException.ThrowIfNull(table);
        var level = table.PriceLevel is { } l ? $"Prisniveau: {l} P/L." : "Ingen sager.";
        return new ReportDocument("catalogue", catalogue is null ? $"Bevillingssager {year}" : $"Sparekatalog: {catalogue}", year, 0, null, printedOn, ReportDocument.Kroner, table.ToReportTables(catalogue), [level]);
    }
}

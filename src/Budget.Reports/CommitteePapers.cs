using System.Globalization;
using Budget.Application;
using Budget.Application.Cases;
using Budget.Application.FollowUp;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Reports;

/// <summary>Why a document could not be made: the request member and the reason (HTTP 400/404).</summary>
public sealed record ReportProblem(string Field, string Message, bool NotFound = false);

/// <summary>
/// Builds the committee papers of domain.md §7 from the stored year: the committee table, the activity-area grid,
/// accounts per area with explanations, out-year consequences, the appropriation changes for the council,
/// service-frame compliance and the municipality overview with liquidity. All as of the round's cut-off. The
/// out-years report also lists the approved cases' out-year amounts and converts to another price level on request;
/// the service frame counts the service part of approved savings catalogues (docs/cases.md).
/// </summary>
public sealed class CommitteePapers(IYearStore years, IFollowUpReader store, ServiceClassification classification, ICaseStore cases, PriceIndex prices)
{
    public static readonly IReadOnlyList<string> Kinds = ["committee-table", "area-grid", "area-accounts", "out-years", "appropriation-changes", "service-frame", "overview"];

    public const string SignLegend = "Fortegn: + = merudgift / mindreindtægt, − = mindreudgift / merindtægt.";

    public async Task<(ReportDocument? Document, ReportProblem? Problem)> Build(string kind, int year, RoundNumber round, string? committee, string? by, CancellationToken cancellationToken, int? priceLevel = null)
    {
        if (priceLevel is not null && kind != "out-years")
        {
            return (null, new ReportProblem("priceLevel", $"priceLevel converts the out-years report (and cases); '{kind}' is at the budget year's price level."));
        }

        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return (null, new ReportProblem("year", $"Budget year {year} does not exist.", NotFound: true));
        }

        var asOf = calendar.CutoffOf(round);
        var facts = await store.AccountFacts(year, round, asOf, cancellationToken);
        if (committee is not null)
        {
            if (facts.All(f => f.Account.Committee != committee))
            {
                return (null, new ReportProblem("committee", $"'{committee}' is not a committee with accounts in {year}; committees are {string.Join(", ", facts.Select(f => f.Account.Committee).Distinct())}."));
            }

            facts = facts.Where(f => f.Account.Committee == committee).ToArray();
        }

        var settings = await years.Settings(year, cancellationToken);
        // The expected carry-over sits at municipality level only (domain.md §8): never in a committee's papers.
        var expected = committee is null && settings.TryGetValue(ExpectedCarryOverKey, out var amount) ? amount : (Amount?)null;
        var context = new Context(year, round, committee, asOf, facts) { ExpectedCarryOver = expected };
        return kind switch
        {
            "committee-table" => CommitteeTableGrouping(by) is { } grouping
                ? (CommitteeTable(context, grouping), null)
                : (null, new ReportProblem("by", $"by must be group or activity-area, not '{by}'.")),
            "area-grid" => (AreaGrid(context), null),
            "area-accounts" => (AreaAccounts(context), null),
            "out-years" => await OutYears(context, priceLevel ?? year, cancellationToken),
            "appropriation-changes" => (AppropriationChanges(context), null),
            "service-frame" => (ServiceFrame(context, settings, await ApprovedCases(context, cancellationToken)), null),
            "overview" => (Overview(context, settings), null),
            _ => (null, new ReportProblem("kind", $"'{kind}' is not a report; reports are {string.Join(", ", Kinds)}.", NotFound: true)),
        };
    }

    // The committee table has a column for one label only, so of the follow-up's codes it takes the two the papers use.
    private static FollowUpGrouping? CommitteeTableGrouping(string? by) =>
        by is null ? FollowUpGrouping.Group
        : FollowUpGroupings.TryParse(by, out var grouping) && grouping is FollowUpGrouping.Group or FollowUpGrouping.ActivityArea ? grouping
        : null;

    private sealed record Context(int Year, RoundNumber Round, string? Committee, LocalDate AsOf, IReadOnlyList<AccountFacts> Facts)
    {
        public string Scope => Committee ?? "Hele kommunen";

        /// <summary>The year setting <c>expected_carry_over</c> when the paper is the whole municipality's and the year has one; else null.</summary>
        public Amount? ExpectedCarryOver { get; init; }

        /// <summary>What the municipality total adds to the corrected budget and the estimate: the expected carry-over, or 0.</summary>
        public Amount Expected => ExpectedCarryOver ?? Amount.Zero;

        public ReportDocument Document(string kind, string title, IReadOnlyList<ReportTable> tables, params string[] notes) =>
            new(kind, title, Year, Round.Value, Committee, AsOf, ReportDocument.Kroner, tables, notes);

        public FollowUpReport Report(FollowUpGrouping by) => FollowUpCalculator.Build(Year, Round, AsOf, by, Facts);
    }

    private static string Date(LocalDate date) => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    private static ReportColumn Text(string key, string header) => new(key, header, ColumnKind.Text);

    private static ReportColumn Money(string key, string header) => new(key, header, ColumnKind.Amount);

    private static ReportRow Row(RowKind kind, params ReportCell[] cells) => new(kind, cells);

    /// <summary>Which appropriations the corrected budget holds, so the reader knows what "korrigeret" means here.</summary>
    private static string CorrectedBudgetFootnote(Context context, FollowUpFigures total)
    {
        var a = total.Appropriations;
        var parts = new (string Name, Amount Value)[]
        {
            ("overførsel fra 3. budgetopfølgning", a.PriorEstimateShifts),
            ("overførsler", a.CarryOvers),
            ("KB-beslutninger", a.CouncilDecisions),
            ("tekniske omplaceringer", a.TechnicalReallocations),
            ("bevillinger fra budgetopfølgninger", a.EstimateAppropriations),
        }.Where(p => !p.Value.IsZero).Select(p => $"{p.Name} {DanishNumbers.Format(p.Value.Kroner, 2)} kr.");
        var list = string.Join(", ", parts.DefaultIfEmpty("ingen"));
        return $"Korrigeret budget = oprindeligt budget + tillægsbevillinger besluttet til og med {Date(context.AsOf)}: {list}{(list.EndsWith('.') ? "" : ".")}";
    }

    private const string ExpectedCarryOverKey = "expected_carry_over";

    private const string ExpectedCarryOverLabel = "Forventede overførsler";

    /// <summary>
    /// The expected carry-over out of the year (forventede overførsler, domain.md §8) is a municipality-level line of
    /// its own: added to the corrected budget and the estimate (so the variance to corrected is unchanged and the
    /// variance to original budget grows by it), not a supplementary appropriation, never on a committee's rows.
    /// </summary>
    private static string[] ExpectedCarryOverNote(Context context) =>
        context.ExpectedCarryOver is { } expected
            ? [$"{ExpectedCarryOverLabel} ud af året ({DanishNumbers.Format(expected.Kroner, 2)} kr., årets indstilling expected_carry_over) står på kommunens niveau i korrigeret budget og forventet regnskab, ikke på udvalgenes rækker og ikke som tillægsbevilling."]
            : [];

    private static ReportDocument CommitteeTable(Context context, FollowUpGrouping by)
    {
        var report = context.Report(by);
        var label = by == FollowUpGrouping.Group ? "Gruppe" : "Aktivitetsområde";
        ReportCell[] Figures(string? name, FollowUpFigures f, Amount expected) =>
            [ReportCell.Of(name), ReportCell.Of(f.OriginalBudget), ReportCell.Of(f.CorrectedBudget + expected), ReportCell.Of(f.Estimate + expected), ReportCell.Of(f.VarianceToCorrected), ReportCell.Of(f.VarianceToOriginal + expected)];
        var expectedRow = context.ExpectedCarryOver is { } e ? [Row(RowKind.Detail, Figures(ExpectedCarryOverLabel, FollowUpFigures.Empty, e))] : Array.Empty<ReportRow>();
        var table = new ReportTable(
            $"{context.Scope}: budgetopfølgning {context.Round}/{context.Year}",
            [Text("name", label), Money("originalBudget", "Oprindeligt budget"), Money("correctedBudget", "Korrigeret budget"), Money("estimate", "Forventet regnskab"), Money("varianceToCorrected", "Afvigelse ift. korrigeret budget"), Money("varianceToOriginal", "Afvigelse ift. oprindeligt budget")],
            [.. report.Rows.Select(r => Row(RowKind.Detail, Figures((by == FollowUpGrouping.Group ? r.Group : r.ActivityArea) ?? "(uden gruppe)", r.Figures, Amount.Zero))), .. expectedRow, Row(RowKind.Total, Figures(context.Committee is null ? "I alt" : $"{context.Committee} i alt", report.Total, context.Expected))],
            [SignLegend, CorrectedBudgetFootnote(context, report.Total), .. ExpectedCarryOverNote(context)]);
        return context.Document("committee-table", $"Udvalgets tabel, {context.Round}. budgetopfølgning {context.Year}", [table]);
    }

    private static readonly (string Key, string Header, Func<FollowUpFigures, Amount> Value)[] GridColumns =
    [
        ("originalBudget", "(1) Oprindeligt budget", f => f.OriginalBudget),
        ("priorEstimateShifts", "(2) Overførsel fra 3. AR", f => f.Appropriations.PriorEstimateShifts),
        ("carryOvers", "(3) Overførsler", f => f.Appropriations.CarryOvers),
        ("councilDecisions", "(4) KB-beslutninger", f => f.Appropriations.CouncilDecisions),
        ("technicalReallocations", "(5) Tekniske omplaceringer", f => f.Appropriations.TechnicalReallocations),
        ("estimateAppropriations", "Bevillinger fra budgetopfølgning", f => f.Appropriations.EstimateAppropriations),
        ("supplementaryAppropriations", "(6) Tillægsbevillinger i alt", f => f.SupplementaryAppropriations),
        ("correctedBudget", "(7) Korrigeret budget", f => f.CorrectedBudget),
        ("consumption", "Forbrug", f => f.Consumption),
        ("estimate", "(8) Forventet regnskab", f => f.Estimate),
        ("varianceToCorrected", "(9) Afvigelse", f => f.VarianceToCorrected),
        ("varianceToOriginal", "Afvigelse ift. oprindeligt budget", f => f.VarianceToOriginal),
    ];

    private static ReportCell[] GridCells(string? name, FollowUpFigures f) =>
        [ReportCell.Of(name), .. GridColumns.Select(c => ReportCell.Of(c.Value(f))), ReportCell.Of(f.ConsumptionPercent)];

    /// <summary>A grid row with the expected carry-over added to its corrected budget and estimate (and so to the variance to original budget).</summary>
    private static ReportCell[] GridCells(string? name, FollowUpFigures f, Amount expected) =>
        expected.IsZero ? GridCells(name, f) :
        [
            ReportCell.Of(name),
            .. GridColumns.Select(c => ReportCell.Of(c.Value(f) + (c.Key is "correctedBudget" or "estimate" or "varianceToOriginal" ? expected : Amount.Zero))),
            ReportCell.Of(Percent.OneDecimal(f.Consumption, f.CorrectedBudget + expected)),
        ];

    /// <summary>The expected carry-over's own grid line: nothing but the corrected budget and the estimate; no consumption, so no percentage.</summary>
    private static ReportCell[] ExpectedGridCells(string name, Amount expected) =>
        [.. GridCells(name, FollowUpFigures.Empty, expected).SkipLast(1), ReportCell.Empty];

    private static ReportRow[] ExpectedCarryOverRow(Context context, Func<string, ReportCell[]> cells) =>
        context.ExpectedCarryOver is null ? [] : [Row(RowKind.Detail, cells(ExpectedCarryOverLabel))];

    private static ReportColumn[] GridHeader(string label) =>
        [Text("name", label), .. GridColumns.Select(c => Money(c.Key, c.Header)), new ReportColumn("consumptionPercent", "Forbrug pct.", ColumnKind.Percent)];

    private static ReportDocument AreaGrid(Context context)
    {
        var rows = new List<ReportRow>();
        foreach (var committee in context.Facts.GroupBy(f => f.Account.Committee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var areas = FollowUpCalculator.Build(context.Year, context.Round, context.AsOf, FollowUpGrouping.ActivityArea, committee.ToArray());
            rows.AddRange(areas.Rows.Select(r => Row(RowKind.Detail, GridCells(r.ActivityArea, r.Figures))));
            rows.Add(Row(RowKind.Subtotal, GridCells($"{committee.Key} i alt", areas.Total)));
        }

        var all = context.Report(FollowUpGrouping.Block);
        var expectedRow = ExpectedCarryOverRow(context, name => ExpectedGridCells(name, context.Expected));
        rows.AddRange(expectedRow);
        rows.Add(Row(RowKind.Total, GridCells("I alt", all.Total, context.Expected)));
        var blocks = new ReportTable(
            "Pr. hovedoversigtens blok",
            GridHeader("Blok"),
            [.. all.Rows.Select(r => Row(RowKind.Detail, GridCells(BlockCodes.DanishName(r.Block!.Value), r.Figures))), .. expectedRow, Row(RowKind.Total, GridCells("I alt", all.Total, context.Expected))],
            []);
        var areasTable = new ReportTable($"{context.Scope}: aktivitetsområder", GridHeader("Aktivitetsområde"), rows, [SignLegend, CorrectedBudgetFootnote(context, all.Total), .. ExpectedCarryOverNote(context)]);
        return context.Document("area-grid", $"Aktivitetsområder, {context.Round}. budgetopfølgning {context.Year}", [areasTable, blocks]);
    }

    private static ReportDocument AreaAccounts(Context context)
    {
        var tables = new List<ReportTable>();
        foreach (var area in context.Facts.GroupBy(f => (f.Account.Committee, f.Account.ActivityArea)).OrderBy(g => g.Key.Committee, StringComparer.Ordinal).ThenBy(g => g.Key.ActivityArea, StringComparer.Ordinal))
        {
            var accounts = area.OrderBy(f => f.Account.Id.Value, StringComparer.Ordinal).ToArray();
            ReportCell[] Cells(string? id, string? name, FollowUpFigures f, string? explanation) =>
            [
                ReportCell.Of(id), ReportCell.Of(name), ReportCell.Of(f.CorrectedBudget), ReportCell.Of(f.VarianceToCorrected),
                .. f.OutYears.ToList().Select(ReportCell.Of), ReportCell.Of(explanation),
            ];
            var total = accounts.Select(a => a.Figures()).Aggregate(FollowUpFigures.Empty, (s, f) => s + f);
            tables.Add(new ReportTable(
                $"{area.Key.ActivityArea} ({area.Key.Committee})",
                [
                    Text("account", "Konto"), Text("name", "Navn"), Money("correctedBudget", "Korrigeret budget"), Money("varianceToCorrected", $"Afvigelse {context.Year}"),
                    Money("outYear1", $"{context.Year + 1}"), Money("outYear2", $"{context.Year + 2}"), Money("outYear3", $"{context.Year + 3}"), Money("outYear4", $"{context.Year + 4}"),
                    Text("explanation", "Bemærkning"),
                ],
                [.. accounts.Select(a => Row(RowKind.Detail, Cells(a.Account.Id.Value, a.Account.Name, a.Figures(), a.Estimate?.Explanation))), Row(RowKind.Total, Cells(null, "I alt", total, null))],
                [SignLegend]));
        }

        var reallocated = context.Facts.Where(f => !f.Appropriations.TechnicalReallocations.IsZero).OrderBy(f => f.Account.Id.Value, StringComparer.Ordinal).ToArray();
        var net = reallocated.Aggregate(Amount.Zero, (s, f) => s + f.Appropriations.TechnicalReallocations);
        tables.Add(new ReportTable(
            "Tekniske omplaceringer",
            [Text("account", "Konto"), Text("name", "Navn"), Text("activityArea", "Aktivitetsområde"), Money("technicalReallocations", "Teknisk omplacering")],
            [.. reallocated.Select(f => Row(RowKind.Detail, ReportCell.Of(f.Account.Id.Value), ReportCell.Of(f.Account.Name), ReportCell.Of(f.Account.ActivityArea), ReportCell.Of(f.Appropriations.TechnicalReallocations))),
             Row(RowKind.Total, ReportCell.Empty, ReportCell.Of("Netto"), ReportCell.Empty, ReportCell.Of(net))],
            [net.IsZero
                ? "Tekniske omplaceringer går i nul."
                : $"Tekniske omplaceringer går i nul for kommunen som helhed; her netto {DanishNumbers.Format(net.Kroner, 2)} kr., der modsvares uden for {context.Scope}."]));
        return context.Document("area-accounts", $"Konti pr. aktivitetsområde, {context.Round}. budgetopfølgning {context.Year}", tables);
    }

    /// <summary>The cases approved by the council on or before the cut-off (their movements count in the corrected budget from that date).</summary>
    private async Task<IReadOnlyList<StoredCase>> ApprovedCases(Context context, CancellationToken cancellationToken) =>
        (await cases.Cases(context.Year, null, cancellationToken)).Where(c => c.Approval is { } a && a.DecidedOn <= context.AsOf).ToArray();

    private PriceIndexKind IndexKindOf(AccountId account, CaseClass? rowClass = null) => CaseTable.IndexKindOf(account, rowClass, classification);

    private async Task<(ReportDocument?, ReportProblem?)> OutYears(Context context, int level, CancellationToken cancellationToken)
    {
        var year = context.Year;
        if (prices.Problem(year, level, context.Facts.Select(f => IndexKindOf(f.Account.Id)).Append(PriceIndexKind.Service)) is { } missing)
        {
            return (null, new ReportProblem("priceLevel", $"The out-years cannot be converted from {year} P/L to {level} P/L: {missing}."));
        }

        // The estimates' out-year consequences are stated at the budget year's price level; moved to another level per account.
        var facts = level == year ? context.Facts : context.Facts.Select(f => f.Estimate is { } e
            ? f with { Estimate = e with { OutYears = OutYearConsequences.From(e.OutYears.ToList().Select(a => prices.Convert(a, year, level, IndexKindOf(f.Account.Id))).ToArray()) } }
            : f).ToArray();
        var converted = context with { Facts = facts };
        ReportColumn[] Header(string label) => [Text("name", label), .. Enumerable.Range(1, 4).Select(i => Money($"outYear{i}", $"{year + i}"))];
        ReportCell[] Cells(string? name, FollowUpFigures f) => [ReportCell.Of(name), .. f.OutYears.ToList().Select(ReportCell.Of)];
        ReportCell[] Amounts(string? name, OutYearConsequences o) => [ReportCell.Of(name), .. o.ToList().Select(ReportCell.Of)];
        var areas = converted.Report(FollowUpGrouping.ActivityArea);
        var blocks = converted.Report(FollowUpGrouping.Block);

        // Approved cases: their rows on the accounts in scope, the years after the budget year; a permanent case's last
        // year goes on into the fourth out-year, a temporary one's does not (decision 0016).
        var inScope = context.Facts.ToDictionary(f => f.Account.Id, f => f.Account);
        var approved = (await cases.Cases(year, null, cancellationToken)).Where(c => c.Approval is not null).ToArray();
        var counted = approved.Where(c => c.Approval!.DecidedOn <= context.AsOf).ToArray();
        OutYearConsequences OutYearsOf(StoredCase stored, CaseRow row)
        {
            var amounts = prices.Convert(row.Amounts, stored.Case.PriceLevel, level, IndexKindOf(row.Account, row.Classification));
            return new OutYearConsequences(amounts.OutYear1, amounts.OutYear2, amounts.OutYear3, stored.Case.Permanent ? amounts.OutYear3 : Amount.Zero);
        }

        if (counted.Select(c => prices.Problem(c.Case.PriceLevel, level, c.Case.Rows.Select(r => IndexKindOf(r.Account, r.Classification)))).FirstOrDefault(p => p is not null) is { } caseProblem)
        {
            return (null, new ReportProblem("priceLevel", $"The approved cases cannot be converted to {level} P/L: {caseProblem}."));
        }

        var caseRows = counted
            .Select(c => (Case: c, Rows: c.Case.Rows.Where(r => inScope.ContainsKey(r.Account)).Select(r => (Row: r, Area: inScope[r.Account], OutYears: OutYearsOf(c, r))).ToArray()))
            .Where(c => c.Rows.Length > 0)
            .ToArray();
        var caseTotal = caseRows.SelectMany(c => c.Rows).Aggregate(OutYearConsequences.None, (s, r) => s + r.OutYears);
        var byCase = caseRows.Select(c => Row(RowKind.Detail, Amounts(
            $"{c.Case.Case.Reference}: {c.Case.Case.Title} ({(c.Case.Case.Permanent ? "varig" : "midlertidig")}, godkendt {Date(c.Case.Approval!.DecidedOn)})",
            c.Rows.Aggregate(OutYearConsequences.None, (s, r) => s + r.OutYears))));
        var byArea = caseRows.SelectMany(c => c.Rows)
            .GroupBy(r => (r.Area.Committee, r.Area.ActivityArea))
            .OrderBy(g => g.Key.Committee, StringComparer.Ordinal).ThenBy(g => g.Key.ActivityArea, StringComparer.Ordinal)
            .Select(g => Row(RowKind.Detail, Amounts(g.Key.ActivityArea, g.Aggregate(OutYearConsequences.None, (s, r) => s + r.OutYears))));
        var later = approved.Count(c => c.Approval!.DecidedOn > context.AsOf && c.Case.Rows.Any(r => inScope.ContainsKey(r.Account)));
        string[] caseNotes =
        [
            $"Bevillingssager godkendt af Kommunalbestyrelsen til og med {Date(context.AsOf)}: deres beløb i overslagsårene. En varig sags beløb for {year + 3} gælder også {year + 4}; en midlertidig sags ikke.",
            .. later > 0 ? [$"{later} sag(er) godkendt efter skæringsdatoen indgår fra den runde, hvis skæringsdato ligger efter godkendelsen."] : Array.Empty<string>(),
        ];
        var levelNote = level == year
            ? $"Prisniveau: {year} P/L."
            : $"Prisniveau: {level} P/L, omregnet fra {year} P/L med data/reference/price-index.csv (serviceudgifter: P/L-indeks, overførsler: satsregulering), konto for konto, afrundet til øre.";
        return (context.Document("out-years", $"Konsekvenser for overslagsårene, {context.Round}. budgetopfølgning {year}",
        [
            new ReportTable("Pr. aktivitetsområde", Header("Aktivitetsområde"), [.. areas.Rows.Select(r => Row(RowKind.Detail, Cells(r.ActivityArea, r.Figures))), Row(RowKind.Total, Cells("I alt", areas.Total))], [SignLegend]),
            new ReportTable("Pr. blok", Header("Blok"), [.. blocks.Rows.Select(r => Row(RowKind.Detail, Cells(BlockCodes.DanishName(r.Block!.Value), r.Figures))), Row(RowKind.Total, Cells("I alt", blocks.Total))], []),
            new ReportTable("Godkendte bevillingssager", Header("Sag"), [.. byCase, Row(RowKind.Total, Amounts("I alt", caseTotal))], caseNotes),
            new ReportTable("Godkendte bevillingssager pr. aktivitetsområde", Header("Aktivitetsområde"), [.. byArea, Row(RowKind.Total, Amounts("I alt", caseTotal))], []),
        ], levelNote), null);
    }

    private static ReportDocument AppropriationChanges(Context context)
    {
        var reference = $"{context.Round}. budgetopfølgning {context.Year}";
        var grants = RoundApproval.Appropriations(context.Facts, context.AsOf.PlusDays(1), reference, null).ToDictionary(m => m.Account);
        var rows = context.Facts
            .Where(f => grants.ContainsKey(f.Account.Id))
            .OrderBy(f => f.Account.Committee, StringComparer.Ordinal).ThenBy(f => f.Account.Id.Value, StringComparer.Ordinal)
            .Select(f => (Facts: f, Amount: grants[f.Account.Id].Amount, OutYears: f.Estimate!.OutYears))
            .ToArray();
        ReportCell[] Cells(string? account, string? name, Amount amount, OutYearConsequences outYears, string? explanation) =>
            [ReportCell.Of(account), ReportCell.Of(name), ReportCell.Of(amount), .. outYears.ToList().Select(ReportCell.Of), ReportCell.Of(explanation is null ? null : reference), ReportCell.Of(explanation)];
        var total = rows.Aggregate((Amount: Amount.Zero, OutYears: OutYearConsequences.None), (s, r) => (s.Amount + r.Amount, s.OutYears + r.OutYears));
        var table = new ReportTable(
            $"{context.Scope}: bevillingsændringer til godkendelse",
            [
                Text("account", "Konto"), Text("name", "Navn"), Money("amount", $"Bevilling {context.Year}"),
                Money("outYear1", $"{context.Year + 1}"), Money("outYear2", $"{context.Year + 2}"), Money("outYear3", $"{context.Year + 3}"), Money("outYear4", $"{context.Year + 4}"),
                Text("reference", "Reference"), Text("explanation", "Begrundelse"),
            ],
            [.. rows.Select(r => Row(RowKind.Detail, Cells(r.Facts.Account.Id.Value, r.Facts.Account.Name, r.Amount, r.OutYears, r.Facts.Estimate!.Explanation))), Row(RowKind.Total, Cells(null, "I alt", total.Amount, total.OutYears, null))],
            [SignLegend, "Beløbet er den ønskede bevilling; uden ønske hele afvigelsen til korrigeret budget pr. skæringsdatoen. Overslagsårene indarbejdes i budgetlægningen."]);
        return context.Document("appropriation-changes", $"Bevillingsændringer, {context.Round}. budgetopfølgning {context.Year}", [table]);
    }

    private ReportDocument ServiceFrame(Context context, IReadOnlyDictionary<string, Amount> settings, IReadOnlyList<StoredCase> approved)
    {
        var service = context.Facts.Where(f => classification.ClassOf(f.Account.Id) == ExpenditureClass.Service).ToArray();
        var unclassified = context.Facts.Where(f => classification.ClassOf(f.Account.Id) is null).Select(f => f.Account.Id.Value).ToArray();
        var figures = service.Select(f => f.Figures()).Aggregate(FollowUpFigures.Empty, (s, f) => s + f);
        var frame = settings.GetValueOrDefault("service_frame");
        var expected = settings.GetValueOrDefault("expected_carry_over");
        var carryOvers = figures.Appropriations.CarryOvers;
        // Approved savings catalogues: their budget-year amounts are council decisions on their accounts, counted by the
        // account's class above; the catalogue's own classes decide instead (a proposal's wage on a transfer account is
        // service expenditure), so those rows leave the accounts' sum and their service part enters on a line of its own.
        var inScope = context.Facts.Select(f => f.Account.Id).ToHashSet();
        var catalogueRows = approved.Where(c => c.Case.Catalogue is not null)
            .SelectMany(c => c.Case.Rows.Where(r => inScope.Contains(r.Account)).Select(r => (Case: c, Row: r)))
            .ToArray();
        var catalogueOnServiceAccounts = catalogueRows.Where(r => classification.ClassOf(r.Row.Account) == ExpenditureClass.Service).Sum(r => r.Row.Amounts.BudgetYear);
        var catalogueService = catalogueRows.Where(r => (r.Row.Classification ?? (classification.ClassOf(r.Row.Account) == ExpenditureClass.Service ? CaseClass.Service : null)) == CaseClass.Service).Sum(r => r.Row.Amounts.BudgetYear);
        var withoutCarryOvers = figures.CorrectedBudget - carryOvers - catalogueOnServiceAccounts;
        var spending = withoutCarryOvers + catalogueService + carryOvers + expected + figures.VarianceToCorrected;
        var catalogueLines = catalogueRows.Length == 0
            ? []
            : new[] { Row(RowKind.Detail, ReportCell.Of($"Godkendte sparekataloger, serviceudgifter ({string.Join(", ", catalogueRows.Select(r => r.Case.Case.Catalogue!).Distinct())})"), ReportCell.Of(catalogueService)) };
        var table = new ReportTable(
            $"{context.Scope}: overholdelse af servicerammen",
            [Text("name", "Post"), Money("amount", "Beløb")],
            [
                Row(RowKind.Detail, ReportCell.Of(catalogueRows.Length == 0 ? "Korrigeret budget, serviceudgifter ekskl. overførsler" : "Korrigeret budget, serviceudgifter ekskl. overførsler og sparekataloger"), ReportCell.Of(withoutCarryOvers)),
                .. catalogueLines,
                Row(RowKind.Detail, ReportCell.Of("Overførsler fra sidste år"), ReportCell.Of(carryOvers)),
                Row(RowKind.Detail, ReportCell.Of("Forventede overførsler til næste år"), ReportCell.Of(expected)),
                Row(RowKind.Detail, ReportCell.Of("Forventet regnskabs effekt (afvigelse)"), ReportCell.Of(figures.VarianceToCorrected)),
                Row(RowKind.Subtotal, ReportCell.Of("Forventede serviceudgifter"), ReportCell.Of(spending)),
                Row(RowKind.Detail, ReportCell.Of("Serviceramme"), ReportCell.Of(frame)),
                Row(RowKind.Result, ReportCell.Of("Overholdelse (serviceramme − forventede serviceudgifter)"), ReportCell.Of(frame - spending)),
            ],
            [
                "Overholdelse = serviceramme − (korrigeret budget til serviceudgifter + overførsler + forventede overførsler + forventet regnskabs effekt). Positiv: under rammen.",
                $"Serviceudgifter: {service.Length} konti efter reference/service-classification.csv." + (unclassified.Length > 0 ? $" Uden klassifikation (ikke medregnet): {string.Join(", ", unclassified)}." : ""),
                settings.ContainsKey("service_frame") ? "Servicerammen er årets indstilling service_frame (settings.csv)." : "Årets serviceramme er ikke angivet (settings.csv: service_frame); 0 er brugt.",
                .. catalogueRows.Length == 0 ? Array.Empty<string>() : [$"Sparekataloger godkendt til og med {Date(context.AsOf)}: deres beløb for {context.Year} tælles efter forslagenes egen klassifikation (service, overførsel, indtægt, engangs), ikke kontoens; kun servicedelen tæller med under rammen."],
            ]);
        return context.Document("service-frame", $"Serviceramme, {context.Round}. budgetopfølgning {context.Year}", [table]);
    }

    private static ReportDocument Overview(Context context, IReadOnlyDictionary<string, Amount> settings)
    {
        var blocks = context.Report(FollowUpGrouping.Block);
        var byBlock = blocks.Rows.ToDictionary(r => r.Block!.Value, r => r.Figures);
        ReportCell[] Cells(string name, FollowUpFigures f, Amount expected) =>
            [ReportCell.Of(name), ReportCell.Of(f.OriginalBudget), ReportCell.Of(f.CorrectedBudget + expected), ReportCell.Of(f.Estimate + expected), ReportCell.Of(f.VarianceToCorrected)];
        var rows = Enum.GetValues<Block>()
            .Select(b => Row(RowKind.Detail, Cells($"{BlockCodes.Letter(b)}. {BlockCodes.DanishName(b)}", byBlock.GetValueOrDefault(b) ?? FollowUpFigures.Empty, Amount.Zero)))
            .Concat(ExpectedCarryOverRow(context, name => Cells(name, FollowUpFigures.Empty, context.Expected)))
            .Append(Row(RowKind.Total, Cells("Bevægelse i alt (resultat)", blocks.Total, context.Expected)))
            .ToList();
        // The liquidity follows the municipality's movement, the expected carry-over included: money expected to stay
        // unspent stays in the cash.
        var corrected = blocks.Total.CorrectedBudget + context.Expected;
        var estimate = blocks.Total.Estimate + context.Expected;
        var primo = settings.GetValueOrDefault("primo_cash");
        var liquidity = new ReportTable(
            "Likviditet",
            [Text("name", "Post"), Money("originalBudget", "Oprindeligt budget"), Money("correctedBudget", "Korrigeret budget"), Money("estimate", "Forventet regnskab")],
            [
                Row(RowKind.Detail, ReportCell.Of("Likvide aktiver primo"), ReportCell.Of(primo), ReportCell.Of(primo), ReportCell.Of(primo)),
                Row(RowKind.Detail, ReportCell.Of(context.ExpectedCarryOver is null ? "Bevægelse (blok A–H)" : "Bevægelse (blok A–H og forventede overførsler)"), ReportCell.Of(blocks.Total.OriginalBudget), ReportCell.Of(corrected), ReportCell.Of(estimate)),
                Row(RowKind.Detail, ReportCell.Of("Likvide aktiver ultimo (primo − bevægelse)"), ReportCell.Of(primo - blocks.Total.OriginalBudget), ReportCell.Of(primo - corrected), ReportCell.Of(primo - estimate)),
            ],
            [settings.ContainsKey("primo_cash") ? "Primo er årets indstilling primo_cash (settings.csv)." : "Likvide aktiver primo er ikke angivet (settings.csv: primo_cash); 0 er brugt.",
             "Fortegn som i hovedoversigten: + = udgift (træk på kassen), − = indtægt."]);
        return context.Document("overview", $"Hovedoversigt, {context.Round}. budgetopfølgning {context.Year}",
        [
            new ReportTable($"{context.Scope}: hovedoversigt pr. blok", [Text("name", "Blok"), Money("originalBudget", "Oprindeligt budget"), Money("correctedBudget", "Korrigeret budget"), Money("estimate", "Forventet regnskab"), Money("varianceToCorrected", "Afvigelse")], rows, [SignLegend, .. ExpectedCarryOverNote(context)]),
            liquidity,
        ]);
    }
}

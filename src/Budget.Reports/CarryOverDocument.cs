using Budget.Application.YearEnd;
using Budget.Domain.Accounts;
using Budget.Domain.YearEnd;

namespace Budget.Reports;

/// <summary>
/// The carry-over case (overførselssag) as a report document in kroner, for every format the committee papers have
/// (CSV, XLSX, HTML) in the API (<c>…/carry-overs?format=</c>) and the CLI (<c>budget carry-overs</c>). The share
/// and the cap are shown as percentages with one decimal; the JSON of the API keeps the share's exact fraction.
/// </summary>
public static class CarryOverDocument
{
    public static ReportDocument Of(CarryOverReport report, bool closed)
    {
        ArgumentNullException.ThrowIfNull(report);
        ReportColumn[] columns =
        [
            new("committee", "Udvalg", ColumnKind.Text),
            new("activityArea", "Aktivitetsområde", ColumnKind.Text),
            new("account", "Konto", ColumnKind.Text),
            new("accountName", "Kontonavn", ColumnKind.Text),
            new("correctedBudget", "Korrigeret budget", ColumnKind.Amount),
            new("accounts", "Regnskab", ColumnKind.Amount),
            new("result", "Resultat", ColumnKind.Amount),
            new("policy", "Overførselsregel", ColumnKind.Text),
            new("share", "Andel pct.", ColumnKind.Percent),
            new("cap", "Loft pct.", ColumnKind.Percent),
            new("proposed", "Foreslået overførsel", ColumnKind.Amount),
            new("flag", "Bemærkning", ColumnKind.Text),
        ];
        ReportRow Row(RowKind kind, string? committee, CarryOverRow row) => new(kind,
        [
            ReportCell.Of(committee), ReportCell.Of(row.ActivityArea), ReportCell.Of(row.Account?.Id.Value), ReportCell.Of(row.Account?.Name),
            ReportCell.Of(row.CorrectedBudget), ReportCell.Of(row.Accounts), ReportCell.Of(row.Result),
            ReportCell.Of(row.Policy), ReportCell.Of(row.Share * 100m), ReportCell.Of(row.CapPercent),
            ReportCell.Of(row.Proposed), ReportCell.Of(row.Flag switch { CarryOverMarker.Capped => "begrænset af loftet", CarryOverMarker.ByDecision => "efter beslutning", _ => null }),
        ]);
        var rows = report.Rows.Select(r => Row(RowKind.Detail, r.Committee, r)).Append(Row(RowKind.Total, "I alt", report.Total)).ToArray();
        var table = new ReportTable(
            $"Overførsler fra {report.Year} til {report.Year + 1} pr. {report.AsOf:dd-MM-yyyy} (kr.)",
            columns,
            rows,
            [
                "Resultat = regnskab − korrigeret budget (negativt: mindreforbrug). Foreslået overførsel = −resultat × andel, afrundet til hele øre; højst loftet i procent af det korrigerede budget.",
                closed ? $"Regnskabet for {report.Year} er afsluttet." : $"Året {report.Year} er ikke afsluttet: et foreløbigt skøn over overførslerne.",
            ]);
        return new ReportDocument("carry-overs", $"Overførselssag {report.Year}", report.Year, 0, null, report.AsOf, ReportDocument.Kroner, [table], []);
    }
}

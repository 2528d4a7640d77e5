using System.Globalization;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;

namespace Budget.Reports;

/// <summary>
/// The follow-up (budgetopfølgning) as a report document in kroner, so that every format (CSV, XLSX, HTML) the
/// committee papers have serves the follow-up too, in the API (<c>…/follow-up?format=</c>) and the CLI alike.
/// </summary>
public static class FollowUpDocument
{
    /// <summary>The amount columns, in the order the follow-up's papers print them.</summary>
    public static IReadOnlyList<(string Header, Func<FollowUpFigures, Amount> Value)> Columns { get; } =
    [
        ("Oprindeligt budget", f => f.OriginalBudget),
        ("Tillægsbevillinger", f => f.SupplementaryAppropriations),
        ("Korrigeret budget", f => f.CorrectedBudget),
        ("Forbrug", f => f.Consumption),
        ("Anslået regnskab", f => f.Estimate),
        ("Afvigelse", f => f.VarianceToCorrected),
    ];

    private static readonly string[] LabelHeaders = ["Udvalg", "Aktivitetsområde", "Gruppe", "Konto", "Kontonavn"];

    public static ReportDocument Of(FollowUpReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var keys = new[] { "committee", "activityArea", "group", "account", "accountName" };
        var columns = keys.Zip(LabelHeaders, (k, h) => new ReportColumn(k, h, ColumnKind.Text))
            .Concat(Columns.Select((c, i) => new ReportColumn($"amount{i}", c.Header, ColumnKind.Amount)))
            .Append(new ReportColumn("consumptionPercent", "Forbrug pct.", ColumnKind.Percent))
            .ToArray();
        ReportRow Row(RowKind kind, FollowUpRow row) => new(kind,
        [
            .. new[] { row.Committee, row.ActivityArea, row.Group, row.Account?.Id.Value, row.Account?.Name }.Select(ReportCell.Of),
            .. Columns.Select(c => ReportCell.Of(c.Value(row.Figures))),
            ReportCell.Of(row.Figures.ConsumptionPercent),
        ]);
        var rows = report.Rows.Select(r => Row(RowKind.Detail, r)).Append(Row(RowKind.Total, new FollowUpRow("I alt", null, null, null, null, report.Total))).ToArray();
        var title = $"Budgetopfølgning {report.Year}, {report.Round}. runde";
        // Day, month and year as numbers rather than through a NodaTime pattern, whose first use costs a command-line report ~30 ms.
        var tableTitle = string.Create(CultureInfo.InvariantCulture, $"Pr. {report.AsOf.Day:00}-{report.AsOf.Month:00}-{report.AsOf.Year:0000} (kr.)");
        return new ReportDocument("follow-up", title, report.Year, report.Round.Value, null, report.AsOf, ReportDocument.Kroner, [new(tableTitle, columns, rows, [])], []);
    }
}

using Budget.Application.FollowUp;
using Budget.Application.Users;
using Budget.Application.YearEnd;
using Budget.Data;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Budget.Domain.YearEnd;
using Budget.Reports;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;

namespace Budget.Cli;

/// <summary>
/// <c>budget close</c> and <c>budget carry-overs</c> (docs/cli.md, docs/year-end.md): the same use cases as the API's
/// <c>POST …/close</c> and <c>GET …/carry-overs</c>, audited as user <c>system</c>.
/// </summary>
internal static class YearEndCommands
{
    /// <summary>The groupings of the carry-over table: the follow-up's codes for account, activity area and committee.</summary>
    public static readonly string[] Groupings = ["account", "activity-area", "committee"];

    public static async Task<int> Close(BudgetStore store, int year, string on, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var parsed = LocalDatePattern.Iso.Parse(on);
        if (!parsed.Success)
        {
            await error.WriteLineAsync($"--on must be a date yyyy-MM-dd, not '{on}'.");
            return BudgetCli.Usage;
        }

        var result = await new YearClosing(store, SystemClock.Instance).Close(year, parsed.Value, Actor.System, cancellationToken);
        switch (result.Status)
        {
            case YearEndStatus.Done:
                await output.WriteLineAsync($"Closed {year} on {result.State!.ClosedOn:yyyy-MM-dd}: its postings, estimates and rounds are final.");
                return BudgetCli.Ok;
            case YearEndStatus.YearNotFound:
                await error.WriteLineAsync($"There is no budget year {year} in the database.");
                return BudgetCli.InvalidData;
            case YearEndStatus.Invalid:
                await error.WriteLineAsync(string.Join(" ", result.Errors!.SelectMany(e => e.Value)));
                return BudgetCli.InvalidData;
            default:
                await error.WriteLineAsync(result.Message);
                return BudgetCli.InvalidData;
        }
    }

    public static async Task<int> CarryOvers(BudgetStore store, int year, string by, string format, FileInfo? file, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var grouping = FollowUpGroupings.TryParse(by, out var parsed) ? parsed : FollowUpGrouping.Account;
        var policies = CarryOverPolicyData.LoadEmbedded(typeof(YearEndCommands).Assembly);
        var classifier = ServiceClassification.Embedded();
        var preview = await new CarryOverCase(store, store, store, store, policies, classifier, SystemClock.Instance).Preview(year, grouping, cancellationToken);
        if (preview is null)
        {
            await error.WriteLineAsync($"There is no budget year {year} in the database.");
            return BudgetCli.InvalidData;
        }

        var document = CarryOverDocument.Of(preview.Report, preview.State.IsClosed);
        return await ReportFiles.Write(document, format, file, output, error, writer => WriteTable(preview, writer), cancellationToken);
    }

    /// <summary>The carry-over case as a console table: Danish numbers in kroner with øre, the share and cap in percent.</summary>
    private static void WriteTable(CarryOverPreview preview, TextWriter writer)
    {
        var report = preview.Report;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 300;
        var table = new Table().Title($"Overførsler fra {report.Year} til {report.Year + 1} pr. {report.AsOf:dd-MM-yyyy} ({(preview.State.IsClosed ? "regnskabet er afsluttet" : "foreløbigt: året er ikke afsluttet")}, kr.)");
        table.AddColumn("");
        foreach (var header in new[] { "Korrigeret budget", "Regnskab", "Resultat" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        table.AddColumn("Overførselsregel");
        table.AddColumn(new TableColumn("Andel pct.").RightAligned());
        table.AddColumn(new TableColumn("Loft pct.").RightAligned());
        table.AddColumn(new TableColumn("Foreslået").RightAligned());
        table.AddColumn("");
        foreach (var row in report.Rows)
        {
            var label = string.Join(" / ", new[] { row.Committee, row.ActivityArea, row.Account is null ? null : $"{row.Account.Id} {row.Account.Name}" }.Where(p => p is not null));
            table.AddRow(Cells(label, row));
        }

        table.AddRow(Cells("I alt", report.Total));
        console.Write(table);
    }

    private static string[] Cells(string label, CarryOverRow row) =>
    [
        Markup.Escape(label),
        DanishNumbers.Format(row.CorrectedBudget.Kroner, 2),
        DanishNumbers.Format(row.Accounts.Kroner, 2),
        DanishNumbers.Format(row.Result.Kroner, 2),
        Markup.Escape(row.Policy ?? ""),
        row.Share is { } share ? DanishNumbers.Format(share * 100m, 2) : "",
        row.CapPercent is { } cap ? DanishNumbers.Format(cap, 2) : "",
        DanishNumbers.Format(row.Proposed.Kroner, 2),
        row.Flag switch { CarryOverMarker.Capped => "loft", CarryOverMarker.ByDecision => "efter beslutning", _ => "" },
    ];
}

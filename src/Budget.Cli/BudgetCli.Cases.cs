using System.CommandLine;
using Budget.Application.Cases;
using Budget.Application.Users;
using Budget.Data;
using Budget.Domain.Money;
using Budget.Reports;
using NodaTime;
using Spectre.Console;

namespace Budget.Cli;

/// <summary>
/// <c>budget cases import FILE --year Y</c>: a CSV of case rows (docs/data-formats.md, "Cases"), all cases or none;
/// <c>budget cases report --year Y [--catalogue NAME | --case ID]</c>: the year's cases, a savings catalogue or one
/// case as a table, CSV or XLSX, in kroner or thousands (optionally with kept totals), at a price level.
/// </summary>
public static partial class BudgetCli
{
    private static Command CasesCommand(Option<string?> connection, Option<string> provider)
    {
        var year = new Option<int>("--year") { Description = "The budget year", Required = true };
        var file = new Argument<FileInfo>("file") { Description = "CSV of case rows: reference,kind,account,… (docs/data-formats.md)" };
        var catalogue = new Option<string?>("--catalogue") { Description = "Only the cases of this savings catalogue, with totals per class" };
        var caseId = new Option<long?>("--case") { Description = "One case by its id: lines, financing, subtotals and total" };
        var format = new Option<string>("--format") { Description = "table (Danish numbers), csv (Danish Excel: ; and ,) or xlsx (needs --output)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "xlsx");
        var unit = new Option<string>("--unit") { Description = "kr (default) or thousands (1.000 kr.)", DefaultValueFactory = _ => "kr" };
        unit.AcceptOnlyFromAmong("kr", "thousands");
        var keepTotals = new Option<bool>("--keep-totals") { Description = "In thousands: rows add up to their subtotals and totals at every level (decision 0015)" };
        var priceLevel = new Option<int?>("--price-level") { Description = "Convert to this year's price level (data/reference/price-index.csv)" };
        var outputFile = new Option<FileInfo?>("--output") { Description = "Write to this file instead of the console" };

        var import = new Command("import", "Import cases from a CSV of case rows, all or nothing") { file, year, connection, provider };
        var report = new Command("report", "The year's cases, a savings catalogue or one case") { year, catalogue, caseId, format, unit, keepTotals, priceLevel, outputFile, connection, provider };
        import.SetAction(async (parse, token) =>
        {
            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), parse.InvocationConfiguration.Error, token);
            return store is null ? Usage : await ImportCases(store, parse.GetRequiredValue(file), parse.GetValue(year), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, token);
        });
        report.SetAction(async (parse, token) =>
        {
            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), parse.InvocationConfiguration.Error, token);
            return store is null
                ? Usage
                : await CasesReport(store, parse.GetValue(year), parse.GetValue(catalogue), parse.GetValue(caseId), parse.GetValue(format)!, parse.GetValue(unit) == "thousands", parse.GetValue(keepTotals),
                    parse.GetValue(priceLevel), parse.GetValue(outputFile), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, token);
        });
        return new Command("cases", "Appropriation cases: import, report (docs/cases.md)") { import, report };
    }

    private static CaseRecording Recording(BudgetStore store) =>
        new(store, store, ServiceClassification.Embedded(), SystemClock.Instance);

    private static async Task<int> ImportCases(BudgetStore store, FileInfo file, int year, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await error.WriteLineAsync($"The file {file.FullName} does not exist.");
            return Usage;
        }

        await using var stream = file.OpenRead();
        var outcome = await new CaseImport(Recording(store)).Run(year, stream, Actor.System, cancellationToken);
        if (!outcome.Succeeded)
        {
            await error.WriteLineAsync(outcome.Problem is { } problem ? $"Nothing was imported: {problem}" : $"Nothing was imported: {outcome.Errors.Count} error(s).");
            foreach (var e in outcome.Errors)
            {
                await error.WriteLineAsync($"{e.File}.csv line {e.Line}{(e.Column is null ? "" : $", {e.Column}")}: {e.Message}");
            }

            return InvalidData;
        }

        await output.WriteLineAsync($"Imported into {year}: {outcome.Ids!.Count} case(s), ids {string.Join(", ", outcome.Ids)}.");
        return Ok;
    }

    private static async Task<int> CasesReport(BudgetStore store, int year, string? catalogue, long? caseId, string format, bool thousands, bool keepTotals, int? priceLevel, FileInfo? file, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (format == "xlsx" && file is null)
        {
            await error.WriteLineAsync("--format xlsx needs --output FILE.xlsx.");
            return Usage;
        }

        var recording = Recording(store);
        var classification = ServiceClassification.Embedded();
        var prices = PriceIndexData.LoadFileOrEmbedded(null, typeof(ServiceClassification).Assembly);
        var today = SystemClock.Instance.GetCurrentInstant().InUtc().Date;
        var cases = await recording.List(year, catalogue, cancellationToken);
        if (cases is null)
        {
            await error.WriteLineAsync($"There is no budget year {year} in the database.");
            return InvalidData;
        }

        ReportDocument document;
        if (caseId is { } id)
        {
            var stored = cases.FirstOrDefault(c => c.Id == id);
            if (stored is null)
            {
                await error.WriteLineAsync($"{year} has no case {id}{(catalogue is null ? "" : $" in the catalogue '{catalogue}'")}.");
                return InvalidData;
            }

            if (priceLevel is { } level && prices.Problem(stored.Case.PriceLevel, level, stored.Case.Rows.Select(r => CaseTable.IndexKindOf(r, classification))) is { } problem)
            {
                await error.WriteLineAsync($"Case {id} cannot be converted to {level} P/L: {problem}.");
                return InvalidData;
            }

            var accounts = (await store.Accounts(year, cancellationToken)).ToDictionary(a => a.Id);
            document = CaseDocuments.Case(stored, CaseTable.Of(stored.Case, accounts, prices, classification, priceLevel), today);
        }
        else
        {
            if (catalogue is not null && cases.Count == 0)
            {
                await error.WriteLineAsync($"{year} has no case in the catalogue '{catalogue}'.");
                return InvalidData;
            }

            if (priceLevel is { } level && cases.Select(c => prices.Problem(c.Case.PriceLevel, level, c.Case.Rows.Select(r => CaseTable.IndexKindOf(r, classification)))).FirstOrDefault(p => p is not null) is { } problem)
            {
                await error.WriteLineAsync($"The cases cannot be converted to {level} P/L: {problem}.");
                return InvalidData;
            }

            var (table, levels) = CatalogueTable.Of(year, cases, prices, classification, recording.ClassOf, priceLevel);
            if (table is null)
            {
                await error.WriteLineAsync($"The cases are at the price levels {string.Join(", ", levels)}; amounts of different levels are never added: give --price-level Y.");
                return InvalidData;
            }

            document = CaseDocuments.Catalogue(year, catalogue, table, today);
        }

        if (thousands)
        {
            document = document.InThousands(RoundingRule.HalfAwayFromZero, keepTotals);
        }

        return await ReportFiles.Write(document, format, file, output, error, writer => WriteDocument(document, writer), cancellationToken);
    }

    /// <summary>A report document as console tables with Danish numbers (kroner with øre, or whole thousands).</summary>
    private static void WriteDocument(ReportDocument document, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        console.WriteLine(document.Title + (document.Unit == ReportDocument.Thousands ? " (1.000 kr.)" : " (kr.)"));
        foreach (var table in document.Tables)
        {
            var grid = new Table().Title(Markup.Escape(table.Title));
            foreach (var column in table.Columns)
            {
                grid.AddColumn(column.Kind == ColumnKind.Text ? new TableColumn(Markup.Escape(column.Header)) : new TableColumn(Markup.Escape(column.Header)).RightAligned());
            }

            foreach (var row in table.Rows)
            {
                grid.AddRow(table.Columns.Select((c, i) => Markup.Escape(c.Kind == ColumnKind.Text
                    ? row.Cells[i].Text ?? ""
                    : row.Cells[i].Number is { } n ? (document.Unit == ReportDocument.Thousands ? DanishNumbers.Format((long)n) : DanishNumbers.Format(n, 2)) : "")).ToArray());
            }

            console.Write(grid);
            foreach (var note in table.Notes)
            {
                console.WriteLine(note);
            }
        }

        foreach (var note in document.Notes)
        {
            console.WriteLine(note);
        }
    }
}

using System.CommandLine;
using System.CommandLine.Invocation;
using System.Diagnostics;
using System.Reflection;
using Budget.Application;
using Budget.Application.Datasets;
using Budget.Application.FollowUp;
using Budget.Application.Refusion;
using Budget.Application.Users;
using Budget.Data;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;

namespace Budget.Cli;

/// <summary>
/// The command-line tool: <c>import</c> a dataset folder (the nightly ledger export), print or write the follow-up
/// <c>report</c>, <c>close</c> a year and print its <c>carry-overs</c>, import and report appropriation <c>cases</c>,
/// <c>migrate</c> a database, <c>check</c> a printed table (<see cref="CheckCommand"/>). Exit codes: 0 ok, 1 invalid
/// data (check: findings), 2 usage (check: unreadable).
/// </summary>
public static partial class BudgetCli
{
    public const int Ok = 0;
    public const int InvalidData = 1;
    public const int Usage = 2;

    private const string UsageLine = "Usage: budget import FOLDER --year Y | report --year Y --round R [--by ...] [--format table|csv|xlsx] [--output F] | close --year Y --on DATE | carry-overs --year Y [--by ...] [--format table|csv|xlsx] [--output F] | cases import FILE --year Y | cases report --year Y [--catalogue NAME] [--format table|csv|xlsx] | migrate | check FILE [--relation R] [--exact];  common: --connection C --provider sqlite|postgres.  budget COMMAND --help lists a command's options.";

    public static async Task<int> Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var connection = new Option<string?>("--connection") { Description = "Connection string (SQLite: Data Source=PATH). Default: the embedded database the API uses." };
        var provider = new Option<string>("--provider") { Description = "sqlite (default) or postgres", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong([.. BudgetStores.Providers]);
        var year = new Option<int>("--year") { Description = "The budget year", Required = true };
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder with accounts.csv, movements.csv, postings.csv, estimates.csv, rounds.csv" };
        var round = new Option<int>("--round") { Description = "Estimate round 1–3", Required = true };
        round.AcceptOnlyFromAmong("1", "2", "3");
        var by = GroupingOption();
        var asOf = new Option<string?>("--as-of") { Description = "yyyy-MM-dd; default the round's cut-off" };
        var format = new Option<string>("--format") { Description = "table (Danish numbers, 1.000 kr.), csv (Danish Excel: ; and ,) or xlsx (needs --output)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "xlsx");
        var outputFile = new Option<FileInfo?>("--output") { Description = "Write to this file instead of the console" };

        var import = new Command("import", "Import a dataset folder into a year, all or nothing") { folder, year, connection, provider };
        var report = new Command("report", "The follow-up report of a round") { year, round, by, asOf, format, outputFile, connection, provider };
        var migrate = new Command("migrate", "Create or update the database schema") { connection, provider };

        // Year-end (docs/year-end.md): closing a year's accounts and its carry-over case.
        var closeOn = new Option<string>("--on") { Description = "The closing date yyyy-MM-dd: from 31 December of the year to 30 June of the next", Required = true };
        var close = new Command("close", "Close a year's accounts: its postings, estimates and rounds become final") { year, closeOn, connection, provider };
        var carryBy = new Option<string>("--by") { Description = "Grouping: " + string.Join(", ", YearEndCommands.Groupings), DefaultValueFactory = _ => "account" };
        carryBy.AcceptOnlyFromAmong(YearEndCommands.Groupings);
        var carryOvers = new Command("carry-overs", "The carry-over case: each account's result and what the policies carry into next year") { year, carryBy, format, outputFile, connection, provider };
        close.SetAction(async (parse, token) =>
        {
            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), error, token);
            return store is null ? Usage : await YearEndCommands.Close(store, parse.GetValue(year), parse.GetValue(closeOn)!, output, error, token);
        });
        carryOvers.SetAction(async (parse, token) =>
        {
            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), error, token);
            return store is null ? Usage : await YearEndCommands.CarryOvers(store, parse.GetValue(year), parse.GetValue(carryBy)!, parse.GetValue(format)!, parse.GetValue(outputFile), output, error, token);
        });
        import.SetAction(async (parse, token) =>
        {
            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), error, token);
            return store is null ? Usage : await Import(store, parse.GetRequiredValue(folder), parse.GetValue(year), output, error, token);
        });
        report.SetAction(async (parse, token) =>
        {
            LocalDate? date = null;
            if (parse.GetValue(asOf) is { } asOfText)
            {
                var parsed = LocalDatePattern.Iso.Parse(asOfText);
                if (!parsed.Success)
                {
                    await error.WriteLineAsync($"--as-of must be a date yyyy-MM-dd, not '{asOfText}'.");
                    return Usage;
                }

                date = parsed.Value;
            }

            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), error, token);
            return store is null ? Usage : await Report(store, parse.GetValue(year), RoundNumber.Of(parse.GetValue(round)), parse.GetValue(by).Grouping, date, parse.GetValue(format)!, parse.GetValue(outputFile), output, error, token);
        });
        migrate.SetAction(async (parse, token) =>
        {
            using var store = await OpenStore(parse.GetValue(provider)!, parse.GetValue(connection), error, token);
            if (store is null)
            {
                return Usage;
            }

            await output.WriteLineAsync("The database is up to date.");
            return Ok;
        });

        // HelpName: the help reads "budget import …" also when the tool is hosted by another process (the tests).
        var root = new RootCommand("Budget follow-up for Danish municipalities") { HelpName = "budget" };
        root.Subcommands.Add(import);
        root.Subcommands.Add(report);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(close);
        root.Subcommands.Add(carryOvers);
        root.Subcommands.Add(CasesCommand(connection, provider));
        root.Subcommands.Add(CheckCommand.Create(output, error));
        var version = root.Options.OfType<VersionOption>().Single();
        version.Recursive = true;
        version.Action = new PrintVersion();

        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // System.CommandLine's own error action exits 1, which is our "invalid data"; a usage error exits 2.
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync(UsageLine);
            return Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Its handler would print a stack trace and exit 1 ("invalid data"); a fault stays an exception for the host.
            EnableDefaultExceptionHandler = false,
            // An interrupted import needs no cooperative stop (the store's transaction makes it all or nothing), and
            // the caller's token stays the one way to cancel.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>
    /// --version: this tool's version. System.CommandLine's own prints the entry assembly's, which is another
    /// program's when the tool runs hosted (the tests).
    /// </summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        // As for --help: "budget import --version" needs no folder or --year.
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var version = typeof(BudgetCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(BudgetCli).Assembly.GetName().Version?.ToString()
                ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return Ok;
        }
    }

    /// <summary>--by: a follow-up grouping code; an unknown code is a usage error, never a silent fallback.</summary>
    private static Option<GroupingCode> GroupingOption() => new("--by")
    {
        Description = "Grouping: " + FollowUpGroupings.CodeList,
        HelpName = string.Join('|', FollowUpGroupings.Codes),
        DefaultValueFactory = _ => new GroupingCode(FollowUpGrouping.ActivityArea),
        CustomParser = result =>
        {
            var code = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (FollowUpGroupings.TryParse(code, out var grouping))
            {
                return new GroupingCode(grouping);
            }

            result.AddError($"--by must be one of {FollowUpGroupings.CodeList}, not '{code}'.");
            return default;
        },
    };

    /// <summary>The help prints an option's default through ToString, so it shows the code, not the enum's name.</summary>
    private readonly record struct GroupingCode(FollowUpGrouping Grouping)
    {
        public override string ToString() => FollowUpGroupings.Code(Grouping);
    }

    /// <summary>The store of the command line, its schema brought up to date; null (a usage error, reported) without a connection.</summary>
    private static async Task<BudgetStore?> OpenStore(string provider, string? connection, TextWriter error, CancellationToken cancellationToken)
    {
        if (connection is null && provider == "sqlite")
        {
            connection = new SqliteConnectionStringBuilder { DataSource = BudgetStores.DefaultSqlitePath() }.ToString();
            Directory.CreateDirectory(Path.GetDirectoryName(BudgetStores.DefaultSqlitePath())!);
        }

        if (connection is null)
        {
            await error.WriteLineAsync($"--provider {provider} needs --connection.");
            return null;
        }

        // Every command brings the schema up to date first, so a fresh database needs no separate migrate.
        var store = BudgetStores.Create(provider, connection, SystemClock.Instance);
        try
        {
            await store.Migrate(cancellationToken);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static async Task<int> Import(BudgetStore store, DirectoryInfo folder, int year, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            await error.WriteLineAsync($"The folder {folder.FullName} does not exist.");
            return Usage;
        }

        var paths = DatasetImport.FileNames
            .Select(name => (Name: name, Path: Path.Combine(folder.FullName, name + ".csv")))
            .Where(f => File.Exists(f.Path))
            .ToArray();
        if (paths.Length == 0)
        {
            await error.WriteLineAsync($"{folder.FullName} holds none of {string.Join(", ", DatasetImport.FileNames.Select(n => n + ".csv"))}.");
            return Usage;
        }

        var progress = new ImportProgress(paths.Sum(p => new FileInfo(p.Path).Length));
        var files = paths.ToDictionary(p => p.Name, p => (Func<Stream>)(() => progress.Track(File.OpenRead(p.Path))));
        // Each file is its own stream on disk: the postings are read beside the other files (decision 0035).
        var importer = new DatasetImport(store, SystemClock.Instance, loadRules: () => RuleData.LoadEmbedded(typeof(BudgetCli).Assembly)) { ReadPostingsAlongside = true };
        var stopwatch = Stopwatch.StartNew();
        ImportOutcome outcome;
        if (ReferenceEquals(output, Console.Out) && AnsiConsole.Profile.Capabilities.Interactive)
        {
            outcome = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("Reading", maxValue: progress.TotalBytes);
                    using var timer = new Timer(_ =>
                    {
                        task.Value = progress.BytesRead;
                        task.Description = $"{progress.Rows:N0} rows, {progress.Rows / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001):N0} rows/s";
                    }, null, 0, 250);
                    var result = await importer.Run(year, files, Actor.System, cancellationToken);
                    task.Value = progress.TotalBytes;
                    return result;
                });
        }
        else
        {
            outcome = await importer.Run(year, files, Actor.System, cancellationToken);
        }

        if (!outcome.Succeeded)
        {
            await error.WriteLineAsync($"Nothing was imported: {outcome.ErrorCount} error(s).");
            foreach (var e in outcome.Errors)
            {
                await error.WriteLineAsync($"{e.File}.csv line {e.Line}{(e.Column is null ? "" : $", {e.Column}")}: {e.Message}");
            }

            return InvalidData;
        }

        var counts = outcome.Counts!;
        await output.WriteLineAsync($"Imported into {year}: {counts.Accounts} accounts, {counts.Movements} movements, {counts.Postings} postings, {counts.Estimates} estimates in {stopwatch.Elapsed.TotalSeconds:0.0} s ({progress.Rows / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001):0} rows/s).");
        return Ok;
    }

    private static async Task<int> Report(BudgetStore store, int year, RoundNumber round, FollowUpGrouping grouping, LocalDate? asOf, string format, FileInfo? file, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var report = await new FollowUpQuery(store, store).Report(year, round, grouping, asOf, cancellationToken);
        if (report is null)
        {
            await error.WriteLineAsync($"There is no budget year {year} in the database.");
            return InvalidData;
        }

        return await ReportFiles.Write(ReportFiles.Document(report), format, file, output, error, writer => ReportFiles.WriteTable(report, writer), cancellationToken);
    }
}

/// <summary>Counts bytes and lines as the importer reads the files, for the progress bar's rows/s and ETA.</summary>
internal sealed class ImportProgress(long totalBytes)
{
    private long bytesRead;
    private long rows;

    public long TotalBytes => Math.Max(totalBytes, 1);

    public long BytesRead => Interlocked.Read(ref bytesRead);

    public long Rows => Interlocked.Read(ref rows);

    public Stream Track(Stream inner) => new CountingStream(inner, this);

    private void Add(ReadOnlySpan<byte> bytes)
    {
        Interlocked.Add(ref bytesRead, bytes.Length);
        Interlocked.Add(ref rows, bytes.Count((byte)'\n'));
    }

    private sealed class CountingStream(Stream inner, ImportProgress progress) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            progress.Add(buffer.AsSpan(offset, read));
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            progress.Add(buffer.Span[..read]);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>The follow-up as a console table (Danish numbers, 1.000 kr.) or as CSV the way Danish Excel opens it.</summary>
internal static class ReportFiles
{
    private static IReadOnlyList<(string Header, Func<FollowUpFigures, Amount> Value)> Columns => Budget.Reports.FollowUpDocument.Columns;

    /// <summary>The follow-up as a report document (kroner), for the renderers the API's reports use.</summary>
    public static Budget.Reports.ReportDocument Document(FollowUpReport report) => Budget.Reports.FollowUpDocument.Of(report);

    private static string Label(FollowUpRow row) =>
        string.Join(" / ", new[] { row.Committee, row.ActivityArea, row.Group, row.Block?.ToString(), row.Account is null ? null : $"{row.Account.Id} {row.Account.Name}" }.Where(p => p is not null));

    /// <summary>Each cell rounded to 1.000 kr. on its own (half away from zero), as the committee papers print them.</summary>
    public static void WriteTable(FollowUpReport report, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        var table = new Table().Title($"Budgetopfølgning {report.Year}, {report.Round}. runde, pr. {report.AsOf:dd-MM-yyyy} (1.000 kr.)");
        table.AddColumn("");
        foreach (var column in Columns)
        {
            table.AddColumn(new TableColumn(column.Header).RightAligned());
        }

        table.AddColumn(new TableColumn("Forbrug pct.").RightAligned());
        foreach (var row in report.Rows)
        {
            table.AddRow(Cells(Label(row), row.Figures));
        }

        table.AddRow(Cells("I alt", report.Total));
        console.Write(table);
    }

    private static string[] Cells(string label, FollowUpFigures figures) =>
        [Markup.Escape(label), .. Columns.Select(c => DanishNumbers.Format(ThousandsRounding.Round(c.Value(figures)))), figures.ConsumptionPercent is { } p ? DanishNumbers.Format(p, 1) : ""];

    /// <summary>
    /// The follow-up through the API's own CSV renderer (<see cref="Budget.Reports.CsvRenderer"/>): <c>;</c> between
    /// fields, <c>,</c> before decimals, kroner with øre, text defused. The renderer's byte-order mark is left to
    /// the writer: a file's writes one, the console gets none.
    /// </summary>
    public static async Task WriteCsv(Budget.Reports.ReportDocument document, TextWriter writer)
    {
        var bytes = Budget.Reports.CsvRenderer.Render(document);
        var preamble = System.Text.Encoding.UTF8.GetPreamble().Length;
        await writer.WriteAsync(System.Text.Encoding.UTF8.GetString(bytes, preamble, bytes.Length - preamble));
    }

    /// <summary>
    /// A report document as <c>--format</c> asks, for every command that prints one: xlsx into <c>--output</c> (required),
    /// csv or the command's console table into <c>--output</c> (UTF-8 with a byte-order mark, as Danish Excel wants it)
    /// or onto the console.
    /// </summary>
    public static async Task<int> Write(Budget.Reports.ReportDocument document, string format, FileInfo? file, TextWriter output, TextWriter error, Action<TextWriter> writeTable, CancellationToken cancellationToken)
    {
        if (format == "xlsx")
        {
            if (file is null)
            {
                await error.WriteLineAsync("--format xlsx needs --output FILE.xlsx.");
                return BudgetCli.Usage;
            }

            await File.WriteAllBytesAsync(file.FullName, Budget.Reports.XlsxRenderer.Render(document), cancellationToken);
            return BudgetCli.Ok;
        }

        var writer = file is null ? output : new StreamWriter(file.FullName, false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            if (format == "csv")
            {
                await WriteCsv(document, writer);
            }
            else
            {
                writeTable(writer);
            }
        }
        finally
        {
            if (file is not null)
            {
                await writer.DisposeAsync();
            }
        }

        return BudgetCli.Ok;
    }

}

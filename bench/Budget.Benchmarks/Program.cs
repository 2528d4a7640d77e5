using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Budget.Application;
using Budget.Application.FollowUp;
using Budget.Data;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using NodaTime;

BenchmarkSwitcher.FromAssembly(typeof(Budget.Benchmarks.ReportLatency).Assembly).Run(args);

namespace Budget.Benchmarks
{

/// <summary>
/// Warm follow-up report latency on an already loaded database (BUDGET_BENCH_PROVIDER, BUDGET_BENCH_CONNECTION;
/// year BUDGET_BENCH_YEAR, default 2014) for every grouping at several as-of dates. bench/run.sh loads the data.
/// </summary>
[MemoryDiagnoser]
public class ReportLatency
{
    private FollowUpQuery query = null!;
    private int year;

    /// <summary>Every grouping, or those named in BUDGET_BENCH_BY (comma-separated, e.g. "Account,Committee").</summary>
    [ParamsSource(nameof(Groupings))]
    public FollowUpGrouping By { get; set; }

    /// <summary>Month ends (read from the cumulative month totals) and a mid-month date (month totals plus days), or BUDGET_BENCH_ASOF.</summary>
    [ParamsSource(nameof(Dates))]
    public string AsOf { get; set; } = "03-31";

    public static IEnumerable<FollowUpGrouping> Groupings =>
        Environment.GetEnvironmentVariable("BUDGET_BENCH_BY") is { Length: > 0 } names
            ? names.Split(',').Select(Enum.Parse<FollowUpGrouping>)
            : Enum.GetValues<FollowUpGrouping>();

    public static IEnumerable<string> Dates =>
        Environment.GetEnvironmentVariable("BUDGET_BENCH_ASOF") is { Length: > 0 } dates ? dates.Split(',') : ["03-15", "03-31", "06-30", "12-31"];

    [GlobalSetup]
    public void Setup()
    {
        (var store, year) = BenchDatabase.Open();
        query = new FollowUpQuery(store, store, new KeptFollowUps()); // as the server builds it (decision 0021)
    }

    [Benchmark]
    public async Task<FollowUpReport?> Report()
    {
        var parts = AsOf.Split('-');
        return await query.Report(year, RoundNumber.Of(1), By, new LocalDate(year, int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
    }
}

/// <summary>
/// The report right after a write: before each measured report an estimate of round 1 is saved through the same
/// store (untimed), so the report finds one changed account in the fact_change log and recomputes that account only
/// (decision 0020). Same environment as <see cref="ReportLatency"/>; the year's round 1 must be open.
/// </summary>
[MemoryDiagnoser]
public class ReportAfterWrite
{
    private BudgetStore store = null!;
    private FollowUpQuery query = null!;
    private int year;
    private long saved;
    private string account = "";

    [ParamsSource(nameof(Groupings))]
    public FollowUpGrouping By { get; set; }

    public static IEnumerable<FollowUpGrouping> Groupings => ReportLatency.Groupings;

    [GlobalSetup]
    public void Setup()
    {
        (store, year) = BenchDatabase.Open();
        query = new FollowUpQuery(store, store, new KeptFollowUps()); // as the server builds it (decision 0021)
        account = ((IYearStore)store).Accounts(year, CancellationToken.None).GetAwaiter().GetResult()[0].Id.Value;
    }

    [IterationSetup]
    public void SaveAnEstimate()
    {
        var round = RoundNumber.Of(1);
        var id = Budget.Domain.Accounts.AccountId.Parse(account);
        var stored = ((IEstimateStore)store).FindEstimate(year, round, id, CancellationToken.None).GetAwaiter().GetResult();
        var estimate = new AccountEstimate(round, id, Budget.Domain.Money.Amount.FromOre(1_000_000_00 + saved++), "benchmark", OutYearConsequences.None);
        var audit = new Budget.Application.Audit.AuditEntry(year, SystemClock.Instance.GetCurrentInstant(), "benchmark", "estimate.save", $"budget-years/{year}/rounds/1/estimates/{account}", null, "{}");
        var result = ((IEstimateStore)store).SaveEstimate(year, estimate, stored?.Version, SystemClock.Instance.GetCurrentInstant(), audit, CancellationToken.None).GetAwaiter().GetResult();
        if (result.Status != EstimateSaveStatus.Saved)
        {
            throw new InvalidOperationException($"the estimate was not saved ({result.Status}): round 1 of {year} must be open");
        }
    }

    [Benchmark]
    public async Task<FollowUpReport?> Report() =>
        await query.Report(year, RoundNumber.Of(1), By, null, CancellationToken.None);
}

/// <summary>
/// An estimate saved as the API saves it (<see cref="Budget.Application.Estimates.EstimateRecording.Record"/>: the year,
/// the account and the current estimate read, the compare-and-set with its history row and audit entry, one at a
/// time), for its time and what it allocates (decision 0026). Same environment as <see cref="ReportLatency"/>; the
/// year's round 1 must be open. No report is kept, so no background refresh follows the write.
/// </summary>
[MemoryDiagnoser]
public class EstimateSaved
{
    private Budget.Application.Estimates.EstimateRecording recording = null!;
    private int year;
    private Budget.Domain.Accounts.AccountId account;
    private long saved;

    [GlobalSetup]
    public void Setup()
    {
        (var store, year) = BenchDatabase.Open();
        recording = new Budget.Application.Estimates.EstimateRecording(store, store, SystemClock.Instance);
        account = ((IYearStore)store).Accounts(year, CancellationToken.None).GetAwaiter().GetResult()[0].Id;
    }

    [Benchmark]
    public async Task<Budget.Application.Estimates.EstimateWriteResult> Save()
    {
        var estimate = new AccountEstimate(RoundNumber.Of(1), account, Budget.Domain.Money.Amount.FromOre(2_000_000_00 + saved++), "benchmark", OutYearConsequences.None);
        var result = await recording.Record(year, estimate, new Budget.Application.Estimates.ExpectedVersion.Any(), Budget.Application.Users.Actor.System, CancellationToken.None);
        return result.Status == Budget.Application.Estimates.EstimateWriteStatus.Saved
            ? result
            : throw new InvalidOperationException($"the estimate was not saved ({result.Status}): round 1 of {year} must be open and have an estimate of the first account");
    }
}

/// <summary>
/// The CLI's import of a year's folder into a new SQLite database and its report by account, both through
/// <c>BudgetCli.Run</c> as the two processes of the hledger comparison run them, but warm: in one process, after
/// BenchmarkDotNet's warm-up, with nothing left to start or compile. What Native AOT could at best bring the two
/// processes down to (docs/performance.md). BUDGET_BENCH_DATASET: the folder (bench/generate-year.py, all five files);
/// year BUDGET_BENCH_YEAR (default 2014).
/// </summary>
[MemoryDiagnoser]
public class CliWarm
{
    private string dataset = null!;
    private string database = null!;
    private string year = null!;
    private int iteration;

    [GlobalSetup]
    public void Setup()
    {
        dataset = Environment.GetEnvironmentVariable("BUDGET_BENCH_DATASET") ?? throw new InvalidOperationException("BUDGET_BENCH_DATASET names the year's folder");
        year = Environment.GetEnvironmentVariable("BUDGET_BENCH_YEAR") ?? "2014";
    }

    /// <summary>
    /// A new file for every import: the provider pools connections by connection string, and a pooled connection to a
    /// deleted file of the same name would import into the last iteration's year.
    /// </summary>
    [IterationSetup]
    public void NewDatabase()
    {
        DeleteDatabases();
        database = Path.Combine(Path.GetTempPath(), $"budget-cli-warm-{Environment.ProcessId}-{++iteration}.db");
    }

    [GlobalCleanup]
    public void Cleanup() => DeleteDatabases();

    /// <summary>This process's databases, once the pool has let go of them.</summary>
    private static void DeleteDatabases()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), $"budget-cli-warm-{Environment.ProcessId}-*"))
        {
            File.Delete(file);
        }
    }

    [Benchmark]
    public async Task<int> ImportAndReport()
    {
        var connection = $"Data Source={database}";
        var imported = await Budget.Cli.BudgetCli.Run(["import", dataset, "--year", year, "--connection", connection], TextWriter.Null, Console.Error, CancellationToken.None);
        var reported = await Budget.Cli.BudgetCli.Run(["report", "--year", year, "--round", "1", "--by", "account", "--format", "csv", "--connection", connection], TextWriter.Null, Console.Error, CancellationToken.None);
        return imported == 0 && reported == 0 ? 0 : throw new InvalidOperationException($"the CLI failed: import {imported}, report {reported}");
    }
}

/// <summary>The loaded database every benchmark reads: BUDGET_BENCH_PROVIDER (default sqlite), BUDGET_BENCH_CONNECTION, year BUDGET_BENCH_YEAR (default 2014).</summary>
internal static class BenchDatabase
{
    public static (BudgetStore Store, int Year) Open()
    {
        var provider = Environment.GetEnvironmentVariable("BUDGET_BENCH_PROVIDER") ?? "sqlite";
        var connection = Environment.GetEnvironmentVariable("BUDGET_BENCH_CONNECTION") ?? throw new InvalidOperationException("Set BUDGET_BENCH_CONNECTION to a loaded database.");
        var year = int.Parse(Environment.GetEnvironmentVariable("BUDGET_BENCH_YEAR") ?? "2014", System.Globalization.CultureInfo.InvariantCulture);
        return (BudgetStores.Create(provider, connection, SystemClock.Instance), year);
    }
}
}

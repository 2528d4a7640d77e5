using Budget.Cli;

namespace Budget.Cli.Tests;

/// <summary>
/// What every CLI test class needs: the tool run in-process on a real database of its own — a SQLite file, or
/// (BUDGET_TEST_PROVIDER=postgres) a fresh database on the server of BUDGET_TEST_POSTGRES — dropped afterwards.
/// With BUDGET_TEST_CLI set to a published <c>budget</c> (.ci/run publishes it compiled ahead of time, decision 0034),
/// every command runs as that program instead, so the suite checks what a scheduled job runs.
/// </summary>
public abstract class CliDatabaseTests : IDisposable
{
    /// <summary>This class's scratch folder (and SQLite file).</summary>
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "budget-cli-tests", Guid.NewGuid().ToString("N"));

    protected string Provider { get; }

    protected string Connection { get; }

    private readonly string? postgresDatabase;

    protected CliDatabaseTests()
    {
        Directory.CreateDirectory(Folder);
        if (Environment.GetEnvironmentVariable("BUDGET_TEST_PROVIDER") == "postgres")
        {
            var server = Environment.GetEnvironmentVariable("BUDGET_TEST_POSTGRES") ?? throw new InvalidOperationException("BUDGET_TEST_POSTGRES is not set");
            postgresDatabase = "budget_cli_" + Guid.NewGuid().ToString("N");
            Postgres(server, $"CREATE DATABASE {postgresDatabase}");
            Provider = "postgres";
            Connection = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = postgresDatabase }.ToString();
        }
        else
        {
            Provider = "sqlite";
            Connection = $"Data Source={Path.Combine(Folder, "budget.db")}";
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgresDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            Postgres(Environment.GetEnvironmentVariable("BUDGET_TEST_POSTGRES")!, $"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)");
        }

        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static void Postgres(string server, string sql)
    {
        using var c = new Npgsql.NpgsqlConnection(server);
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected static string Demo => Path.Combine(RepositoryRoot(), "data", "demo");

    /// <summary>A copy of the demo dataset's files in a folder of this test, for a test that adds rows to them.</summary>
    protected string DemoCopy(string name)
    {
        var folder = Path.Combine(Folder, name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Demo, "*.csv"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    protected static string RepositoryRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Budget.sln")))
        {
            d = d.Parent;
        }

        return d!.FullName;
    }

    /// <summary>The tool on this class's database.</summary>
    protected Task<(int Exit, string Out, string Error)> Cli(params string[] args) => Bare([.. args, "--connection", Connection, "--provider", Provider]);

    /// <summary>The published program the suite runs instead of the in-process tool (BUDGET_TEST_CLI), or null.</summary>
    internal static string? PublishedTool { get; } = Environment.GetEnvironmentVariable("BUDGET_TEST_CLI") is { Length: > 0 } path
        ? File.Exists(path) ? Path.GetFullPath(path) : throw new InvalidOperationException($"BUDGET_TEST_CLI names {path}, which does not exist")
        : null;

    /// <summary>The tool as a process of its own: the published program, else the build's budget.dll under dotnet.</summary>
    internal static System.Diagnostics.ProcessStartInfo ToolProcess(IEnumerable<string> args)
    {
        var start = PublishedTool is { } tool
            ? new System.Diagnostics.ProcessStartInfo(tool, args)
            : new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "budget.dll"), .. args]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = System.Text.Encoding.UTF8;
        start.StandardErrorEncoding = System.Text.Encoding.UTF8;
        return start;
    }

    /// <summary>The tool with exactly these arguments (--version refuses any other).</summary>
    protected static Task<(int Exit, string Out, string Error)> Bare(params string[] args) => Tool(args);

    /// <summary>The tool with these arguments: in-process, or as the published program when BUDGET_TEST_CLI names one.</summary>
    internal static async Task<(int Exit, string Out, string Error)> Tool(string[] args)
    {
        if (PublishedTool is not null)
        {
            using var process = System.Diagnostics.Process.Start(ToolProcess(args))!;
            var read = process.StandardOutput.ReadToEndAsync();
            var readError = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await read, await readError);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BudgetCli.Run(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}

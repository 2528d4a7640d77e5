using Budget.Cli;

namespace Budget.Cli.Tests;

/// <summary>
/// What every CLI test class needs: the tool run in-process on a real database of its own — a SQLite file, or
/// (BUDGET_TEST_PROVIDER=postgres) a fresh database on the server of BUDGET_TEST_POSTGRES — dropped afterwards.
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

    /// <summary>The tool with exactly these arguments (--version refuses any other).</summary>
    protected static async Task<(int Exit, string Out, string Error)> Bare(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BudgetCli.Run(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Budget.Api.Tests;

/// <summary>
/// The real API host over its own database, removed afterwards: a SQLite file, or, when the environment says
/// <c>BUDGET_TEST_PROVIDER=postgres</c>, a fresh database in the PostgreSQL server of <c>BUDGET_TEST_POSTGRES</c>
/// (.ci/run starts a throwaway cluster and runs this whole suite once per provider).
/// </summary>
public sealed class BudgetApiFactory : WebApplicationFactory<Program>
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "budget-tests", Guid.NewGuid().ToString("N"));
    private readonly string? postgresDatabase;
    private readonly IReadOnlyDictionary<string, string> settings;
    private readonly string? environment;

    public static bool OnPostgres => Environment.GetEnvironmentVariable("BUDGET_TEST_PROVIDER") == "postgres";

    private static string PostgresServer => Environment.GetEnvironmentVariable("BUDGET_TEST_POSTGRES")
        ?? throw new InvalidOperationException("BUDGET_TEST_PROVIDER=postgres needs BUDGET_TEST_POSTGRES, a connection string to a server where databases may be created (see .ci/run).");

    /// <param name="kestrel">Serve over real HTTP on a loopback port instead of the in-memory test server.</param>
    /// <param name="settings">Further configuration, e.g. <c>Budget:MaxConcurrentImports</c>.</param>
    /// <param name="environment">The host's environment; null leaves the test host's default (Development). A published server runs as Production.</param>
    public BudgetApiFactory(bool seedDemo = true, bool? anonymousRead = null, bool kestrel = false, IReadOnlyDictionary<string, string>? settings = null, string? environment = null)
    {
        this.environment = environment;
        SeedDemo = seedDemo;
        this.settings = settings ?? new Dictionary<string, string>();
        AnonymousRead = anonymousRead;
        Directory.CreateDirectory(directory);
        if (OnPostgres)
        {
            postgresDatabase = "budget_test_" + Guid.NewGuid().ToString("N");
            Postgres($"CREATE DATABASE {postgresDatabase}");
        }

        if (kestrel)
        {
            UseKestrel(0);
            StartServer();
        }
    }

    public bool SeedDemo { get; }

    /// <summary>Auth:AnonymousRead; null leaves the default (false: a connection string is configured).</summary>
    public bool? AnonymousRead { get; }

    public string DatabasePath => Path.Combine(directory, "budget.db");

    /// <summary>The provider and connection string the host is given, for opening a second store on the same database as the CLI would.</summary>
    public (string Provider, string ConnectionString) Storage => postgresDatabase is null
        ? ("sqlite", $"Data Source={DatabasePath}")
        : ("postgres", new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Database = postgresDatabase }.ToString());

    /// <summary>Whether any stored text holds <paramref name="text"/> (the SQLite file and its WAL, or every text column of PostgreSQL).</summary>
    public bool DatabaseContains(string text)
    {
        if (postgresDatabase is null)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return Directory.GetFiles(directory).Any(f => File.ReadAllBytes(f).AsSpan().IndexOf(bytes) >= 0);
        }

        using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Database = postgresDatabase }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM app_user WHERE position(@t in name || roles || coalesce(committees, '') || key_hash) > 0;
            """;
        command.Parameters.AddWithValue("t", text);
        var users = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT count(*) FROM audit_entry WHERE position(@t in coalesce(before, '') || coalesce(after, '') || target) > 0";
        return users + (long)command.ExecuteScalar()! > 0;
    }

    private static void Postgres(string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(PostgresServer);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The administrator key every client of this factory sends unless it says otherwise.</summary>
    public const string BootstrapKey = "test-bootstrap-key-at-least-32-characters";

    public FakeClock Clock { get; } = new(NodaTime.Instant.FromUtc(2014, 4, 10, 9, 0));

    /// <summary>A client without any key.</summary>
    public HttpClient Anonymous()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    /// <summary>A client sending <paramref name="apiKey"/>.</summary>
    public HttpClient WithKey(string apiKey)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", BootstrapKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (environment is not null)
        {
            builder.UseEnvironment(environment);
        }

        if (postgresDatabase is not null)
        {
            builder.UseSetting("Budget:Provider", "postgres");
        }

        builder.UseSetting("ConnectionStrings:Budget", Storage.ConnectionString);

        builder.UseSetting("Budget:SeedDemo", SeedDemo ? "true" : "false");
        builder.UseSetting("Auth:BootstrapKey", BootstrapKey);
        if (AnonymousRead is { } anonymous)
        {
            builder.UseSetting("Auth:AnonymousRead", anonymous ? "true" : "false");
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<NodaTime.IClock>(Clock));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgresDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            Postgres($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)");
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS is left in the temp folder.
        }
    }
}

/// <summary>A clock the tests move by hand, so audit instants are exact.</summary>
public sealed class FakeClock(NodaTime.Instant now) : NodaTime.IClock
{
    private long ticks = now.ToUnixTimeTicks();

    public NodaTime.Instant GetCurrentInstant() => NodaTime.Instant.FromUnixTimeTicks(Interlocked.Read(ref ticks));

    public void Advance(NodaTime.Duration by) => Interlocked.Add(ref ticks, (long)by.TotalTicks);

    public void Set(NodaTime.Instant instant) => Interlocked.Exchange(ref ticks, instant.ToUnixTimeTicks());
}

internal static class Http
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Compact JSON with Danish letters as they are, for comparing whole objects.</summary>
    public static string Text(this JsonNode? node) => node?.ToJsonString(Readable) ?? "null";

    public static async Task<JsonNode> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static StringContent JsonBody(object body) =>
        new(JsonSerializer.Serialize(body, Web), Encoding.UTF8, "application/json");

    /// <summary>A multipart dataset body: one part per file, named as the contract says.</summary>
    public static MultipartFormDataContent Dataset(params (string Name, string Csv)[] files) =>
        DatasetBytes(files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Csv))).ToArray());

    public static MultipartFormDataContent DatasetBytes(params (string Name, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(part, name, name + ".csv");
        }

        return content;
    }

    /// <summary>The dataset files of a folder under data/ of the repository.</summary>
    public static MultipartFormDataContent DatasetFolder(string relative)
    {
        var folder = Path.Combine(RepositoryRoot(), relative);
        return DatasetBytes(Directory.GetFiles(folder, "*.csv").Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f))).ToArray());
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Budget.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Budget.sln not found above the test binaries.");
    }

    public static decimal Thousands(this JsonNode? amount, string because = "")
    {
        var kroner = amount!.GetValue<decimal>();
        return decimal.Round(kroner / 1000m, 0, MidpointRounding.AwayFromZero);
    }
}

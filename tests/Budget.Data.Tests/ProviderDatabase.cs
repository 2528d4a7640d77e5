using System.Data.Common;
using Budget.Application;
using Budget.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace Budget.Data.Tests;

/// <summary>
/// A fresh database of one provider with every migration applied, removed afterwards: a SQLite file in a temp folder,
/// or a new database in the PostgreSQL server of <c>BUDGET_TEST_POSTGRES</c> (.ci/run starts a throwaway cluster).
/// </summary>
public sealed class ProviderDatabase : IAsyncDisposable
{
    private readonly string? sqliteDirectory;
    private readonly string? postgresDatabase;

    private ProviderDatabase(string provider, string connectionString, string? sqliteDirectory, string? postgresDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.sqliteDirectory = sqliteDirectory;
        this.postgresDatabase = postgresDatabase;
    }

    /// <summary>"sqlite" or "postgres", as <see cref="BudgetStores.Providers"/> names them.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    public override string ToString() => Provider;

    public static async Task<ProviderDatabase> Create(string provider)
    {
        ProviderDatabase database;
        switch (provider)
        {
            case "sqlite":
                var directory = Path.Combine(Path.GetTempPath(), "budget-data-tests", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(directory);
                database = new ProviderDatabase(provider, $"Data Source={Path.Combine(directory, "budget.db")}", directory, null);
                break;
            case "postgres":
                var name = "budget_data_test_" + Guid.NewGuid().ToString("N");
                await OnPostgresServer($"CREATE DATABASE {name}");
                database = new ProviderDatabase(provider, new NpgsqlConnectionStringBuilder(TestProviders.PostgresServer) { Database = name }.ToString(), null, name);
                break;
            default:
                throw new ArgumentException($"'{provider}' is not one of {string.Join(", ", BudgetStores.Providers)}.", nameof(provider));
        }

        var store = database.Store(SystemClock.Instance);
        try
        {
            await store.Migrate(CancellationToken.None);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    /// <summary>The provider's store over this database (dispose it).</summary>
    public BudgetStore Store(IClock clock) => BudgetStores.Create(Provider, ConnectionString, clock);

    /// <summary>An open connection for reading or poking at the schema directly (SQLite: foreign keys on, as the store sets them).</summary>
    public async Task<DbConnection> Open()
    {
        DbConnection connection = Provider == "sqlite" ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        if (Provider == "sqlite")
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys = ON;");
        }

        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (sqliteDirectory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by the OS is left in the temp folder.
            }
        }

        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await OnPostgresServer($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)");
        }
    }

    private static async Task OnPostgresServer(string sql)
    {
        await using var connection = new NpgsqlConnection(TestProviders.PostgresServer);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }
}

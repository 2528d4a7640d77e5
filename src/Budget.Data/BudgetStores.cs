using Budget.Data.Postgres;
using Budget.Data.Sqlite;
using NodaTime;

namespace Budget.Data;

/// <summary>The store of a configured provider (<c>Budget:Provider</c>): the API and the CLI choose it the same way.</summary>
public static class BudgetStores
{
    public static readonly IReadOnlyList<string> Providers = ["sqlite", "postgres"];

    /// <summary>Where the embedded default SQLite database lives when no connection string is configured.</summary>
    public static string DefaultSqlitePath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "budget-followup", "budget.db");

    public static BudgetStore Create(string provider, string connectionString, IClock clock) => provider switch
    {
        "sqlite" => new BudgetStore(new SqliteDialect(connectionString), connectionString, clock),
        "postgres" => new BudgetStore(new PostgresDialect(), connectionString, clock),
        _ => throw new ArgumentException($"Budget:Provider '{provider}' is not one of {string.Join(", ", Providers)}.", nameof(provider)),
    };
}

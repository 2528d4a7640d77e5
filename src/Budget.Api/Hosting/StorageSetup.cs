using Budget.Application;
using Budget.Application.Datasets;
using Budget.Application.Users;
using Budget.Data;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Api.Hosting;

/// <summary>The storage settings of interchange contract §1, resolved once at start-up.</summary>
internal sealed record StorageSettings(string Provider, string ConnectionString, bool IsEmbeddedDefault, bool SeedDemo, string? DatabasePath)
{
    public const int DemoYear = 2014;

    public static StorageSettings From(IConfiguration configuration)
    {
        var provider = (configuration["Budget:Provider"] ?? "sqlite").Trim().ToLowerInvariant();
        var configured = configuration.GetConnectionString("Budget");
        var isDefault = string.IsNullOrWhiteSpace(configured);
        string connectionString;
        string? path = null;
        if (!BudgetStores.Providers.Contains(provider))
        {
            throw new InvalidOperationException($"Budget:Provider '{provider}' is not one of {string.Join(", ", BudgetStores.Providers)}.");
        }

        if (provider == "postgres")
        {
            if (isDefault)
            {
                throw new InvalidOperationException("Budget:Provider 'postgres' needs an Npgsql connection string in ConnectionStrings:Budget.");
            }

            return new StorageSettings(provider, configured!, false, configuration.GetValue<bool?>("Budget:SeedDemo") ?? false, null);
        }

        if (isDefault)
        {
            path = BudgetStores.DefaultSqlitePath();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(configured);
            path = builder.DataSource;
            connectionString = builder.ToString();
        }

        var seed = configuration.GetValue<bool?>("Budget:SeedDemo") ?? isDefault;
        return new StorageSettings(provider, connectionString, isDefault, seed, path);
    }
}

internal static class StorageSetup
{
    public static IServiceCollection AddBudgetStorage(this IServiceCollection services, StorageSettings settings)
    {
        services.AddSingleton(settings);
        // One store serves every concept; each use case asks for the one it needs.
        services.AddSingleton(sp => BudgetStores.Create(settings.Provider, settings.ConnectionString, sp.GetRequiredService<IClock>()));
        services.AddSingleton<IStoreMigrations>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IYearStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IFollowUpReader>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IAppropriationStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IEstimateStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IRoundStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IAuditReader>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<IImportStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<Budget.Application.AccountCards.IAccountCardReader>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<Budget.Application.YearEnd.IYearEndStore>(sp => sp.GetRequiredService<BudgetStore>());
        services.AddSingleton<Application.Cases.ICaseStore>(sp => sp.GetRequiredService<BudgetStore>());
        return services;
    }

    /// <summary>Migrates the database and, when configured and the database has no year yet, loads the demo year.</summary>
    public static async Task PrepareDatabase(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<StorageSettings>();
        await app.Services.GetRequiredService<IStoreMigrations>().Migrate(CancellationToken.None);
        if (settings.SeedDemo && (await app.Services.GetRequiredService<IYearStore>().Years(CancellationToken.None)).Count == 0)
        {
            var outcome = await DemoDataset.Import(app.Services.GetRequiredService<IImportStore>(), app.Services.GetRequiredService<IClock>(), CancellationToken.None);
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException("The demo dataset did not import: " + string.Join("; ", outcome.Errors.Select(e => $"{e.File}:{e.Line} {e.Column} {e.Message}")));
            }

            Console.WriteLine($"Loaded the demo year {StorageSettings.DemoYear}: {outcome.Counts}");
        }
    }
}

/// <summary>The demo year 2014 (data/demo, embedded): Lyngby-Taarbæk's employment committee, round 1.</summary>
internal static class DemoDataset
{
    public static Task<ImportOutcome> Import(IImportStore store, IClock clock, CancellationToken cancellationToken)
    {
        var assembly = typeof(DemoDataset).Assembly;
        var files = DatasetImport.FileNames
            .Where(name => assembly.GetManifestResourceInfo($"demo/{name}.csv") is not null)
            .ToDictionary(name => name, name => (Func<Stream>)(() => assembly.GetManifestResourceStream($"demo/{name}.csv")!));
        return new DatasetImport(store, clock).Run(StorageSettings.DemoYear, files, Actor.System, cancellationToken);
    }
}

using System.Data.Common;
using Budget.Data.Commands;

namespace Budget.Data;

/// <summary>
/// Applies forward-only numbered SQL migrations (embedded resources "NNNN_name.sql" in one folder per provider)
/// in order, each in its own transaction, and journals them in <c>schema_migration</c>.
/// </summary>
internal static class Migrator
{
    /// <param name="outer">When given (PostgreSQL: DDL is transactional), every migration runs in it; otherwise each in its own.</param>
    public static async Task Apply(DbConnection connection, string provider, CancellationToken cancellationToken, DbTransaction? outer = null)
    {
        const string journal = """
            CREATE TABLE IF NOT EXISTS schema_migration (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            )
            """;
        await connection.ExecuteAsync(new CommandDefinition(journal, transaction: outer, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migration", transaction: outer, cancellationToken: cancellationToken))).ToHashSet();

        // Only the pending migrations' scripts are read: a process opening an up-to-date database reads none (and the
        // loop stays on plain arrays and strings, which a cold process does not have to compile first).
        foreach (var resource in Resources(provider))
        {
            var (version, name) = VersionAndName(provider, resource);
            if (applied.Contains(version))
            {
                continue;
            }

            var sql = Read(resource);
            var transaction = outer ?? await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
                const string record = "INSERT INTO schema_migration (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";
                await connection.ExecuteAsync(new CommandDefinition(record, new { Version = version, Name = name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") }, transaction, cancellationToken: cancellationToken));
                if (outer is null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
            }
            finally
            {
                if (outer is null)
                {
                    await transaction.DisposeAsync();
                }
            }
        }
    }

    public static IEnumerable<(long Version, string Name, string Sql)> Migrations(string provider) =>
        Resources(provider).Select(r =>
        {
            var (version, name) = VersionAndName(provider, r);
            return (version, name, Read(r));
        });

    /// <summary>The provider's migration scripts (embedded "NNNN_name.sql"), in order: the four digits sort as numbers.</summary>
    private static string[] Resources(string provider)
    {
        var prefix = Prefix(provider);
        var resources = Array.FindAll(
            typeof(Migrator).Assembly.GetManifestResourceNames(),
            n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal));
        Array.Sort(resources, StringComparer.Ordinal);
        return resources;
    }

    private static string Prefix(string provider) => $"{typeof(Migrator).Assembly.GetName().Name}.Migrations.{provider}.";

    private static (long Version, string Name) VersionAndName(string provider, string resource)
    {
        var name = resource[Prefix(provider).Length..^".sql".Length];
        return (long.Parse(name.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture), name);
    }

    private static string Read(string resource)
    {
        using var stream = typeof(Migrator).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

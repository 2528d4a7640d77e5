using System.Data.Common;
using System.Reflection;
using Dapper;

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

        foreach (var (version, name, sql) in Migrations(provider))
        {
            if (applied.Contains(version))
            {
                continue;
            }

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

    public static IEnumerable<(long Version, string Name, string Sql)> Migrations(string provider)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{provider}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^".sql".Length];
                return (Version: long.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), Name: file, Sql: Read(assembly, n));
            })
            .OrderBy(m => m.Version);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

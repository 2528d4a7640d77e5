using System.Data.Common;
using Dapper;

namespace Budget.Data.Tests;

/// <summary>A column as both providers can describe it: its name, its type in the common vocabulary, whether it takes NULL.</summary>
public sealed record SchemaColumn(string Name, string Type, bool Nullable);

/// <summary>A key or index over ordered columns of a table; a foreign key also names what it refers to.</summary>
public sealed record SchemaKey(string Table, string Columns, string? References = null)
{
    public override string ToString() => References is null ? $"{Table} ({Columns})" : $"{Table} ({Columns}) → {References}";
}

/// <summary>
/// What a migrated database holds, read from the provider's own catalogue (SQLite's pragmas, PostgreSQL's pg_catalog)
/// and mapped to one vocabulary so that the two providers can be compared: types are <c>integer</c> (SQLite INTEGER,
/// PostgreSQL bigint and integer), <c>text</c>, <c>date</c> and <c>instant</c> (PostgreSQL date and timestamptz; SQLite
/// keeps both as ISO-8601 TEXT, so its date columns read as <c>text</c>).
/// </summary>
public sealed record Schema(
    IReadOnlyDictionary<string, IReadOnlyList<SchemaColumn>> Tables,
    IReadOnlySet<SchemaKey> PrimaryKeys,
    IReadOnlySet<SchemaKey> UniqueIndexes,
    IReadOnlySet<SchemaKey> Indexes,
    IReadOnlySet<SchemaKey> ForeignKeys)
{
    public static Task<Schema> Read(ProviderDatabase database) => database.Provider switch
    {
        "sqlite" => ReadSqlite(database),
        "postgres" => ReadPostgres(database),
        _ => throw new ArgumentException(database.Provider, nameof(database)),
    };

    private static async Task<Schema> ReadSqlite(ProviderDatabase database)
    {
        await using var connection = await database.Open();
        var names = (await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")).ToArray();
        var tables = new Dictionary<string, IReadOnlyList<SchemaColumn>>();
        var primaryKeys = new HashSet<SchemaKey>();
        var unique = new HashSet<SchemaKey>();
        var indexes = new HashSet<SchemaKey>();
        var foreignKeys = new HashSet<SchemaKey>();
        foreach (var table in names)
        {
            var columns = (await connection.QueryAsync<(string Name, string Type, long NotNull, long Pk)>(
                """SELECT name AS Name, type AS Type, "notnull" AS IsNotNull, pk AS KeyPosition FROM pragma_table_info(@Table) ORDER BY cid""", new { Table = table })).ToArray();
            // A primary key column never holds NULL on either side, though SQLite reports its INTEGER PRIMARY KEY as nullable.
            tables[table] = columns.Select(c => new SchemaColumn(c.Name, SqliteType(c.Type), c.NotNull == 0 && c.Pk == 0)).ToArray();
            if (columns.Any(c => c.Pk > 0))
            {
                primaryKeys.Add(new SchemaKey(table, string.Join(", ", columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name))));
            }

            var indexList = await connection.QueryAsync<(string Name, long Unique, string Origin)>(
                """SELECT name AS Name, "unique" AS "Unique", origin AS Origin FROM pragma_index_list(@Table)""", new { Table = table });
            foreach (var index in indexList.Where(i => i.Origin != "pk"))
            {
                var indexColumns = await connection.QueryAsync<string>("SELECT name FROM pragma_index_info(@Index) ORDER BY seqno", new { Index = index.Name });
                (index.Unique == 1 ? unique : indexes).Add(new SchemaKey(table, string.Join(", ", indexColumns)));
            }

            var references = await connection.QueryAsync<(long Id, string Parent, string From, string To)>(
                """SELECT id AS Id, "table" AS Parent, "from" AS "From", "to" AS "To" FROM pragma_foreign_key_list(@Table) ORDER BY id, seq""", new { Table = table });
            foreach (var key in references.GroupBy(r => r.Id))
            {
                foreignKeys.Add(new SchemaKey(table, string.Join(", ", key.Select(k => k.From)), $"{key.First().Parent} ({string.Join(", ", key.Select(k => k.To))})"));
            }
        }

        return new Schema(tables, primaryKeys, unique, indexes, foreignKeys);
    }

    private static async Task<Schema> ReadPostgres(ProviderDatabase database)
    {
        await using var connection = await database.Open();
        const string columnsSql = """
            SELECT c.table_name AS "Table", c.column_name AS Name, c.data_type AS Type, c.is_nullable = 'YES' AS Nullable
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position
            """;
        var columns = await connection.QueryAsync<(string Table, string Name, string Type, bool Nullable)>(columnsSql);
        var tables = columns.GroupBy(c => c.Table).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<SchemaColumn>)g.Select(c => new SchemaColumn(c.Name, PostgresType(c.Type), c.Nullable)).ToArray());

        const string indexesSql = """
            SELECT t.relname AS "Table", i.indisprimary AS IsPrimary, i.indisunique AS IsUnique,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                                         ORDER BY k.ord), ', ') AS Columns
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema()
            """;
        var indexRows = (await connection.QueryAsync<(string Table, bool IsPrimary, bool IsUnique, string Columns)>(indexesSql)).ToArray();

        const string foreignKeysSql = """
            SELECT t.relname AS "Table",
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                                         ORDER BY k.ord), ', ') AS Columns,
                   r.relname || ' (' || array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                                         ORDER BY k.ord), ', ') || ')' AS Refs
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_class r ON r.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """;
        var foreignKeys = await connection.QueryAsync<(string Table, string Columns, string Refs)>(foreignKeysSql);

        return new Schema(
            tables,
            indexRows.Where(i => i.IsPrimary).Select(i => new SchemaKey(i.Table, i.Columns)).ToHashSet(),
            indexRows.Where(i => i.IsUnique && !i.IsPrimary).Select(i => new SchemaKey(i.Table, i.Columns)).ToHashSet(),
            indexRows.Where(i => !i.IsUnique).Select(i => new SchemaKey(i.Table, i.Columns)).ToHashSet(),
            foreignKeys.Select(f => new SchemaKey(f.Table, f.Columns, f.Refs)).ToHashSet());
    }

    private static string SqliteType(string declared) => declared.ToUpperInvariant() switch
    {
        "INTEGER" => "integer",
        "TEXT" => "text",
        // STRICT tables allow only INTEGER, REAL, TEXT, BLOB and ANY; the schema uses the first and the third.
        _ => "sqlite " + declared,
    };

    private static string PostgresType(string dataType) => dataType switch
    {
        "bigint" or "integer" => "integer",
        "text" => "text",
        "date" => "date",
        "timestamp with time zone" => "instant",
        _ => "postgres " + dataType,
    };
}

using Dapper;

namespace Budget.Data.Tests;

/// <summary>
/// After every migration, the SQLite and PostgreSQL schemas describe the same model: the same tables, columns, keys
/// and indexes, except for the differences listed here, each with its reason. A new difference fails these tests until
/// it is either fixed by a migration or added to a list below with its reason.
/// </summary>
public sealed class MigrationParityTests(ProviderDatabases databases) : ProviderTests(databases)
{
    /// <summary>The tables of the model (docs/architecture.md), plus the migration journal both providers keep.</summary>
    private static readonly string[] ModelTables =
    [
        "account", "app_user", "audit_entry", "budget_year", "committee_recommendation", "estimate", "estimate_round",
        "estimate_version", "fact_change", "movement", "posting_day", "posting_month", "round_state", "schema_migration", "year_setting",
        "budget_case", "case_version", "case_row", "case_approval",
    ];


    /// <summary>
    /// The days of an account's month are two arrays in its posting_month row on PostgreSQL (decision 0029: a table row
    /// per day cost an index entry each, two thirds of a large import's COPY), where SQLite, which has no arrays, keeps
    /// a posting_day table. PostgreSQL's posting_day is a view over the arrays with the table's columns and rows.
    /// </summary>
    private const string SqliteOnlyTable = "posting_day";

    private static readonly SchemaColumn[] PostgresOnlyColumns =
    [
        new("day_ore", "postgres ARRAY", false),
        new("day_count", "postgres ARRAY", false),
    ];

    /// <summary>
    /// SQLite has no date or timestamp type (STRICT tables take INTEGER, REAL, TEXT, BLOB, ANY): dates are yyyy-MM-dd
    /// text and instants ISO-8601 UTC text, which the stores parse with NodaTime. PostgreSQL keeps date and timestamptz.
    /// So a PostgreSQL date or instant column matches a SQLite text column, and nothing else differs in type.
    /// </summary>
    private static string AsSqliteStoresIt(string type) => type is "date" or "instant" ? "text" : type;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_migrated_database_has_the_tables_of_the_model(string provider)
    {
        var schema = await Schema.Read(Database(provider));

        schema.Tables.Keys.Should().BeEquivalentTo(provider == "postgres" ? ModelTables.Except([SqliteOnlyTable]) : ModelTables);
    }

    [BothProvidersFact]
    public async Task PostgreSQLs_posting_day_is_a_view_with_the_columns_of_SQLites_table()
    {
        var sqlite = await Schema.Read(Database("sqlite"));
        await using var connection = await Database("postgres").Open();
        const string sql = """
            SELECT c.column_name AS Name, c.data_type AS Type
            FROM information_schema.columns c JOIN information_schema.views v ON v.table_schema = c.table_schema AND v.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND c.table_name = 'posting_day'
            ORDER BY c.ordinal_position
            """;
        var view = (await connection.QueryAsync<(string Name, string Type)>(sql)).ToArray();

        view.Select(c => (c.Name, AsSqliteStoresIt(c.Type is "bigint" or "integer" ? "integer" : c.Type)))
            .Should().Equal(sqlite.Tables[SqliteOnlyTable].Select(c => (c.Name, c.Type)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Every_table_has_a_primary_key(string provider)
    {
        var schema = await Schema.Read(Database(provider));

        schema.PrimaryKeys.Select(k => k.Table).Should().BeEquivalentTo(schema.Tables.Keys);
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_tables()
    {
        var (sqlite, postgres) = await BothSchemas();

        sqlite.Tables.Keys.Except([SqliteOnlyTable]).Should().BeEquivalentTo(postgres.Tables.Keys);
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_columns_with_the_same_types_and_nullability()
    {
        var (sqlite, postgres) = await BothSchemas();

        foreach (var table in sqlite.Tables.Keys.Intersect(postgres.Tables.Keys))
        {
            var expected = postgres.Tables[table].Except(table == "posting_month" ? PostgresOnlyColumns : []).Select(c => c with { Type = AsSqliteStoresIt(c.Type) });
            sqlite.Tables[table].Should().BeEquivalentTo(expected, because: $"table {table} should have the same columns on SQLite as on PostgreSQL");
        }
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_primary_keys()
    {
        var (sqlite, postgres) = await BothSchemas();

        sqlite.PrimaryKeys.Where(k => k.Table != SqliteOnlyTable).Should().BeEquivalentTo(postgres.PrimaryKeys);
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_unique_indexes()
    {
        var (sqlite, postgres) = await BothSchemas();

        sqlite.UniqueIndexes.Should().NotBeEmpty().And.BeEquivalentTo(postgres.UniqueIndexes);
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_other_indexes()
    {
        var (sqlite, postgres) = await BothSchemas();

        sqlite.Indexes.Should().NotBeEmpty().And.BeEquivalentTo(postgres.Indexes);
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_foreign_keys()
    {
        var (sqlite, postgres) = await BothSchemas();

        // posting_day and posting_month have no key on account on either provider (migrations 0006/0011 and 0012): the
        // postings write checks the accounts it touches once instead (decision 0027).
        sqlite.ForeignKeys.Should().NotBeEmpty().And.BeEquivalentTo(postgres.ForeignKeys);
    }

    private async Task<(Schema Sqlite, Schema Postgres)> BothSchemas() =>
        (await Schema.Read(Database("sqlite")), await Schema.Read(Database("postgres")));
}

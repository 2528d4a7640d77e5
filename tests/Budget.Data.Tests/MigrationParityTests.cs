using Dapper;

namespace Budget.Data.Tests;

/// <summary>
/// After every migration, the SQLite and PostgreSQL schemas describe the same model: the same tables, columns, keys
/// and indexes, except for the differences listed here, each with its reason. A new difference fails these tests until
/// it is either fixed by a migration or added to a list below with its reason.
/// </summary>
public sealed class MigrationParityTests(ProviderDatabases databases) : ProviderTests(databases)
{
    /// <summary>
    /// The tables of the model (docs/architecture.md), plus the migration journal both providers keep. posting_day is a
    /// view on both (below).
    /// </summary>
    private static readonly string[] ModelTables =
    [
        "account", "app_user", "audit_entry", "budget_year", "committee_recommendation", "estimate", "estimate_round",
        "estimate_version", "fact_change", "movement", "posting_month", "round_state", "schema_migration", "year_setting",
        "budget_case", "case_version", "case_row", "case_approval",
    ];

    /// <summary>
    /// The days of an account's month live in its posting_month row on both providers, each as its engine keeps a list
    /// best: two arrays on PostgreSQL, one element per day of the month (decision 0029); JSON text of the days with
    /// postings on SQLite, which has no arrays, with the sum of their |øre| beside it so the year ceiling need not parse
    /// them (decision 0032). posting_day is a view over them on both, with the columns and rows the table had.
    /// </summary>
    private static readonly SchemaColumn[] PostgresOnlyColumns =
    [
        new("day_ore", "postgres ARRAY", false),
        new("day_count", "postgres ARRAY", false),
    ];

    private static readonly SchemaColumn[] SqliteOnlyColumns =
    [
        new("days", "text", false),
        new("day_magnitude_ore", "integer", false),
    ];

    private static readonly string[] PostingDayColumns = ["year", "account_id", "posted_on", "amount_ore", "posting_count"];

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

        schema.Tables.Keys.Should().BeEquivalentTo(ModelTables);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Posting_day_is_a_view_with_the_columns_the_table_had(string provider)
    {
        await using var connection = await Database(provider).Open();
        var sql = provider == "postgres"
            ? """
              SELECT c.column_name
              FROM information_schema.columns c JOIN information_schema.views v ON v.table_schema = c.table_schema AND v.table_name = c.table_name
              WHERE c.table_schema = current_schema() AND c.table_name = 'posting_day'
              ORDER BY c.ordinal_position
              """
            : "SELECT p.name FROM sqlite_schema s, pragma_table_info(s.name) p WHERE s.type = 'view' AND s.name = 'posting_day' ORDER BY p.cid";

        (await connection.QueryAsync<string>(sql)).Should().Equal(PostingDayColumns);
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

        sqlite.Tables.Keys.Should().BeEquivalentTo(postgres.Tables.Keys);
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_columns_with_the_same_types_and_nullability()
    {
        var (sqlite, postgres) = await BothSchemas();

        foreach (var table in sqlite.Tables.Keys.Intersect(postgres.Tables.Keys))
        {
            var expected = postgres.Tables[table].Except(table == "posting_month" ? PostgresOnlyColumns : []).Select(c => c with { Type = AsSqliteStoresIt(c.Type) });
            sqlite.Tables[table].Except(table == "posting_month" ? SqliteOnlyColumns : []).Should().BeEquivalentTo(expected, because: $"table {table} should have the same columns on SQLite as on PostgreSQL");
        }
    }

    [BothProvidersFact]
    public async Task Both_providers_have_the_same_primary_keys()
    {
        var (sqlite, postgres) = await BothSchemas();

        sqlite.PrimaryKeys.Should().BeEquivalentTo(postgres.PrimaryKeys);
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

        // posting_month has no key on account on either provider (migrations 0012): the postings write checks the
        // accounts it touches once instead (decision 0027).
        sqlite.ForeignKeys.Should().NotBeEmpty().And.BeEquivalentTo(postgres.ForeignKeys);
    }

    private async Task<(Schema Sqlite, Schema Postgres)> BothSchemas() =>
        (await Schema.Read(Database("sqlite")), await Schema.Read(Database("postgres")));
}

using System.Data.Common;
using Dapper;

namespace Budget.Data.Tests;

/// <summary>
/// Movements, estimate versions and the audit trail are append-only in the database itself, on both providers:
/// a correction is a new row, never an edit (style.md habit 4). The guards are triggers, so they hold for any client.
/// </summary>
public sealed class AppendOnlyTests(ProviderDatabases databases) : ProviderTests(databases)
{
    /// <summary>Per table: one row to insert (literals only, valid on both providers), an UPDATE and a DELETE of it, a count.</summary>
    private static readonly Dictionary<string, (string Insert, string Update, string Delete, string Count)> Guarded = new()
    {
        ["movement"] = (
            """
            INSERT INTO movement (year, account_id, kind, amount_ore, decided_on, reference, decided_by, recorded_at)
            VALUES (2024, '5.57.72', 'original_budget', 100000, '2024-01-01', 'B2024', 'byrådet', '2024-01-02T09:00:00Z')
            """,
            "UPDATE movement SET amount_ore = 1 WHERE year = 2024",
            "DELETE FROM movement WHERE year = 2024",
            "SELECT count(*) FROM movement WHERE year = 2024"),
        ["estimate_version"] = (
            """
            INSERT INTO estimate_version (year, round, account_id, version, estimate_ore, explanation,
                                          out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, recorded_at)
            VALUES (2024, 1, '5.57.72', 1, 90000, 'færre borgere', 0, 0, 0, 0, '2024-04-10T09:00:00Z')
            """,
            "UPDATE estimate_version SET estimate_ore = 1 WHERE year = 2024",
            "DELETE FROM estimate_version WHERE year = 2024",
            "SELECT count(*) FROM estimate_version WHERE year = 2024"),
        ["audit_entry"] = (
            """
            INSERT INTO audit_entry (year, at, user_name, action, target)
            VALUES (2024, '2024-04-10T09:00:00Z', 'admin', 'estimate.save', 'accounts/5.57.72')
            """,
            "UPDATE audit_entry SET action = 'nothing' WHERE year = 2024",
            "DELETE FROM audit_entry WHERE year = 2024",
            "SELECT count(*) FROM audit_entry WHERE year = 2024"),
    };

    public static TheoryData<string, string> ProvidersAndTables()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in TestProviders.Available)
        {
            foreach (var table in Guarded.Keys)
            {
                data.Add(provider, table);
            }
        }

        return data;
    }

    [Theory, MemberData(nameof(ProvidersAndTables))]
    public async Task A_row_cannot_be_updated(string provider, string table)
    {
        await using var connection = await Database(provider).Open();
        await InsertOneRow(connection, table);

        var update = () => connection.ExecuteAsync(Guarded[table].Update);

        await update.Should().ThrowAsync<DbException>().WithMessage("*append-only*");
        (await RowsOf(connection, table)).Should().Be(1);
    }

    [Theory, MemberData(nameof(ProvidersAndTables))]
    public async Task A_row_cannot_be_deleted(string provider, string table)
    {
        await using var connection = await Database(provider).Open();
        await InsertOneRow(connection, table);

        var delete = () => connection.ExecuteAsync(Guarded[table].Delete);

        await delete.Should().ThrowAsync<DbException>().WithMessage("*append-only*");
        (await RowsOf(connection, table)).Should().Be(1);
    }

    /// <summary>
    /// The class shares one database per provider, and a guarded row can never be removed: the first test on a table
    /// inserts its row, the next one finds it there.
    /// </summary>
    private static async Task InsertOneRow(DbConnection connection, string table)
    {
        const string year = """
            INSERT INTO budget_year (year, created_at) VALUES (2024, '2024-01-01T00:00:00Z') ON CONFLICT DO NOTHING
            """;
        const string account = """
            INSERT INTO account (year, account_id, name, committee, activity_area, block)
            VALUES (2024, '5.57.72', 'Sygedagpenge', 'Beskæftigelsesudvalget', 'Overførsler', 'service')
            ON CONFLICT DO NOTHING
            """;
        await connection.ExecuteAsync(year);
        await connection.ExecuteAsync(account);
        if (await RowsOf(connection, table) == 0)
        {
            await connection.ExecuteAsync(Guarded[table].Insert);
        }
    }

    private static Task<long> RowsOf(DbConnection connection, string table) => connection.ExecuteScalarAsync<long>(Guarded[table].Count);
}

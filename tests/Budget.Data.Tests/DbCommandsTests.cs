using System.Data;
using System.Data.Common;
using Budget.Data.Commands;

namespace Budget.Data.Tests;

/// <summary>
/// The store's commands without Dapper (decision 0034) bind and read as the store's call sites expect, on both
/// providers: only the properties a command's text names are read and bound, each typed by its property (a null
/// string is still text to PostgreSQL), rows become scalars, value tuples by position (also past seven items) and
/// records by their columns' names in any order, a list of parameter objects runs the command for each.
/// </summary>
public sealed class DbCommandsTests(ProviderDatabases databases) : ProviderTests(databases)
{
    private sealed record Row(long Id, string Name, long? Score, bool Active);

    private sealed class Throwing(long year)
    {
        public long Year => year;

        public long YearEnd => throw new InvalidOperationException($"a property the text does not name was read ({year})");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Only_the_properties_the_text_names_are_read_and_a_longer_name_is_not_a_shorter_ones(string provider)
    {
        await using var connection = await Database(provider).Open();

        var year = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT @Year + 1", new Throwing(2014)));

        year.Should().Be(2015);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_null_is_bound_with_its_propertys_type(string provider)
    {
        await using var connection = await Database(provider).Open();
        string? nothing = null;
        long? none = null;

        var text = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT COALESCE(@Text, 'was null')", new { Text = nothing }));
        var number = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT @Number + 1", new { Number = none }));

        text.Should().Be("was null");
        number.Should().BeNull();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Rows_are_read_as_scalars_tuples_past_seven_items_and_records_by_column_name(string provider)
    {
        await using var connection = await Database(provider).Open();

        var scalars = await connection.QueryAsync<long>(new CommandDefinition("SELECT 3 UNION ALL SELECT 4 ORDER BY 1"));
        var missing = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT NULL"));
        var tuples = await connection.QueryAsync<(long A, string B, long? C, long D, long E, long F, long G, string H, long? I)>(new CommandDefinition(
            "SELECT 1, 'b', NULL, 4, 5, 6, 7, 'h', 9"));
        var records = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT 1 = 1 AS active, NULL AS score, 'Konto' AS name, 7 AS id UNION ALL SELECT 1 = 0, 12, 'Anden', 8 ORDER BY 4"));
        var single = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("SELECT 9 AS Id, 'x' AS Name, 1 AS Score, 1 = 1 AS Active WHERE 1 = 0"));

        scalars.Should().Equal(3, 4);
        missing.Should().Be(0, "a null read as a number is its default, as Dapper read it");
        tuples.Should().Equal((1L, "b", (long?)null, 4L, 5L, 6L, 7L, "h", (long?)9));
        records.Should().Equal(new Row(7, "Konto", null, true), new Row(8, "Anden", 12, false));
        single.Should().BeNull();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_list_of_parameter_objects_runs_the_command_for_each_and_a_reader_answers_every_result(string provider)
    {
        await using var connection = await Database(provider).Open();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(new CommandDefinition("CREATE TEMPORARY TABLE listed (n bigint, label text)", transaction: transaction));

        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO listed (n, label) VALUES (@N, @Label)", new[] { new { N = 1L, Label = "en" }, new { N = 2L, Label = "to" } }, transaction));
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT COUNT(*) FROM listed WHERE n >= @From; SELECT label FROM listed ORDER BY n", new { From = 2L }, transaction)))
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetInt64(0).Should().Be(1);
            (await reader.NextResultAsync()).Should().BeTrue();
            var labels = new List<string>();
            while (await reader.ReadAsync())
            {
                labels.Add(reader.GetString(0));
            }

            labels.Should().Equal("en", "to");
        }

        inserted.Should().Be(2);
        await transaction.RollbackAsync();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Dynamic_parameters_carry_their_type(string provider)
    {
        await using var connection = await Database(provider).Open();
        var parameters = new DynamicParameters();
        parameters.Add("Missing", null, DbType.Int64);
        parameters.Add("Label", "x", DbType.String);

        var answer = await connection.QuerySingleAsync<(long? Missing, string Label)>(new CommandDefinition("SELECT @Missing + 1, @Label", parameters));

        answer.Should().Be(((long?)null, "x"));
    }
}

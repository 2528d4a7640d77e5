using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Budget.Data.Sqlite;

/// <summary>One import in one SQLite transaction; rolled back on dispose unless committed.</summary>
internal sealed class SqliteImportSession(
    SqliteConnection connection,
    SqliteTransaction transaction,
    int year,
    IReadOnlyDictionary<AccountId, Account> existingAccounts,
    IReadOnlyDictionary<RoundNumber, RoundState> roundStates,
    Instant startedAt,
    YearTally tally) : IImportSession
{
    private static readonly string[] EstimateStageParameters = ["$round", "$account", "$estimate", "$explanation", "$y1", "$y2", "$y3", "$y4", "$requested", "$gross", "$refusion", "$basis"];

    private readonly StagedMonths stagedMonths = new();

    public IReadOnlyDictionary<AccountId, Account> ExistingAccounts => existingAccounts;

    public IReadOnlyDictionary<RoundNumber, RoundState> RoundStates => roundStates;

    public async Task AddAccounts(IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO account (year, account_id, name, committee, activity_area, reporting_group, block, refusion_benefit)
            VALUES (@Year, @AccountId, @Name, @Committee, @ActivityArea, @Group, @Block, @RefusionBenefit)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            accounts.Select(a => new { Year = year, AccountId = a.Id.Value, a.Name, a.Committee, a.ActivityArea, a.Group, Block = a.Block.ToCode(), a.RefusionBenefit }),
            transaction,
            cancellationToken: cancellationToken));
    }

    public async Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO estimate_round (year, round, cutoff) VALUES (@Year, @Round, @Cutoff)
            ON CONFLICT (year, round) DO UPDATE SET cutoff = excluded.cutoff
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Year = year, Round = round.Value, Cutoff = cutoff.Iso() }, transaction, cancellationToken: cancellationToken));
    }

    public async Task SetSetting(string key, Budget.Domain.Money.Amount value, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO year_setting (year, key, value_ore) VALUES (@Year, @Key, @ValueOre)
            ON CONFLICT (year, key) DO UPDATE SET value_ore = excluded.value_ore
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Year = year, Key = key, ValueOre = value.Ore }, transaction, cancellationToken: cancellationToken));
    }

    public (long Movements, long Postings) Magnitudes => (tally.Existing.Movements, tally.Existing.Postings);

    public Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken)
    {
        tally.AddMovements(movements);
        return SqliteBudgetStore.InsertMovements(connection, transaction, year, movements, startedAt, cancellationToken);
    }

    public Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        tally.AddPostings(postings);
        SqliteBudgetStore.StagePostings(connection, transaction, year, postings, stagedMonths);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stages the file's estimates with one prepared statement, then saves them in two set statements: an upsert
    /// (new → version 1; existing → next version, as a PUT with the current ETag would) and the history rows. The
    /// importer has already refused a file with two estimates for one account and round.
    /// </summary>
    public Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken)
    {
        const string columns = "estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore, requested_ore, gross_ore, refusion_ore, basis";
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"CREATE TEMP TABLE IF NOT EXISTS estimate_stage (round INTEGER, account_id TEXT, {columns})";
        command.ExecuteNonQuery();
        command.CommandText = $"INSERT INTO estimate_stage (round, account_id, {columns}) VALUES ($round, $account, $estimate, $explanation, $y1, $y2, $y3, $y4, $requested, $gross, $refusion, $basis)";
        var parameters = EstimateStageParameters.Select(name => command.Parameters.Add(name, SqliteType.Text)).ToArray();
        command.Prepare();
        foreach (var e in estimates)
        {
            object?[] values =
            [
                e.Round.Value, e.Account.Value, e.Estimate.Ore, e.Explanation, e.OutYears.Year1.Ore, e.OutYears.Year2.Ore, e.OutYears.Year3.Ore, e.OutYears.Year4.Ore,
                e.RequestedAppropriation?.Ore, e.Basis?.Gross.Ore, e.Basis?.Refusion.Ore, BasisJson.Write(e.Basis),
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].SqliteType = values[i] is string ? SqliteType.Text : SqliteType.Integer;
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        cancellationToken.ThrowIfCancellationRequested();
        command.Parameters.Clear();
        command.CommandText = $"""
            INSERT INTO estimate (year, round, account_id, {columns}, version, recorded_at)
            SELECT $year, round, account_id, {columns}, 1, $at FROM estimate_stage WHERE true
            ON CONFLICT (year, round, account_id) DO UPDATE SET
                estimate_ore = excluded.estimate_ore, explanation = excluded.explanation,
                out_year_1_ore = excluded.out_year_1_ore, out_year_2_ore = excluded.out_year_2_ore,
                out_year_3_ore = excluded.out_year_3_ore, out_year_4_ore = excluded.out_year_4_ore,
                requested_ore = excluded.requested_ore, gross_ore = excluded.gross_ore, refusion_ore = excluded.refusion_ore,
                basis = excluded.basis, version = version + 1, recorded_at = excluded.recorded_at;
            INSERT INTO estimate_version (year, round, account_id, version, recorded_at, {columns})
            SELECT e.year, e.round, e.account_id, e.version, e.recorded_at, {string.Join(", ", columns.Split(", ").Select(c => "e." + c))}
            FROM estimate_stage s JOIN estimate e ON e.year = $year AND e.round = s.round AND e.account_id = s.account_id;
            DELETE FROM estimate_stage;
            """;
        command.Parameters.AddWithValue("$year", year);
        command.Parameters.AddWithValue("$at", startedAt.Iso());
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public async Task Commit(AuditEntry audit, CancellationToken cancellationToken)
    {
        if (!stagedMonths.IsEmpty)
        {
            SqliteBudgetStore.MergeStagedPostings(connection, transaction, year, stagedMonths);
        }

        await SqliteBudgetStore.InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}

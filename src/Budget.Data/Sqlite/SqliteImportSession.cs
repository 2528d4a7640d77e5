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
    Instant startedAt) : IImportSession
{
    private bool postingsStaged;

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

    public Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken) =>
        SqliteBudgetStore.InsertMovements(connection, transaction, year, movements, startedAt, cancellationToken);

    public Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        SqliteBudgetStore.StagePostings(connection, transaction, year, postings);
        postingsStaged = true;
        return Task.CompletedTask;
    }

    public async Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken)
    {
        const string currentVersion = "SELECT version FROM estimate WHERE year = @Year AND round = @Round AND account_id = @AccountId";
        foreach (var estimate in estimates)
        {
            var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(currentVersion, new { Year = year, Round = estimate.Round.Value, AccountId = estimate.Account.Value }, transaction, cancellationToken: cancellationToken));
            await SqliteBudgetStore.SaveEstimate(connection, transaction, year, estimate, version, startedAt, cancellationToken);
        }
    }

    public async Task Commit(AuditEntry audit, CancellationToken cancellationToken)
    {
        if (postingsStaged)
        {
            SqliteBudgetStore.MergeStagedPostings(connection, transaction);
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

using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Dapper;
using NodaTime;
using Npgsql;

namespace Budget.Data.Postgres;

/// <summary>One import in one PostgreSQL transaction; rolled back on dispose unless committed. Postings stream through COPY.</summary>
internal sealed class PostgresImportSession(
    NpgsqlConnection connection,
    NpgsqlTransaction transaction,
    int year,
    IReadOnlyDictionary<AccountId, Account> existingAccounts,
    IReadOnlyDictionary<RoundNumber, RoundState> roundStates,
    Instant startedAt,
    YearTally tally) : IImportSession
{
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
            accounts.Select(a => new { Year = (long)year, AccountId = a.Id.Value, a.Name, a.Committee, a.ActivityArea, a.Group, Block = a.Block.ToCode(), a.RefusionBenefit }),
            transaction,
            cancellationToken: cancellationToken));
    }

    public async Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO estimate_round (year, round, cutoff) VALUES (@Year, @Round, CAST(@Cutoff AS date))
            ON CONFLICT (year, round) DO UPDATE SET cutoff = excluded.cutoff
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Year = (long)year, Round = (long)round.Value, Cutoff = cutoff.Iso() }, transaction, cancellationToken: cancellationToken));
    }

    public async Task SetSetting(string key, Budget.Domain.Money.Amount value, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO year_setting (year, key, value_ore) VALUES (@Year, @Key, @ValueOre)
            ON CONFLICT (year, key) DO UPDATE SET value_ore = excluded.value_ore
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Year = (long)year, Key = key, ValueOre = value.Ore }, transaction, cancellationToken: cancellationToken));
    }

    public (long Movements, long Postings) Magnitudes => (tally.Existing.Movements, tally.Existing.Postings);

    public Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken)
    {
        tally.AddMovements(movements);
        return PostgresBudgetStore.InsertMovements(connection, transaction, year, movements, startedAt, cancellationToken);
    }

    public async Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        tally.AddPostings(postings);
        await PostgresBudgetStore.StagePostings(connection, year, postings, stagedMonths, cancellationToken);
    }

    /// <summary>
    /// The file's estimates in one statement: the rows travel as arrays, an upsert gives new ones version 1 and
    /// existing ones their next version (as a PUT with the current ETag would), and the same statement writes the
    /// history rows. The importer has already refused a file with two estimates for one account and round.
    /// </summary>
    public async Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH staged AS (
                SELECT * FROM unnest(@Rounds, @Accounts, @Estimates, @Explanations, @Year1, @Year2, @Year3, @Year4, @Requested, @Gross, @Refusion, @Basis)
                    AS s(round, account_id, estimate_ore, explanation, y1, y2, y3, y4, requested_ore, gross_ore, refusion_ore, basis)),
            saved AS (
                INSERT INTO estimate (year, round, account_id, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                                      requested_ore, version, recorded_at, gross_ore, refusion_ore, basis)
                SELECT @Year, round, account_id, estimate_ore, explanation, y1, y2, y3, y4, requested_ore, 1, CAST(@RecordedAt AS timestamptz), gross_ore, refusion_ore, basis
                FROM staged
                ON CONFLICT (year, round, account_id) DO UPDATE SET
                    estimate_ore = excluded.estimate_ore, explanation = excluded.explanation,
                    out_year_1_ore = excluded.out_year_1_ore, out_year_2_ore = excluded.out_year_2_ore,
                    out_year_3_ore = excluded.out_year_3_ore, out_year_4_ore = excluded.out_year_4_ore,
                    requested_ore = excluded.requested_ore, gross_ore = excluded.gross_ore, refusion_ore = excluded.refusion_ore,
                    basis = excluded.basis, version = estimate.version + 1, recorded_at = excluded.recorded_at
                RETURNING *)
            INSERT INTO estimate_version (year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                                          requested_ore, recorded_at, gross_ore, refusion_ore, basis)
            SELECT year, round, account_id, version, estimate_ore, explanation, out_year_1_ore, out_year_2_ore, out_year_3_ore, out_year_4_ore,
                   requested_ore, recorded_at, gross_ore, refusion_ore, basis
            FROM saved
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                Year = (long)year,
                RecordedAt = startedAt.Iso(),
                Rounds = estimates.Select(e => (long)e.Round.Value).ToArray(),
                Accounts = estimates.Select(e => e.Account.Value).ToArray(),
                Estimates = estimates.Select(e => e.Estimate.Ore).ToArray(),
                Explanations = estimates.Select(e => e.Explanation).ToArray(),
                Year1 = estimates.Select(e => e.OutYears.Year1.Ore).ToArray(),
                Year2 = estimates.Select(e => e.OutYears.Year2.Ore).ToArray(),
                Year3 = estimates.Select(e => e.OutYears.Year3.Ore).ToArray(),
                Year4 = estimates.Select(e => e.OutYears.Year4.Ore).ToArray(),
                Requested = estimates.Select(e => e.RequestedAppropriation?.Ore).ToArray(),
                Gross = estimates.Select(e => e.Basis?.Gross.Ore).ToArray(),
                Refusion = estimates.Select(e => e.Basis?.Refusion.Ore).ToArray(),
                Basis = estimates.Select(e => Sqlite.BasisJson.Write(e.Basis)).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken,
            commandTimeout: 0));
    }

    public async Task Commit(AuditEntry audit, CancellationToken cancellationToken)
    {
        if (!stagedMonths.IsEmpty)
        {
            await PostgresBudgetStore.MergeStagedPostings(connection, transaction, year, stagedMonths, cancellationToken);
        }

        await PostgresBudgetStore.InsertAudit(connection, transaction, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}

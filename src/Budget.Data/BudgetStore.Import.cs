using System.Data.Common;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>Imports: one transaction from the first row to the commit.</summary>
public sealed partial class BudgetStore : IImportStore
{
    /// <summary>
    /// Opens the import's transaction: the year's writers lock (PostgreSQL: one import per year at a time, a second
    /// waits here rather than failing on the first one's keys), the year created when absent, its accounts, round
    /// states (held shared, so no transition passes the import) and the sums the ceiling is checked against.
    /// </summary>
    public async Task<IImportSession> BeginImport(int year, CancellationToken cancellationToken)
    {
        var connection = await Open(cancellationToken);
        try
        {
            var transaction = await dialect.BeginWrite(connection, cancellationToken);
            await dialect.LockYear(connection, transaction, year, cancellationToken);
            var at = clock.GetCurrentInstant();
            await connection.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO budget_year (year, created_at) VALUES (@Year, {dialect.Instant("@At")}) ON CONFLICT (year) DO NOTHING",
                new { Year = year, At = at.Iso() },
                transaction,
                cancellationToken: cancellationToken));
            var closedOn = await ClosedOn(connection, transaction, year, cancellationToken);
            var existing = await Accounts(connection, transaction, year, null, cancellationToken);
            var states = new Dictionary<RoundNumber, Domain.Appropriations.RoundState>();
            foreach (var round in RoundNumber.All)
            {
                states[round] = await RoundState(connection, transaction, year, round, dialect.ShareLock, at, cancellationToken);
            }

            var tally = new YearTally(year, await YearCeiling.Read(connection, transaction, dialect.Magnitudes, year, cancellationToken));
            return new ImportSession(this, connection, transaction, year, existing.ToDictionary(a => a.Id), states, at, tally) { ClosedOn = closedOn };
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One import in one transaction; rolled back on dispose unless committed. <see cref="AddPostings"/> may run on
    /// another thread beside the other writes (the CLI reads postings while it writes movements, decision 0035): it sums
    /// in memory, and every use of the connection takes <see cref="statements"/> first.
    /// </summary>
    private sealed class ImportSession(
        BudgetStore store,
        DbConnection connection,
        DbTransaction transaction,
        int year,
        IReadOnlyDictionary<AccountId, Account> existingAccounts,
        IReadOnlyDictionary<RoundNumber, Domain.Appropriations.RoundState> roundStates,
        Instant startedAt,
        YearTally tally) : IImportSession
    {
        private readonly PostingDays postingDays = new(year);

        /// <summary>The connection, one statement sequence at a time.</summary>
        private readonly SemaphoreSlim statements = new(1, 1);

        private async Task Exclusive(Func<Task> write, CancellationToken cancellationToken)
        {
            await statements.WaitAsync(cancellationToken);
            try
            {
                await write();
            }
            finally
            {
                statements.Release();
            }
        }

        public IReadOnlyDictionary<AccountId, Account> ExistingAccounts => existingAccounts;

        public IReadOnlyDictionary<RoundNumber, Domain.Appropriations.RoundState> RoundStates => roundStates;

        public (long Movements, long Postings) Magnitudes => (tally.Existing.Movements, tally.Existing.Postings);

        public LocalDate? ClosedOn { get; init; }

        public Task AddAccounts(IReadOnlyList<Account> accounts, CancellationToken cancellationToken) =>
            Exclusive(() => store.dialect.InsertAccounts(connection, transaction, year, accounts, cancellationToken), cancellationToken);

        public Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken) =>
            Exclusive(() => connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO estimate_round (year, round, cutoff) VALUES (@Year, @Round, {store.dialect.Date("@Cutoff")})
                ON CONFLICT (year, round) DO UPDATE SET cutoff = excluded.cutoff
                """,
                new { Year = year, Round = round.Value, Cutoff = cutoff.Iso() },
                transaction,
                cancellationToken: cancellationToken)), cancellationToken);

        public Task SetSetting(string key, Amount value, CancellationToken cancellationToken) =>
            Exclusive(() => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO year_setting (year, key, value_ore) VALUES (@Year, @Key, @ValueOre)
                ON CONFLICT (year, key) DO UPDATE SET value_ore = excluded.value_ore
                """,
                new { Year = year, Key = key, ValueOre = value.Ore },
                transaction,
                cancellationToken: cancellationToken)), cancellationToken);

        public Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken)
        {
            tally.AddMovements(movements);
            return Exclusive(() => store.dialect.InsertMovements(connection, transaction, year, movements, startedAt, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// Sums the postings per (account, day) in memory (decision 0019); they reach the database at the commit, or
        /// earlier when the sums hold more than <see cref="PostingDays.FlushAtAccounts"/> accounts.
        /// </summary>
        public async Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
        {
            tally.AddPostings(postings);
            postingDays.AddRange(postings);

            if (postingDays.AccountCount > PostingDays.FlushAtAccounts)
            {
                await Exclusive(() => store.dialect.WritePostingDays(connection, transaction, postingDays, cancellationToken), cancellationToken);
                postingDays.Clear();
            }
        }

        public void PostingsComplete() => store.dialect.PreparePostingDays(postingDays);

        public Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken) =>
            Exclusive(() => store.dialect.SaveImportedEstimates(connection, transaction, year, estimates, startedAt, cancellationToken), cancellationToken);

        /// <remarks>Called once every <see cref="AddPostings"/> has returned.</remarks>
        public Task Commit(AuditEntry audit, CancellationToken cancellationToken) => Exclusive(
            async () =>
            {
                await store.dialect.WritePostingDays(connection, transaction, postingDays, cancellationToken);
                postingDays.Clear();

                // An import may change every account of the year: reports read it afresh (decision 0020).
                await store.dialect.LogFactChanges(connection, transaction, year, null, cancellationToken);
                await store.InsertAudit(connection, transaction, audit, cancellationToken);
                await store.CommitWrite(transaction, cancellationToken);
                await store.dialect.Imported(connection, CancellationToken.None); // committed: not to be cancelled into a failure
            },
            cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            statements.Dispose();
        }
    }
}

using System.Data.Common;
using Budget.Application;
using Budget.Domain;
using Budget.Domain.Appropriations;
using Budget.Domain.Accounts;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Budget.Data.Commands;
using NodaTime;

namespace Budget.Data;

/// <summary>The follow-up reader: every report's per-account facts.</summary>
public sealed partial class BudgetStore : IFollowUpReader
{
    public async Task<IReadOnlyList<AccountFacts>> AccountFacts(int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        if (factsCache is null)
        {
            await using var connection = await Open(cancellationToken);
            await using var transaction = await dialect.BeginRead(connection, cancellationToken);
            var facts = await AccountFacts(connection, transaction, year, round, asOf, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return facts;
        }

        // The signal is taken before anything is read, so facts are never filed under a signal older than what they show.
        var arrived = factsCache.Refreshes;
        var signal = factsCache.Signal();
        if (factsCache.TryGetUnchanged(year, round.Value, asOf, signal, out var unchanged))
        {
            return unchanged;
        }

        using (await factsCache.Refreshing(year, round.Value, asOf, cancellationToken))
        {
            var kept = factsCache.Find(year, round.Value, asOf);
            if (kept is not null && kept.Refresh > arrived)
            {
                // Refreshed by another report while this one waited, from a snapshot taken after this one arrived:
                // everything committed before this report was asked for is in it.
                return kept.Facts;
            }

            signal = factsCache.Signal();
            if (factsCache.TryGetUnchanged(year, round.Value, asOf, signal, out var refreshed))
            {
                // Refreshed while this report waited (right after this process's write, RefreshKeptSoon), and nothing
                // committed since that refresh took its signal.
                return refreshed;
            }

            var refresh = factsCache.BeginRefresh();

            await using var connection = await Open(cancellationToken);
            if (kept is not null && signal is null
                && await connection.ExecuteScalarAsync<long>(new CommandDefinition(LastFactChangeSql, cancellationToken: cancellationToken)) == kept.Version)
            {
                return kept.Facts; // no signal to go by (PostgreSQL's listener not listening): one round trip says nothing changed
            }

            for (var look = 1; ; look++)
            {
                FactsCache.Entry? entry;
                await using (var transaction = await dialect.BeginSnapshot(connection, cancellationToken))
                {
                    entry = await Refresh(connection, transaction, year, round, asOf, kept, signal, refresh, look == 1, cancellationToken);
                    if (transaction is not null)
                    {
                        await transaction.CommitAsync(cancellationToken);
                    }
                }

                if (entry is null)
                {
                    // The signal moved with no version logged: a write of this process may be between its WAL restart
                    // (visible at once) and its commit. Once it has ended, one more look tells that from a change made
                    // outside the store. An estimate's write ends within a millisecond or two; a long one (an import
                    // streaming its file) is not waited for: the second look then reads everything, as before.
                    await Task.WhenAny(dialect.WriteInFlight(), Task.Delay(LookAgainAfterAtMost, cancellationToken));
                    cancellationToken.ThrowIfCancellationRequested();
                    signal = factsCache.Signal();
                    continue;
                }

                factsCache.Put(year, round.Value, asOf, entry);
                return entry.Facts;
            }
        }
    }

    /// <summary>
    /// Right after this process's write to a year has committed, the year's kept facts are refreshed in the background,
    /// so that the report which usually follows a write (the page reloads its grid after an estimate is saved) finds
    /// them ready or waits for a refresh already under way instead of starting its own (decision 0023). At most one
    /// refresh waits per key; a failure is left to the next report, which refreshes as it always did.
    /// </summary>
    private void RefreshKeptSoon(int year)
    {
        if (factsCache is null)
        {
            return;
        }

        foreach (var (round, asOf) in factsCache.KeysOf(year))
        {
            if (!factsCache.TryScheduleRefresh(year, round, asOf))
            {
                continue;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    factsCache.RefreshStarting(year, round, asOf);
                    await AccountFacts(year, RoundNumber.Of(round), asOf, CancellationToken.None);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The store disposed, the database gone or busy: the next report refreshes itself.
                }
            });
        }
    }

    /// <summary>The kept facts a report of the key would answer with now without asking the database; null when it would ask (tests).</summary>
    internal IReadOnlyList<AccountFacts>? KeptFacts(int year, RoundNumber round, LocalDate asOf) =>
        factsCache is not null && factsCache.TryGetUnchanged(year, round.Value, asOf, factsCache.Signal(), out var facts) ? facts : null;

    /// <summary>How long a report waits for this process's write in flight before its second look (decision 0021).</summary>
    private static readonly TimeSpan LookAgainAfterAtMost = TimeSpan.FromMilliseconds(50);

    private const string LastFactChangeSql = "SELECT CAST(COALESCE(MAX(version), 0) AS bigint) FROM fact_change";

    /// <summary>The first changes logged after <c>@Since</c>, as many as a report recomputes one by one and one more.</summary>
    private static readonly string ChangesSinceSql = $"SELECT version, year, account_id FROM fact_change WHERE version > @Since ORDER BY version LIMIT {FactChanges.MaxRecomputed + 1}";

    /// <summary>
    /// The year's accounts among the changes <see cref="ChangesSinceSql"/> reads, in the same snapshot: the accounts
    /// <see cref="ChangedAccounts"/> makes of them whenever it can tell them.
    /// </summary>
    private static readonly string ChangedAccountsSql = $"SELECT c.account_id FROM ({ChangesSinceSql}) c WHERE c.year = @Year AND c.account_id IS NOT NULL";

    /// <summary>
    /// The facts as of the read transaction's snapshot, from what was kept where the fact_change log allows: the kept
    /// facts when no account of the year changed, those with the changed accounts read afresh when few changed, and
    /// everything read afresh after an import, a change of many accounts, a gap in the log, or (with a signal) a
    /// commit that logged nothing — a change made outside the store: the signal moved since the one taken right
    /// after the kept facts' snapshot, and no version was logged since (decision 0020).
    /// The version, the changes since the kept facts and the changed accounts' facts travel as one command: on
    /// PostgreSQL one round trip, its transaction in its text, instead of nine (decision 0023).
    /// </summary>
    /// <param name="mayLookAgain">
    /// On a first look, null instead of a full read when the signal moved and no version was logged: the caller waits
    /// for this process's write in flight and looks again.
    /// </param>
    /// <param name="transaction">The snapshot's transaction, or null where each command is a snapshot of its own (<see cref="SqlDialect.BeginSnapshot"/>).</param>
    private async Task<FactsCache.Entry?> Refresh(DbConnection connection, DbTransaction? transaction, int year, RoundNumber round, LocalDate asOf, FactsCache.Entry? kept, long? signal, long refresh, bool mayLookAgain, CancellationToken cancellationToken)
    {
        var window = ConsumptionWindow.For(year, asOf);
        var sql = RefreshSql(window, changedOnly: kept is not null);
        long version;
        long? settled;
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, FactsParameters(year, round, asOf, window, since: kept?.Version), transaction, cancellationToken: cancellationToken)))
        {
            await reader.ReadAsync(cancellationToken);
            version = reader.GetInt64(0);

            // The signal right after the snapshot, as soon as the command answers (its first statement took the
            // snapshot; PostgreSQL sends the answers of a command's statements together): a commit after it is either
            // logged (a version above this one, read from the log next time) or not (the signal has moved with no new
            // version: read everything then).
            // Without a signal before the snapshot, none after it either: a listener that came up in between missed
            // what was committed while nobody listened.
            settled = signal is null ? null : factsCache!.Signal();
            if (kept is null)
            {
                await reader.NextResultAsync(cancellationToken);
                return new FactsCache.Entry(version, signal, new ChunkedList<AccountFacts>(await ReadFacts(reader, window, null, cancellationToken)), settled, refresh);
            }

            if (version == kept.Version && (signal is null || signal == kept.Settled))
            {
                return new FactsCache.Entry(version, signal, kept.Facts, settled, refresh, kept.Positions);
            }

            if (version == kept.Version && mayLookAgain)
            {
                return null;
            }

            if (version > kept.Version)
            {
                await reader.NextResultAsync(cancellationToken);
                var changed = await ChangedAccounts(reader, year, kept.Version, cancellationToken);
                if (changed is { Length: 0 })
                {
                    return new FactsCache.Entry(version, signal, kept.Facts, settled, refresh, kept.Positions);
                }

                if (changed is not null && changed.All(kept.Positions.ContainsKey))
                {
                    // An account whose facts read the same (an estimate of another round, a movement after the date)
                    // keeps its object, and when all do, the list stays the same list: the follow-up kept for it is
                    // still right (KeptFollowUps, decision 0021). Their account rows are the kept ones: only an import
                    // writes accounts, and it logs the whole year.
                    await reader.NextResultAsync(cancellationToken);
                    // The rest share the kept list's chunks (decision 0026).
                    var replaced = new List<(int, AccountFacts)>();
                    foreach (var fresh in await ReadFacts(reader, window, [.. changed.Select(id => kept.Facts[kept.Positions[id]].Account)], cancellationToken))
                    {
                        var position = kept.Positions[fresh.Account.Id.Value];
                        if (!fresh.Equals(kept.Facts[position]))
                        {
                            replaced.Add((position, fresh));
                        }
                    }

                    return new FactsCache.Entry(version, signal, kept.Facts.With(replaced), settled, refresh, kept.Positions);
                }
            }
        }

        // Everything afresh, with the version it is as of: in the same snapshot where the store holds one open
        // (SQLite), in a new one where a command is its own (PostgreSQL).
        return await Refresh(connection, transaction, year, round, asOf, null, signal, refresh, mayLookAgain: false, cancellationToken);
    }

    /// <summary>
    /// The year's accounts among <paramref name="reader"/>'s changes logged after <paramref name="since"/>; null when
    /// they cannot be told: the whole year was logged (an import), versions are missing (forgotten), or too many
    /// changed to read one by one.
    /// </summary>
    private static async Task<string[]?> ChangedAccounts(DbDataReader reader, int year, long since, CancellationToken cancellationToken)
    {
        var rows = new List<(long Version, long Year, string? Account)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        if (rows.Count == 0 || rows[0].Version != since + 1 || rows.Count > FactChanges.MaxRecomputed)
        {
            return null;
        }

        var accounts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.Year == year))
        {
            if (row.Account is null)
            {
                return null;
            }

            accounts.Add(row.Account);
        }

        return [.. accounts];
    }

    /// <summary>Every account's facts in one command (one round trip on PostgreSQL).</summary>
    private async Task<AccountFacts[]> AccountFacts(DbConnection connection, DbTransaction transaction, int year, RoundNumber round, LocalDate asOf, CancellationToken cancellationToken)
    {
        var window = ConsumptionWindow.For(year, asOf);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(FactsSql(window, changedOnly: false), FactsParameters(year, round, asOf, window), transaction, cancellationToken: cancellationToken));
        return await ReadFacts(reader, window, null, cancellationToken);
    }

    /// <summary>The parameters of <see cref="FactsSql"/> and <see cref="ChangesSinceSql"/> (a command is given those its text names).</summary>
    private static object FactsParameters(int year, RoundNumber round, LocalDate asOf, ConsumptionWindow window, long? since = null) => new
    {
        Since = since ?? 0,
        Year = year,
        Round = round.Value,
        AsOf = asOf.Iso(),
        Month = window.ThroughMonth,
        DaysFrom = window.DaysFrom?.Iso(),
        DaysTo = window.DaysTo.Iso(),
    };

    /// <summary>
    /// <see cref="Refresh"/>'s command: one of eight texts (changed accounts only or all; a month total to read; days
    /// to add), each built once — every report after a write sends one, and building it cost more than the few
    /// accounts it reads.
    /// </summary>
    private string RefreshSql(ConsumptionWindow window, bool changedOnly)
    {
        var shape = (changedOnly ? 1 : 0) | (window.ThroughMonth > 0 ? 2 : 0) | (window.DaysFrom is not null ? 4 : 0);
        return refreshSql[shape] ??= dialect.InSnapshot(changedOnly
            ? $"{LastFactChangeSql};\n{ChangesSinceSql};\n{FactsSql(window, changedOnly: true)}"
            : $"{LastFactChangeSql};\n{FactsSql(window, changedOnly: false)}");
    }

    private readonly string?[] refreshSql = new string?[8];

    /// <summary>
    /// Everything the follow-up needs per account, as statements of one command read in this order by
    /// <see cref="ReadFacts"/>: accounts (not for the changed accounts: the caller has them), movements, whole months
    /// (when the window has any), days (when it has any), estimates. The hot path of every report: it never touches
    /// more than one row per account and kind, whatever the number of postings (docs/performance.md).
    /// </summary>
    /// <param name="changedOnly">Only the accounts changed since <c>@Since</c> (<see cref="ChangedAccountsSql"/>), or all.</param>
    private string FactsSql(ConsumptionWindow window, bool changedOnly)
    {
        string Only(string column) => changedOnly ? " AND " + dialect.AmongAccounts(column, ChangedAccountsSql) : "";
        var statements = new List<string>();
        if (!changedOnly)
        {
            statements.Add($"SELECT {AccountRow.Columns} FROM account WHERE year = @Year");
        }

        statements.Add($"""
            SELECT account_id, kind, CAST(SUM(amount_ore) AS bigint)
            FROM movement
            WHERE year = @Year AND decided_on <= {dialect.Date("@AsOf")}{Only("account_id")}
            GROUP BY account_id, kind
            """);
        if (window.ThroughMonth > 0)
        {
            statements.Add($"""
                SELECT account_id, cumulative_ore
                FROM posting_month
                WHERE year = @Year AND month = @Month{Only("account_id")}
                """);
        }

        if (window.DaysFrom is not null)
        {
            statements.Add(dialect.DaysConsumption(changedOnly ? dialect.AmongAccounts("a.account_id", ChangedAccountsSql) : null));
        }

        statements.Add($"""
            SELECT {dialect.EstimateRowColumns}
            FROM estimate WHERE year = @Year AND round = @Round{Only("account_id")}
            """);
        return string.Join(";\n", statements);
    }

    /// <summary>
    /// Reads the results of <see cref="FactsSql"/>, the reader standing at the first: the accounts', or when
    /// <paramref name="accounts"/> are given (the changed ones) the movements'.
    /// </summary>
    private async Task<AccountFacts[]> ReadFacts(DbDataReader reader, ConsumptionWindow window, IReadOnlyList<Account>? accounts, CancellationToken cancellationToken)
    {
        if (accounts is null)
        {
            accounts = await ReadAccounts(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
        }

        var appropriations = new Dictionary<string, AppropriationsByKind>(accounts.Count, StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var account = reader.GetString(0);
            appropriations[account] = appropriations.GetValueOrDefault(account).With(MovementKindCodes.Parse(reader.GetString(1)), Amount.FromOre(reader.GetInt64(2)));
        }

        var consumption = new Dictionary<string, Amount>(accounts.Count, StringComparer.Ordinal);
        if (window.ThroughMonth > 0)
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                consumption[reader.GetString(0)] = Amount.FromOre(reader.GetInt64(1));
            }
        }

        if (window.DaysFrom is not null)
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var account = reader.GetString(0);
                consumption[account] = consumption.GetValueOrDefault(account) + Amount.FromOre(dialect.DaysOre(reader, window.DaysTo.Day));
            }
        }

        var estimates = new Dictionary<string, AccountEstimate>(accounts.Count, StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = EstimateRow.Read(reader);
            estimates[row.AccountId] = row.ToEstimate();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var facts = new AccountFacts[accounts.Count];
        for (var i = 0; i < facts.Length; i++)
        {
            var id = accounts[i].Id.Value;
            facts[i] = new AccountFacts(accounts[i], appropriations.GetValueOrDefault(id), consumption.GetValueOrDefault(id), estimates.GetValueOrDefault(id));
        }

        return facts;
    }
}

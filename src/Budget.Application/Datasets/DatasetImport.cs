using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using System.Runtime.ExceptionServices;
using NodaTime;

namespace Budget.Application.Datasets;

/// <summary>What an import stored: rows per file.</summary>
public sealed record ImportCounts(int Accounts, int Movements, int Postings, int Estimates);

/// <summary>What an import's audit entry records: the files given and what was stored.</summary>
public sealed record ImportAudit(string[] Files, ImportCounts Counts);

/// <summary>The import's audit JSON, source-generated (<see cref="AuditEntry"/>'s web defaults: camelCase).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ImportAudit))]
internal sealed partial class ImportAuditJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>The outcome of an import: counts when it was stored, errors when nothing was.</summary>
/// <param name="OutOfScope">The errors are rows outside the committees the actor may act for (403, not 400).</param>
public sealed record ImportOutcome(ImportCounts? Counts, IReadOnlyList<DatasetError> Errors, int ErrorCount, bool OutOfScope = false)
{
    /// <summary>The year is closed and the import would change its postings, estimates or cut-offs (HTTP 409).</summary>
    public bool YearClosed { get; init; }

    public bool Succeeded => Counts is not null;
}

/// <summary>
/// Imports a dataset (accounts, movements, postings, estimates, rounds) into a budget year, all or nothing:
/// every file is validated row by row and on any error nothing is stored. Files stream; postings are written in
/// batches inside the one transaction, so a file of millions of rows is never held in memory.
/// </summary>
/// <param name="rules">The refusion rule data whose benefits an account's <c>refusion_benefit</c> must name (the API's, loaded once).</param>
/// <param name="loadRules">
/// Or a way to load it, called only when an account names a benefit: a process that imports once (the CLI) then
/// does not parse and validate the whole rule data for a dataset that never asks (~0,1 s of a cold process).
/// Neither: the benefit is not checked.
/// </param>
public sealed class DatasetImport(IImportStore store, IClock clock, Domain.Refusion.RefusionRuleBook? rules = null, CsvLimits? limits = null, Func<Domain.Refusion.RefusionRuleBook>? loadRules = null)
{
    public const string AccountsFile = "accounts";
    public const string MovementsFile = "movements";
    public const string PostingsFile = "postings";
    public const string EstimatesFile = "estimates";
    public const string RoundsFile = "rounds";

    public const string SettingsFile = "settings";

    /// <summary>The year settings settings.csv may give (amounts): cash at the start of the year, the service frame, the carry-over expected out of the year.</summary>
    public static IReadOnlyList<string> SettingKeys { get; } = ["primo_cash", "service_frame", "expected_carry_over"];

    public static IReadOnlyList<string> FileNames { get; } = [AccountsFile, MovementsFile, PostingsFile, EstimatesFile, RoundsFile, SettingsFile];

    private const int BatchSize = 5_000;

    /// <summary>
    /// The files' streams are independent of one another (files on disk, as the CLI opens them): the postings file is
    /// then read and summed on a second thread while the other files are validated and written (decision 0035). The
    /// parts of one HTTP form share the request's buffered body and are read one after the other.
    /// </summary>
    public bool ReadPostingsAlongside { get; init; }

    /// <summary>Reports rows read so far (file, rows), for progress display; with <see cref="ReadPostingsAlongside"/> from two threads.</summary>
    public Action<string, long>? Progress { get; init; }

    public async Task<ImportOutcome> Run(int year, IReadOnlyDictionary<string, Func<Stream>> files, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new ErrorList();
        if (year is < BudgetYear.MinYear or > BudgetYear.MaxYear)
        {
            errors.Add(new DatasetError("", 0, "year", $"a budget year lies between {BudgetYear.MinYear} and {BudgetYear.MaxYear}"));
            return Failed(errors);
        }

        ArgumentNullException.ThrowIfNull(actor);
        foreach (var name in files.Keys.Where(n => !FileNames.Contains(n)))
        {
            errors.Add(new DatasetError(Domain.Echo.Cut(name), 0, null, $"unknown file '{Domain.Echo.Cut(name)}' (expected {string.Join(", ", FileNames)})"));
        }

        if (files.Count == 0)
        {
            errors.Add(new DatasetError("", 0, null, $"no files: send at least one of {string.Join(", ", FileNames)}"));
        }

        if (errors.Any)
        {
            return Failed(errors);
        }

        await using var session = await store.BeginImport(year, cancellationToken);
        if (session.ClosedOn is { } closedOn)
        {
            // A closed year's accounts are final (docs/year-end.md): its postings, estimates and cut-offs no longer change.
            foreach (var file in new[] { PostingsFile, EstimatesFile, RoundsFile }.Where(files.ContainsKey))
            {
                errors.Add(new DatasetError(file, 0, null, $"budget year {year} was closed on {closedOn:yyyy-MM-dd}: its {file} are final"));
            }

            if (errors.Any)
            {
                return new ImportOutcome(null, errors.Items, errors.Count) { YearClosed = true };
            }
        }

        var known = new Dictionary<AccountId, Account>(session.ExistingAccounts);
        var counts = new ImportCounts(0, 0, 0, 0);
        var scope = new Scope(actor);
        var (movementMagnitude, postingMagnitude) = session.Magnitudes;
        var tally = new Tally(year, movementMagnitude, postingMagnitude);

        if (files.TryGetValue(AccountsFile, out var accounts))
        {
            Func<Domain.Refusion.RefusionRuleBook>? ruleBook = rules is not null ? () => rules : loadRules;
            var benefits = ruleBook is null ? null : new Lazy<HashSet<string>>(() => ruleBook().Rules.Select(r => r.Benefit).ToHashSet(StringComparer.Ordinal));
            var added = ReadAccounts(accounts, known, benefits, scope, errors);
            if (!errors.Any)
            {
                await session.AddAccounts(added, cancellationToken);
            }

            counts = counts with { Accounts = added.Count };
        }

        // Cut-offs and year settings belong to the whole municipality, like submit and approve.
        foreach (var file in new[] { RoundsFile, SettingsFile }.Where(f => files.ContainsKey(f) && actor.Committees is not null))
        {
            scope.Violations.Add(new DatasetError(file, 0, null, $"{actor.Name} is limited to some committees; {file}.csv sets the whole municipality's {(file == RoundsFile ? "cut-offs" : "settings")}"));
        }

        // With independent files the postings are read (and summed by the store) on a second thread while this one
        // writes the cut-offs, movements and estimates (decision 0035); each side keeps its own errors, scope and sums.
        using var stopAside = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Started on a thread of its own rather than the pool's (the pool's other thread on two cores is the one this
        // method continues on); it stays there while the store's summing completes at once, as it does until a flush.
        var othersFailed = new OthersFailed(errors);
        var aside = ReadPostingsAlongside && files.TryGetValue(PostingsFile, out var postingsAside)
            ? Task.Factory.StartNew(() => ReadPostingsApart(postingsAside, year, known, actor, session, othersFailed, (movementMagnitude, postingMagnitude), stopAside.Token), stopAside.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
            : null;
        try
        {
            if (files.TryGetValue(RoundsFile, out var rounds))
            {
                foreach (var (round, cutoff) in ReadRounds(rounds, year, session.RoundStates, errors, limits))
                {
                    if (!errors.Any)
                    {
                        await session.SetCutoff(round, cutoff, cancellationToken);
                    }
                }
            }

            if (files.TryGetValue(SettingsFile, out var settings))
            {
                foreach (var (key, value) in ReadSettings(settings, errors, limits))
                {
                    if (!errors.Any)
                    {
                        await session.SetSetting(key, value, cancellationToken);
                    }
                }
            }

            othersFailed.Check();
            if (files.TryGetValue(MovementsFile, out var movements))
            {
                counts = counts with
                {
                    Movements = await Batched(ReadMovements(movements, year, known, scope, tally, errors), errors, MovementsFile, session.AddMovements, cancellationToken),
                };
            }

            othersFailed.Check();
            if (files.TryGetValue(EstimatesFile, out var estimates))
            {
                var read = ReadEstimates(estimates, known, session.RoundStates, scope, errors);
                if (!errors.Any)
                {
                    await session.SaveEstimates(read, cancellationToken);
                }

                counts = counts with { Estimates = read.Count };
            }

            if (aside is not null)
            {
                othersFailed.Check();
                var apart = await aside;
                if (apart.WriteFailed is { } failed && !errors.Any)
                {
                    // In turn the postings are written only while nothing has failed: that write would have thrown there.
                    failed.Throw();
                }

                // A reading in turn stops at the first good row once the list is full: where that would have been, the
                // postings' errors and out-of-scope rows end (the answer, 400 or 403, and the count are then the same).
                var stop = apart.Stops.FirstOrDefault(s => errors.Count + s.Errors >= ErrorList.Limit);
                errors.Append(apart.Errors, stop?.Errors ?? apart.Errors.Count);
                scope.Violations.Append(apart.Violations, stop?.Violations ?? apart.Violations.Count);
                counts = counts with { Postings = stop?.Rows ?? apart.Count };
            }
            else if (files.TryGetValue(PostingsFile, out var postings))
            {
                counts = counts with
                {
                    Postings = await Batched(ReadPostings(postings, year, known, scope, tally, errors), errors, PostingsFile, session.AddPostings, cancellationToken),
                };
            }

            if (scope.Violations.Any)
            {
                return new ImportOutcome(null, scope.Violations.Items, scope.Violations.Count, OutOfScope: true);
            }

            if (errors.Any)
            {
                return Failed(errors);
            }

            var audit = AuditEntry.OfDeclared(year, clock.GetCurrentInstant(), actor, "dataset.import", $"budget-years/{year}",
                new ImportAudit([.. files.Keys.Order(StringComparer.Ordinal)], counts), ImportAuditJson.Default.ImportAudit);
            await session.Commit(audit, cancellationToken);
            return new ImportOutcome(counts, [], 0);
        }
        finally
        {
            if (aside is { IsCompleted: false })
            {
                // Left early (an error, a failed write): the postings no longer matter, but the session must outlive their reading.
                await stopAside.CancelAsync();
                await ((Task)aside).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Whether the files read on the writing thread have failed, as the postings' reading sees it: it then only checks
    /// its rows, as a reading in turn would (nothing is written once something failed). Set by the writing thread.
    /// </summary>
    private sealed class OthersFailed(ErrorList errors)
    {
        private volatile bool failed = errors.Any;

        public bool Failed => failed;

        /// <summary>Called by the writing thread after each file.</summary>
        public void Check() => failed |= errors.Any;
    }

    /// <summary>
    /// A good postings row at which a reading in turn would stop if the other files' errors and these filled the list:
    /// the rows counted, and the postings' errors and out-of-scope rows so far.
    /// </summary>
    private sealed record PostingsStop(int Rows, int Errors, int Violations);

    /// <summary>
    /// What the postings file gave when read on its own thread: its rows, its errors and out-of-scope rows to report
    /// after the other files', where a reading in turn could have stopped, and a store write that failed.
    /// </summary>
    private sealed record PostingsApart(int Count, ErrorList Errors, ErrorList Violations, IReadOnlyList<PostingsStop> Stops, ExceptionDispatchInfo? WriteFailed);

    /// <summary>
    /// Reads the postings file into the session (<see cref="IImportSession.AddPostings"/>, which may run beside the
    /// other writes) with errors, scope and year sums of its own: the postings' year sum is kept apart from the
    /// movements' (<see cref="AmountCeilings"/>), so the rows refused are the ones a reading in turn refuses. It stops
    /// writing once either side has failed; a write that throws is kept for the writing thread to decide on (in turn
    /// it would not have been made if the other files had failed).
    /// </summary>
    private async Task<PostingsApart> ReadPostingsApart(Func<Stream> open, int year, Dictionary<AccountId, Account> known, Actor actor, IImportSession session, OthersFailed othersFailed, (long Movements, long Postings) magnitudes, CancellationToken cancellationToken)
    {
        var errors = new ErrorList();
        var scope = new Scope(actor);
        var tally = new Tally(year, magnitudes.Movements, magnitudes.Postings);
        var stops = new List<PostingsStop>();
        ExceptionDispatchInfo? writeFailed = null;
        var batch = new List<Posting>(BatchSize);
        var count = 0;

        async Task Write()
        {
            if (writeFailed is null && !othersFailed.Failed)
            {
                try
                {
                    await session.AddPostings(batch, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    writeFailed = ExceptionDispatchInfo.Capture(e);
                }
            }

            batch.Clear();
        }

        foreach (var posting in ReadPostings(open, year, known, scope, tally, errors))
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            if (stops.Count == 0 || stops[^1].Errors != errors.Count)
            {
                stops.Add(new PostingsStop(count, errors.Count, scope.Violations.Count));
            }

            if (errors.Any)
            {
                batch.Clear();
                if (errors.Full)
                {
                    break;
                }

                continue;
            }

            batch.Add(posting);
            if (batch.Count == BatchSize)
            {
                await Write();
                Progress?.Invoke(PostingsFile, count);
            }
        }

        if (batch.Count > 0 && !errors.Any)
        {
            await Write();
        }

        if (!errors.Any && writeFailed is null && !othersFailed.Failed)
        {
            session.PostingsComplete();
        }

        Progress?.Invoke(PostingsFile, count);
        return new PostingsApart(count, errors, scope.Violations, stops, writeFailed);
    }

    private static ImportOutcome Failed(ErrorList errors) => new(null, errors.Items, errors.Count);

    private async Task<int> Batched<T>(IEnumerable<T> rows, ErrorList errors, string file, Func<IReadOnlyList<T>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var batch = new List<T>(BatchSize);
        var count = 0;
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            if (errors.Any)
            {
                batch.Clear(); // keep validating to report every bad row, but stop writing
                if (errors.Full)
                {
                    break;
                }

                continue;
            }

            batch.Add(row);
            if (batch.Count == BatchSize)
            {
                await write(batch, cancellationToken);
                batch.Clear();
                Progress?.Invoke(file, count);
            }
        }

        if (batch.Count > 0 && !errors.Any)
        {
            await write(batch, cancellationToken);
        }

        Progress?.Invoke(file, count);
        return count;
    }

    /// <param name="benefits">The benefits of the rule data, which <c>refusion_benefit</c> must name (read when a row names one); null skips the check.</param>
    private List<Account> ReadAccounts(Func<Stream> open, Dictionary<AccountId, Account> known, Lazy<HashSet<string>>? benefits, Scope scope, ErrorList errors)
    {
        var added = new List<Account>();
        var inFile = new HashSet<AccountId>();
        using var table = CsvTable.Open(AccountsFile, open(), ["committee", "activity_area", "account", "name"], ["group", "block", "refusion_benefit"], errors, limits);
        if (table is null)
        {
            return added;
        }

        foreach (var row in table.Rows())
        {
            var committee = row.Text("committee", maxLength: Account.MaxNameLength);
            var area = row.Text("activity_area", maxLength: Account.MaxNameLength);
            var name = row.Text("name", maxLength: Account.MaxNameLength);
            var group = row.Text("group", required: false, maxLength: Account.MaxNameLength);
            var id = ParseAccountId(row);
            var block = Block.Drift;
            var blockCode = row.Text("block", required: false);
            if (blockCode is not null && !BlockCodes.TryParse(blockCode, out block))
            {
                row.Reject("block", $"unknown block '{Domain.Echo.Cut(blockCode)}' (expected {string.Join(", ", BlockCodes.All)})");
            }

            var benefit = row.Text("refusion_benefit", required: false, maxLength: 100);
            if (benefit is not null && benefits is not null && !benefits.Value.Contains(benefit))
            {
                row.Reject("refusion_benefit", $"'{benefit}' is not a benefit of the refusion rule data (expected {string.Join(", ", benefits.Value.Order(StringComparer.Ordinal))})");
            }

            if (committee is not null)
            {
                scope.Check(AccountsFile, row, committee);
            }

            if (row.HasErrors || id is not { } accountId)
            {
                continue;
            }

            var account = new Account(accountId, name!, committee!, area!, group, block) { RefusionBenefit = benefit };
            if (!inFile.Add(accountId))
            {
                row.Reject("account", $"account {accountId} appears twice in the file");
            }
            else if (known.TryGetValue(accountId, out var existing))
            {
                if (existing != account)
                {
                    row.Reject("account", $"account {accountId} already exists in the year with other attributes ({existing.Committee} / {existing.ActivityArea} / {existing.Name}); accounts are not changed by an import");
                }
            }
            else if (known.Count >= AmountCeilings.MaxAccountsPerYear)
            {
                row.Reject("account", $"a year holds at most {AmountCeilings.MaxAccountsPerYear} accounts");
            }
            else
            {
                known.Add(accountId, account);
                added.Add(account);
            }
        }

        return added;
    }

    private static List<(string Key, Amount Value)> ReadSettings(Func<Stream> open, ErrorList errors, CsvLimits? limits)
    {
        var read = new List<(string, Amount)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var table = CsvTable.Open(SettingsFile, open(), ["key", "value"], [], errors, limits);
        if (table is null)
        {
            return read;
        }

        foreach (var row in table.Rows())
        {
            var key = row.Text("key", maxLength: 100);
            var value = row.Amount("value");
            if (key is not null && !SettingKeys.Contains(key))
            {
                row.Reject("key", $"unknown setting '{Domain.Echo.Cut(key)}' (expected {string.Join(", ", SettingKeys)})");
            }
            else if (key is not null && !seen.Add(key))
            {
                row.Reject("key", $"'{key}' is set twice");
            }

            if (!row.HasErrors)
            {
                read.Add((key!, value!.Value));
            }
        }

        return read;
    }

    private static List<(RoundNumber Round, NodaTime.LocalDate Cutoff)> ReadRounds(Func<Stream> open, int year, IReadOnlyDictionary<RoundNumber, RoundState> states, ErrorList errors, CsvLimits? limits)
    {
        var result = new List<(RoundNumber, NodaTime.LocalDate)>();
        var seen = new HashSet<int>();
        using var table = CsvTable.Open(RoundsFile, open(), ["round", "cutoff"], [], errors, limits);
        if (table is null)
        {
            return result;
        }

        foreach (var row in table.Rows())
        {
            var round = row.Integer("round", RoundNumber.First, RoundNumber.Last);
            var cutoff = row.Date("cutoff");
            if (cutoff is { } date && date.Year != year)
            {
                row.Reject("cutoff", $"the cut-off {date:yyyy-MM-dd} is not in {year}");
            }

            if (round is { } r && !seen.Add(r))
            {
                row.Reject("round", $"round {r} appears twice");
            }

            if (round is { } locked && states.GetValueOrDefault(RoundNumber.Of(locked)) != RoundState.Open)
            {
                row.Reject("round", $"round {locked} is {states[RoundNumber.Of(locked)].ToCode()}: its cut-off can no longer change");
            }

            if (!row.HasErrors)
            {
                result.Add((RoundNumber.Of(round!.Value), cutoff!.Value));
            }
        }

        return result;
    }

    private IEnumerable<AppropriationMovement> ReadMovements(Func<Stream> open, int year, Dictionary<AccountId, Account> known, Scope scope, Tally tally, ErrorList errors)
    {
        using var table = CsvTable.Open(MovementsFile, open(), ["account", "kind", "amount", "decided_on"], ["reference", "decided_by"], errors, limits);
        if (table is null)
        {
            yield break;
        }

        foreach (var row in table.Rows())
        {
            var account = KnownAccount(row, known, scope, MovementsFile);
            var kindCode = row.Text("kind");
            var kind = default(MovementKind);
            if (kindCode is not null && !MovementKindCodes.TryParse(kindCode, out kind))
            {
                row.Reject("kind", $"unknown kind '{Domain.Echo.Cut(kindCode)}' (expected {string.Join(", ", MovementKindCodes.All)})");
            }

            var amount = row.Amount("amount");
            var decidedOn = row.Date("decided_on");
            if (decidedOn is { } decided && !DecisionWindow.Contains(year, decided))
            {
                row.Reject("decided_on", DecisionWindow.Problem(year, decided));
            }

            if (amount is { } movementAmount)
            {
                tally.AddMovement(row, movementAmount);
            }

            var reference = row.Text("reference", required: false, maxLength: 200);
            var decidedBy = row.Text("decided_by", required: false, maxLength: 200);
            if (!row.HasErrors)
            {
                yield return new AppropriationMovement(account!.Value, kind, amount!.Value, decidedOn!.Value, reference, decidedBy);
            }
        }
    }

    private IEnumerable<Posting> ReadPostings(Func<Stream> open, int year, Dictionary<AccountId, Account> known, Scope scope, Tally tally, ErrorList errors)
    {
        using var table = CsvTable.Open(PostingsFile, open(), ["account", "posted_on", "amount"], [], errors, limits);
        if (table is null)
        {
            yield break;
        }

        var plain = new PlainPostings(table, year, known, scope, tally);
        while (true)
        {
            if (plain.TryRead(out var posting, out var row))
            {
                yield return posting;
                continue;
            }

            if (row is null)
            {
                yield break;
            }

            var account = KnownAccount(row, known, scope, PostingsFile);
            var postedOn = row.Date("posted_on");
            if (postedOn is { } date && !PostingWindow.Contains(year, date))
            {
                row.Reject("posted_on", PostingWindow.Problem(year, date));
            }

            var amount = row.Amount("amount");
            if (amount is { } postingAmount)
            {
                tally.AddPosting(row, postingAmount);
            }

            if (!row.HasErrors)
            {
                yield return new Posting(account!.Value, postedOn!.Value, amount!.Value);
            }
        }
    }

    /// <summary>
    /// The postings file's hot path: a plain row (see <see cref="CsvRecordReader.TryReadPlain"/>) whose account is
    /// known and in scope, whose date is yyyy-MM-dd within the posting window and whose amount is plain becomes a
    /// posting without a string or row object; any other row is handed back as a <see cref="CsvRow"/> for the checks
    /// and messages of the general path, so what is accepted and what is said about a bad row does not change.
    /// A 2M-posting file allocated ~390 bytes a row before (issue 20).
    /// </summary>
    private sealed class PlainPostings(CsvTable table, int year, Dictionary<AccountId, Account> known, Scope scope, Tally tally)
    {
        private readonly Range[] fields = new Range[3];
        private readonly int accountAt = table.IndexOf("account");
        private readonly int postedOnAt = table.IndexOf("posted_on");
        private readonly int amountAt = table.IndexOf("amount");
        private readonly Dictionary<string, Account>.AlternateLookup<ReadOnlySpan<char>> accounts =
            known.ToDictionary(k => k.Key.Value, k => k.Value, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>True with a posting; false with the next row for the general path, or null at the end of the file.</summary>
        public bool TryRead(out Posting posting, out CsvRow? row)
        {
            posting = default;
            if (!table.TryReadPlain(fields, out var record, out var line))
            {
                row = table.NextRow();
                return false;
            }

            if (accounts.TryGetValue(record[fields[accountAt]], out var account)
                && scope.Allows(account.Committee)
                && CsvRow.TryParseIsoDate(record[fields[postedOnAt]]) is { } postedOn
                && PostingWindow.Contains(year, postedOn)
                && table.Amounts.TryParsePlain(record[fields[amountAt]], out var amount)
                && tally.TryAddPosting(amount))
            {
                posting = new Posting(account.Id, postedOn, amount);
                row = null;
                return true;
            }

            row = table.RowOf(line, record, fields);
            return false;
        }
    }

    private List<AccountEstimate> ReadEstimates(Func<Stream> open, Dictionary<AccountId, Account> known, IReadOnlyDictionary<RoundNumber, RoundState> states, Scope scope, ErrorList errors)
    {
        var result = new List<AccountEstimate>();
        var seen = new HashSet<(int, AccountId)>();
        string[] outYears = ["out_year_1", "out_year_2", "out_year_3", "out_year_4"];
        using var table = CsvTable.Open(EstimatesFile, open(), ["round", "account", "estimate"], ["explanation", .. outYears], errors, limits);
        if (table is null)
        {
            return result;
        }

        foreach (var row in table.Rows())
        {
            var round = row.Integer("round", RoundNumber.First, RoundNumber.Last);
            var account = KnownAccount(row, known, scope, EstimatesFile);
            var estimate = row.Amount("estimate");
            var explanation = row.Text("explanation", required: false, maxLength: 4000) ?? "";
            var years = outYears.Select(c => row.Amount(c, required: false)).ToArray();
            if (round is { } r && account is { } a && !seen.Add((r, a)))
            {
                row.Reject("account", $"account {a} has two estimates for round {r}");
            }

            if (round is { } locked && states.GetValueOrDefault(RoundNumber.Of(locked)) != RoundState.Open)
            {
                row.Reject("round", $"round {locked} is {states[RoundNumber.Of(locked)].ToCode()}: its estimates are locked");
            }

            if (!row.HasErrors)
            {
                result.Add(new AccountEstimate(RoundNumber.Of(round!.Value), account!.Value, estimate!.Value, explanation, OutYearConsequences.From(years.Select(y => y!.Value).ToArray())));
            }
        }

        return result;
    }

    private static AccountId? ParseAccountId(CsvRow row)
    {
        var text = row.Text("account", maxLength: AccountId.MaxLength);
        if (text is null)
        {
            return null;
        }

        if (AccountId.TryParse(text, out var id, out var error))
        {
            return id;
        }

        row.Reject("account", error!);
        return null;
    }

    private static AccountId? KnownAccount(CsvRow row, Dictionary<AccountId, Account> known, Scope scope, string file)
    {
        var id = ParseAccountId(row);
        if (id is not { } accountId)
        {
            return null;
        }

        if (!known.TryGetValue(accountId, out var account))
        {
            row.Reject("account", $"unknown account '{accountId}' (not in accounts.csv nor in the year)");
            return null;
        }

        scope.Check(file, row, account.Committee);
        // The account's own id, not the one just parsed: rows kept in a batch then share one string per account.
        return account.Id;
    }

    /// <summary>
    /// The committees an actor may write for (contract §7): a row for another committee's account makes the whole
    /// import a 403, listing the rows; nothing is stored.
    /// </summary>
    private sealed class Scope(Actor actor)
    {
        public ErrorList Violations { get; } = new();

        public bool Allows(string committee) => actor.MayActFor(committee);

        public void Check(string file, CsvRow row, string committee)
        {
            if (!Allows(committee))
            {
                Violations.Add(new DatasetError(file, row.Line, "committee", $"'{Domain.Echo.Cut(committee)}' is outside the committees {actor.Name} may act for"));
            }
        }
    }

    /// <summary>The year's absolute sums with this file's rows added, refusing the row that would cross the ceiling (<see cref="AmountCeilings"/>).</summary>
    private sealed class Tally(int year, long movements, long postings)
    {
        private long movements = movements;
        private long postings = postings;

        public void AddMovement(CsvRow row, Amount amount) => movements = Add(row, "movements", movements, amount);

        public void AddPosting(CsvRow row, Amount amount) => postings = Add(row, "postings", postings, amount);

        /// <summary>Adds a posting that keeps the year within the ceiling; false, adding nothing, for one that would cross it.</summary>
        public bool TryAddPosting(Amount amount)
        {
            var next = AmountCeilings.AddMagnitude(postings, amount.Ore);
            if (!AmountCeilings.IsWithinYear(next) && AmountCeilings.IsWithinYear(postings))
            {
                return false;
            }

            postings = next;
            return true;
        }

        private long Add(CsvRow row, string what, long sum, Amount amount)
        {
            var next = AmountCeilings.AddMagnitude(sum, amount.Ore);
            if (!AmountCeilings.IsWithinYear(next) && AmountCeilings.IsWithinYear(sum))
            {
                row.Reject("amount", AmountCeilings.YearProblem(year, what) + " with this row");
            }

            return next;
        }
    }
}

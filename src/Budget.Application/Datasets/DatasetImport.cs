using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application.Datasets;

/// <summary>What an import stored: rows per file.</summary>
public sealed record ImportCounts(int Accounts, int Movements, int Postings, int Estimates);

/// <summary>The outcome of an import: counts when it was stored, errors when nothing was.</summary>
public sealed record ImportOutcome(ImportCounts? Counts, IReadOnlyList<DatasetError> Errors, int ErrorCount)
{
    public bool Succeeded => Counts is not null;
}

/// <summary>
/// Imports a dataset (accounts, movements, postings, estimates, rounds) into a budget year, all or nothing:
/// every file is validated row by row and on any error nothing is stored. Files stream; postings are written in
/// batches inside the one transaction, so a file of millions of rows is never held in memory.
/// </summary>
public sealed class DatasetImport(IBudgetStore store, IClock clock, Domain.Refusion.RefusionRuleBook? rules = null)
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

    /// <summary>Reports rows read so far (file, rows), for progress display.</summary>
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
            errors.Add(new DatasetError(name, 0, null, $"unknown file '{name}' (expected {string.Join(", ", FileNames)})"));
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
        var known = new Dictionary<AccountId, Account>(session.ExistingAccounts);
        var counts = new ImportCounts(0, 0, 0, 0);

        if (files.TryGetValue(AccountsFile, out var accounts))
        {
            var added = ReadAccounts(accounts, known, rules?.Rules.Select(r => r.Benefit).ToHashSet(StringComparer.Ordinal), errors);
            if (!errors.Any)
            {
                await session.AddAccounts(added, cancellationToken);
            }

            counts = counts with { Accounts = added.Count };
        }

        if (files.TryGetValue(RoundsFile, out var rounds))
        {
            foreach (var (round, cutoff) in ReadRounds(rounds, year, session.RoundStates, errors))
            {
                if (!errors.Any)
                {
                    await session.SetCutoff(round, cutoff, cancellationToken);
                }
            }
        }

        if (files.TryGetValue(SettingsFile, out var settings))
        {
            foreach (var (key, value) in ReadSettings(settings, errors))
            {
                if (!errors.Any)
                {
                    await session.SetSetting(key, value, cancellationToken);
                }
            }
        }

        if (files.TryGetValue(MovementsFile, out var movements))
        {
            counts = counts with
            {
                Movements = await Batched(ReadMovements(movements, known, errors), errors, MovementsFile, session.AddMovements, cancellationToken),
            };
        }

        if (files.TryGetValue(EstimatesFile, out var estimates))
        {
            var read = ReadEstimates(estimates, known, session.RoundStates, errors);
            if (!errors.Any)
            {
                await session.SaveEstimates(read, cancellationToken);
            }

            counts = counts with { Estimates = read.Count };
        }

        if (files.TryGetValue(PostingsFile, out var postings))
        {
            counts = counts with
            {
                Postings = await Batched(ReadPostings(postings, year, known, errors), errors, PostingsFile, session.AddPostings, cancellationToken),
            };
        }

        if (errors.Any)
        {
            return Failed(errors);
        }

        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor.Name, "dataset.import", $"budget-years/{year}", null,
            new { files = files.Keys.Order(StringComparer.Ordinal).ToArray(), counts });
        await session.Commit(audit, cancellationToken);
        return new ImportOutcome(counts, [], 0);
    }

    private static ImportOutcome Failed(ErrorList errors) => new(null, errors.Items, errors.Count);

    private async Task<int> Batched<T>(IEnumerable<T> rows, ErrorList errors, string file, Func<IReadOnlyList<T>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var batch = new List<T>(BatchSize);
        var count = 0;
        foreach (var row in rows)
        {
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

    /// <param name="benefits">The benefits of the rule data, which <c>refusion_benefit</c> must name; null skips the check.</param>
    private static List<Account> ReadAccounts(Func<Stream> open, Dictionary<AccountId, Account> known, HashSet<string>? benefits, ErrorList errors)
    {
        var added = new List<Account>();
        var inFile = new HashSet<AccountId>();
        using var table = CsvTable.Open(AccountsFile, open(), ["committee", "activity_area", "account", "name"], ["group", "block", "refusion_benefit"], errors);
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
                row.Reject("block", $"unknown block '{blockCode}' (expected {string.Join(", ", BlockCodes.All)})");
            }

            var benefit = row.Text("refusion_benefit", required: false, maxLength: 100);
            if (benefit is not null && benefits is not null && !benefits.Contains(benefit))
            {
                row.Reject("refusion_benefit", $"'{benefit}' is not a benefit of the refusion rule data (expected {string.Join(", ", benefits.Order(StringComparer.Ordinal))})");
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
            else
            {
                known.Add(accountId, account);
                added.Add(account);
            }
        }

        return added;
    }

    private static List<(string Key, Amount Value)> ReadSettings(Func<Stream> open, ErrorList errors)
    {
        var read = new List<(string, Amount)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var table = CsvTable.Open(SettingsFile, open(), ["key", "value"], [], errors);
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
                row.Reject("key", $"unknown setting '{key}' (expected {string.Join(", ", SettingKeys)})");
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

    private static List<(RoundNumber Round, NodaTime.LocalDate Cutoff)> ReadRounds(Func<Stream> open, int year, IReadOnlyDictionary<RoundNumber, RoundState> states, ErrorList errors)
    {
        var result = new List<(RoundNumber, NodaTime.LocalDate)>();
        var seen = new HashSet<int>();
        using var table = CsvTable.Open(RoundsFile, open(), ["round", "cutoff"], [], errors);
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

    private static IEnumerable<AppropriationMovement> ReadMovements(Func<Stream> open, Dictionary<AccountId, Account> known, ErrorList errors)
    {
        using var table = CsvTable.Open(MovementsFile, open(), ["account", "kind", "amount", "decided_on"], ["reference", "decided_by"], errors);
        if (table is null)
        {
            yield break;
        }

        foreach (var row in table.Rows())
        {
            var account = KnownAccount(row, known);
            var kindCode = row.Text("kind");
            var kind = default(MovementKind);
            if (kindCode is not null && !MovementKindCodes.TryParse(kindCode, out kind))
            {
                row.Reject("kind", $"unknown kind '{kindCode}' (expected {string.Join(", ", MovementKindCodes.All)})");
            }

            var amount = row.Amount("amount");
            var decidedOn = row.Date("decided_on");
            var reference = row.Text("reference", required: false, maxLength: 200);
            var decidedBy = row.Text("decided_by", required: false, maxLength: 200);
            if (!row.HasErrors)
            {
                yield return new AppropriationMovement(account!.Value, kind, amount!.Value, decidedOn!.Value, reference, decidedBy);
            }
        }
    }

    private static IEnumerable<Posting> ReadPostings(Func<Stream> open, int year, Dictionary<AccountId, Account> known, ErrorList errors)
    {
        using var table = CsvTable.Open(PostingsFile, open(), ["account", "posted_on", "amount"], [], errors);
        if (table is null)
        {
            yield break;
        }

        foreach (var row in table.Rows())
        {
            var account = KnownAccount(row, known);
            var postedOn = row.Date("posted_on");
            if (postedOn is { } date && date.Year != year)
            {
                row.Reject("posted_on", $"{date:yyyy-MM-dd} is not in the budget year {year}");
            }

            var amount = row.Amount("amount");
            if (!row.HasErrors)
            {
                yield return new Posting(account!.Value, postedOn!.Value, amount!.Value);
            }
        }
    }

    private static List<AccountEstimate> ReadEstimates(Func<Stream> open, Dictionary<AccountId, Account> known, IReadOnlyDictionary<RoundNumber, RoundState> states, ErrorList errors)
    {
        var result = new List<AccountEstimate>();
        var seen = new HashSet<(int, AccountId)>();
        string[] outYears = ["out_year_1", "out_year_2", "out_year_3", "out_year_4"];
        using var table = CsvTable.Open(EstimatesFile, open(), ["round", "account", "estimate"], ["explanation", .. outYears], errors);
        if (table is null)
        {
            return result;
        }

        foreach (var row in table.Rows())
        {
            var round = row.Integer("round", RoundNumber.First, RoundNumber.Last);
            var account = KnownAccount(row, known);
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

    private static AccountId? KnownAccount(CsvRow row, Dictionary<AccountId, Account> known)
    {
        var id = ParseAccountId(row);
        if (id is { } accountId && !known.ContainsKey(accountId))
        {
            row.Reject("account", $"unknown account '{accountId}' (not in accounts.csv nor in the year)");
            return null;
        }

        return id;
    }
}

using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Domain;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Application.Cases;

/// <summary>A case line as given: four yearly amounts, or an annual effect from a date (and optionally to one).</summary>
public sealed record CaseLineInput(string Account, IReadOnlyList<Amount>? Amounts, Amount? Annual, LocalDate? From, LocalDate? To, string? Classification);

/// <summary>A financing row as given: an account and its share of the lines (all shares add up to 1).</summary>
public sealed record CaseFinancingInput(string Account, decimal Share, string? Classification = null);

/// <summary>A case as given (contract §10); <see cref="PriceLevel"/> defaults to the budget year.</summary>
public sealed record CaseInput(
    string Reference,
    string Title,
    bool Permanent,
    bool CashNeutral,
    string? Catalogue,
    int? PriceLevel,
    IReadOnlyList<CaseLineInput> Lines,
    IReadOnlyList<CaseFinancingInput> Financing);

public enum CaseStatus
{
    Done,
    YearNotFound,
    NotFound,

    /// <summary>A value breaks a rule: <see cref="CaseResult.Errors"/> per field (HTTP 400).</summary>
    Invalid,

    /// <summary>An account belongs to a committee outside the actor's scope (HTTP 403); nothing stored.</summary>
    OutOfScope,

    /// <summary>The reference is taken, or the case is already approved (HTTP 409).</summary>
    Conflict,

    /// <summary>The case changed since the version the caller holds (HTTP 412).</summary>
    VersionConflict,

    /// <summary>A revision without the version it revises (HTTP 428).</summary>
    PreconditionRequired,

    /// <summary>A budget rule stops the write, e.g. approving a case at another price level than the year's (HTTP 422).</summary>
    RuleViolated,
}

public sealed record CaseResult(CaseStatus Status, StoredCase? Case = null, IReadOnlyDictionary<string, string[]>? Errors = null, string? Message = null, IReadOnlyList<AppropriationMovement>? Movements = null, IReadOnlyList<long>? Ids = null);

/// <summary>
/// Appropriation cases (bevillingssager, contract §10, domain.md §9): creating, revising (a new version) and
/// approving them, each audited. A case is built from its input by one set of rules whichever way it arrives (API or
/// CSV import): every account known in the year and inside the actor's committees; each line four amounts or an
/// annual effect phased by whole months (<see cref="Phasing"/>); the financing split exactly to the øre
/// (<see cref="CaseFinancing"/>); a cash-neutral case 0 in every year; a catalogue proposal's every row classified.
/// The council's approval turns the budget-year amounts into council-decision movements in one transaction.
/// </summary>
public sealed class CaseRecording(IYearStore years, ICaseStore store, YearEnd.IExpenditureClassifier classification, IClock clock)
{
    public const string CouncilBody = "Kommunalbestyrelsen";

    public Task<StoredCase?> Find(int year, long id, int? version, CancellationToken cancellationToken) =>
        store.FindCase(year, id, version, cancellationToken);

    /// <summary>The year's cases (of one catalogue when given); null when the year does not exist.</summary>
    public async Task<IReadOnlyList<StoredCase>?> List(int year, string? catalogue, CancellationToken cancellationToken) =>
        await years.FindYear(year, cancellationToken) is null ? null : await store.Cases(year, catalogue, cancellationToken);

    /// <summary>A row's class: its own classification, else its account's service classification; null when neither says.</summary>
    public CaseClass? ClassOf(CaseRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Classification ?? CaseCodes.Of(classification.ClassOf(row.Account));
    }

    public async Task<CaseResult> Create(int year, CaseInput input, Actor actor, CancellationToken cancellationToken)
    {
        var result = await CreateMany(year, [input], actor, cancellationToken, prefixErrors: false);
        return result.Status == CaseStatus.Done
            ? result with { Case = await store.FindCase(year, result.Ids![0], null, cancellationToken) }
            : result;
    }

    /// <summary>
    /// Creates cases all or none (the CSV import); errors are keyed <c>[k].lines[i].account</c> by the case's index
    /// (without the prefix when <paramref name="prefixErrors"/> is false: a single case).
    /// </summary>
    public async Task<CaseResult> CreateMany(int year, IReadOnlyList<CaseInput> inputs, Actor actor, CancellationToken cancellationToken, bool prefixErrors = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(actor);
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return new CaseResult(CaseStatus.YearNotFound);
        }

        var accounts = (await years.Accounts(year, cancellationToken)).ToDictionary(a => a.Id);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var outOfScope = new List<string>();
        var built = new List<(AppropriationCase Case, AuditEntry Audit)>();
        var references = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < inputs.Count; k++)
        {
            var prefix = prefixErrors ? $"[{k}]." : "";
            var (draft, caseErrors, scope) = Build(year, inputs[k], accounts, actor);
            foreach (var (field, messages) in caseErrors)
            {
                errors[prefix + field] = messages;
            }

            outOfScope.AddRange(scope);
            if (!references.Add(inputs[k].Reference))
            {
                errors[prefix + "reference"] = [$"The reference '{Echo.Cut(inputs[k].Reference)}' is given to more than one case."];
            }

            if (draft is not null)
            {
                built.Add((draft, AuditEntry.OfDeclared(year, clock.GetCurrentInstant(), actor, "case.create", $"budget-years/{year}/cases", Described(draft), CaseAuditJson.Default.CaseAudit)));
            }
        }

        if (errors.Count > 0)
        {
            return new CaseResult(CaseStatus.Invalid, Errors: errors);
        }

        if (outOfScope.Count > 0)
        {
            return new CaseResult(CaseStatus.OutOfScope, Message: OutOfScopeMessage(actor, outOfScope));
        }

        var stored = await store.CreateCases(year, built, cancellationToken);
        return stored.Status switch
        {
            CaseStoreStatus.Done => new CaseResult(CaseStatus.Done, Ids: stored.Ids),
            CaseStoreStatus.DuplicateReference => new CaseResult(CaseStatus.Conflict, Message: $"{year} already has a case with the reference '{Echo.Cut(stored.Reference)}'; nothing was stored."),
            _ => new CaseResult(CaseStatus.RuleViolated, Message: $"{year} holds {CaseLimits.MaxCasesPerYear} cases, the most a year holds; nothing was stored."),
        };
    }

    /// <summary>A new version of a case not yet approved; <paramref name="expectedVersion"/> is the version the caller revises (If-Match).</summary>
    public async Task<CaseResult> Revise(int year, long id, CaseInput input, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return new CaseResult(CaseStatus.YearNotFound);
        }

        var current = await store.FindCase(year, id, null, cancellationToken);
        if (current is null)
        {
            return new CaseResult(CaseStatus.NotFound);
        }

        if (current.Approval is not null)
        {
            return Approved(current);
        }

        if (expectedVersion is null)
        {
            return new CaseResult(CaseStatus.PreconditionRequired, current);
        }

        if (input.Reference != current.Case.Reference)
        {
            return Invalid("reference", $"A case keeps its reference: this one is '{Echo.Cut(current.Case.Reference)}'.");
        }

        var accounts = (await years.Accounts(year, cancellationToken)).ToDictionary(a => a.Id);
        var (draft, errors, outOfScope) = Build(year, input, accounts, actor);
        // The caller must also be allowed to act for the accounts the revision takes rows away from.
        outOfScope = outOfScope.Concat(current.Case.Rows
            .Select(r => accounts.GetValueOrDefault(r.Account))
            .Where(a => a is not null && !actor.MayActFor(a.Committee))
            .Select(a => $"{a!.Id} ({a.Committee})")).Distinct().ToList();
        if (errors.Count > 0)
        {
            return new CaseResult(CaseStatus.Invalid, Errors: errors);
        }

        if (outOfScope.Count > 0)
        {
            return new CaseResult(CaseStatus.OutOfScope, Message: OutOfScopeMessage(actor, outOfScope));
        }

        var audit = AuditEntry.OfDeclared(year, clock.GetCurrentInstant(), actor, "case.revise", $"budget-years/{year}/cases/{id}", Described(current.Case), CaseAuditJson.Default.CaseAudit, Described(draft!), CaseAuditJson.Default.CaseAudit);
        var stored = await store.ReviseCase(year, id, expectedVersion.Value, draft!, audit, cancellationToken);
        return stored.Status switch
        {
            CaseStoreStatus.Done => new CaseResult(CaseStatus.Done, await store.FindCase(year, id, null, cancellationToken)),
            CaseStoreStatus.NotFound => new CaseResult(CaseStatus.NotFound),
            CaseStoreStatus.AlreadyApproved => Approved(await store.FindCase(year, id, null, cancellationToken) ?? current),
            _ => new CaseResult(CaseStatus.VersionConflict, await store.FindCase(year, id, null, cancellationToken)),
        };
    }

    /// <summary>
    /// The council's approval: every row's budget-year amount becomes a council-decision movement dated
    /// <paramref name="decidedOn"/>, stored with the approval in one transaction; a second approval is a conflict.
    /// The movements are kroner of the budget year's price level, so the case must be at that level.
    /// </summary>
    public async Task<CaseResult> Approve(int year, long id, LocalDate decidedOn, string? reference, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return new CaseResult(CaseStatus.YearNotFound);
        }

        var current = await store.FindCase(year, id, null, cancellationToken);
        if (current is null)
        {
            return new CaseResult(CaseStatus.NotFound);
        }

        if (current.Approval is not null)
        {
            return Approved(current);
        }

        if (!DecisionWindow.Contains(year, decidedOn))
        {
            return Invalid("decidedOn", DecisionWindow.Problem(year, decidedOn) + ".");
        }

        if (current.Case.PriceLevel != year)
        {
            return new CaseResult(CaseStatus.RuleViolated, current, Message:
                $"Case {id} is at {current.Case.PriceLevel} P/L; the appropriations of {year} are at {year} P/L. Revise the case at {year} P/L first (GET it with priceLevel={year} for the converted amounts): amounts of different price levels are never added.");
        }

        var movements = current.Case.Movements(decidedOn, CouncilBody);
        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, "case.approve", $"budget-years/{year}/cases/{id}",
            new { version = current.Version, approved = false },
            new
            {
                version = current.Version,
                decidedOn = decidedOn.ToString("yyyy-MM-dd", null),
                reference,
                movements = movements.Select(m => new { account = m.Account.Value, kind = m.Kind.ToCode(), amount = m.Amount.Kroner }).ToArray(),
            });
        var stored = await store.ApproveCase(year, id, current.Version, decidedOn, reference, movements, audit, cancellationToken);
        var after = await store.FindCase(year, id, null, cancellationToken);
        return stored.Status switch
        {
            CaseStoreStatus.Done => new CaseResult(CaseStatus.Done, after, Movements: movements),
            CaseStoreStatus.NotFound => new CaseResult(CaseStatus.NotFound),
            CaseStoreStatus.AlreadyApproved => Approved(after ?? current),
            _ => new CaseResult(CaseStatus.Conflict, after, Message: $"Case {id} was revised while it was being approved (now version {after?.Version}); read it again and approve what you have read."),
        };
    }

    private static CaseResult Approved(StoredCase stored) =>
        new(CaseStatus.Conflict, stored, Message: $"Case {stored.Id} ({Echo.Cut(stored.Case.Reference)}) was approved on {stored.Approval!.DecidedOn:yyyy-MM-dd}: an approved case is never changed or approved again; a correction is a new case.");

    private static CaseResult Invalid(string field, string message) =>
        new(CaseStatus.Invalid, Errors: new Dictionary<string, string[]> { [field] = [message] });

    private static string OutOfScopeMessage(Actor actor, List<string> accounts) =>
        $"{actor.Name} may only record cases for the committees it is limited to; outside them: {string.Join(", ", accounts.Distinct().Take(20))}{(accounts.Count > 20 ? ", …" : "")}. Nothing was stored.";

    /// <summary>The case the input describes, or the errors that stop it (keyed by field path), and the rows outside the actor's scope.</summary>
    private (AppropriationCase? Case, Dictionary<string, string[]> Errors, List<string> OutOfScope) Build(int year, CaseInput input, Dictionary<AccountId, Account> accounts, Actor actor)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var outOfScope = new List<string>();
        void Fail(string field, string message) => errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        if (string.IsNullOrWhiteSpace(input.Reference) || input.Reference.Length > CaseLimits.MaxReference)
        {
            Fail("reference", $"A case needs a reference (case number) of 1–{CaseLimits.MaxReference} characters.");
        }

        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Length > CaseLimits.MaxTitle)
        {
            Fail("title", $"A case needs a title of 1–{CaseLimits.MaxTitle} characters.");
        }

        if (input.Catalogue is { } catalogue && (catalogue.Trim().Length == 0 || catalogue.Length > CaseLimits.MaxCatalogue))
        {
            Fail("catalogue", $"A catalogue name has 1–{CaseLimits.MaxCatalogue} characters (leave it out for a case outside a catalogue).");
        }

        var priceLevel = input.PriceLevel ?? year;
        if (priceLevel is < 2000 or > 2100)
        {
            Fail("priceLevel", $"The price level is a year from 2000 to 2100, not {priceLevel}.");
        }

        if (input.Lines.Count == 0 || input.Lines.Count > CaseLimits.MaxLines)
        {
            Fail("lines", $"A case has 1–{CaseLimits.MaxLines} lines.");
        }

        if (input.Financing.Count > CaseLimits.MaxFinancing)
        {
            Fail("financing", $"A case has at most {CaseLimits.MaxFinancing} financing rows.");
        }

        Account? Known(string field, string text)
        {
            if (!AccountId.TryParse(text, out var id, out var problem))
            {
                Fail(field, $"'{Echo.Cut(text)}' is not an account id: {problem}.");
                return null;
            }

            if (!accounts.TryGetValue(id, out var account))
            {
                Fail(field, $"Account '{id}' does not exist in {year}.");
                return null;
            }

            if (!actor.MayActFor(account.Committee))
            {
                outOfScope.Add($"{id} ({account.Committee})");
            }

            return account;
        }

        CaseClass? ClassOf(string field, string? code, Account? account)
        {
            if (code is null)
            {
                var byAccount = account is null ? null : CaseCodes.Of(classification.ClassOf(account.Id));
                if (byAccount is null && account is not null && input.Catalogue is not null)
                {
                    Fail(field, $"The case is a proposal of the catalogue '{Echo.Cut(input.Catalogue)}', whose totals are per class: give a classification ({string.Join(", ", CaseCodes.ClassCodes)}); account {account.Id} has none in the service classification.");
                }

                return null;
            }

            if (!CaseCodes.TryParseClass(code, out var parsed))
            {
                Fail(field, $"'{Echo.Cut(code)}' is not a classification; classifications are {string.Join(", ", CaseCodes.ClassCodes)}.");
                return null;
            }

            return parsed;
        }

        var rows = new List<CaseRow>();
        for (var i = 0; i < input.Lines.Count; i++)
        {
            var line = input.Lines[i];
            var path = $"lines[{i}]";
            var account = Known($"{path}.account", line.Account);
            var cls = ClassOf($"{path}.classification", line.Classification, account);
            CaseAmounts? amounts = null;
            if (line.Amounts is not null && (line.Annual is not null || line.From is not null || line.To is not null))
            {
                Fail(path, "Give the four yearly 'amounts', or 'annual' with 'from' (and optionally 'to'), not both.");
            }
            else if (line.Amounts is not null)
            {
                if (line.Amounts.Count != CaseAmounts.Count)
                {
                    Fail($"{path}.amounts", $"'amounts' holds exactly {CaseAmounts.Count} amounts: {year}, {year + 1}, {year + 2} and {year + 3}.");
                }
                else if (line.Amounts.Any(a => !AmountCeilings.IsWithinInput(a)))
                {
                    Fail($"{path}.amounts", $"An amount is larger than {AmountCeilings.MaxInputText} (the largest amount accepted).");
                }
                else
                {
                    amounts = CaseAmounts.From(line.Amounts);
                }
            }
            else if (line.Annual is { } annual)
            {
                if (line.From is not { } from)
                {
                    Fail($"{path}.from", "A line given as 'annual' needs 'from': the date the measure starts.");
                }
                else if (!AmountCeilings.IsWithinInput(annual))
                {
                    Fail($"{path}.annual", $"'annual' is larger than {AmountCeilings.MaxInputText} (the largest amount accepted).");
                }
                else if (from.Year < year - 10 || from > new LocalDate(year + 3, 12, 31))
                {
                    Fail($"{path}.from", $"'from' lies from {year - 10}-01-01 to {year + 3}-12-31 (the case covers {year}–{year + 3}), not {from:yyyy-MM-dd}.");
                }
                else if (line.To is { } to && to < from)
                {
                    Fail($"{path}.to", $"'to' ({to:yyyy-MM-dd}) is before 'from' ({from:yyyy-MM-dd}).");
                }
                else
                {
                    amounts = Phasing.Amounts(annual, from, line.To, year);
                }
            }
            else
            {
                Fail(path, "A line needs its four yearly 'amounts', or 'annual' with 'from' (and optionally 'to').");
            }

            if (account is not null && amounts is { } decided)
            {
                rows.Add(new CaseRow(CaseRowKind.Line, account.Id, decided, cls) { Annual = line.Annual, From = line.From, To = line.To });
            }
        }

        var lines = rows.Select(r => r.Amounts).Sum();
        for (var y = 0; y < CaseAmounts.Count; y++)
        {
            if (!AmountCeilings.IsWithinInput(lines[y]))
            {
                Fail("lines", $"The lines of {year + y} add up to more than {AmountCeilings.MaxInputText}, the largest amount one financing row or movement may carry.");
            }
        }

        var shares = input.Financing.Select(f => f.Share).ToArray();
        for (var i = 0; i < input.Financing.Count; i++)
        {
            var share = shares[i];
            if (share <= 0m || share > 1m || decimal.Round(share, CaseLimits.MaxShareDecimals) != share)
            {
                Fail($"financing[{i}].share", $"A share lies above 0 and at most 1, with at most {CaseLimits.MaxShareDecimals} decimals; not {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }
        }

        if (input.Financing.Count > 0 && shares.Sum() != 1m)
        {
            Fail("financing", $"The shares add up to {shares.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture)}; they must add up to exactly 1, so the financing is exactly minus the lines.");
        }

        var financingAccounts = input.Financing.Select((f, i) => (Account: Known($"financing[{i}].account", f.Account), Class: (CaseClass?)null, Index: i)).ToArray();
        for (var i = 0; i < financingAccounts.Length; i++)
        {
            financingAccounts[i].Class = ClassOf($"financing[{i}].classification", input.Financing[i].Classification, financingAccounts[i].Account);
        }

        if (errors.Count > 0)
        {
            return (null, errors, outOfScope);
        }

        if (input.Financing.Count > 0)
        {
            var split = CaseFinancing.Split(lines, shares);
            rows.AddRange(financingAccounts.Select(f => new CaseRow(CaseRowKind.Financing, f.Account!.Id, split[f.Index], f.Class) { Share = shares[f.Index] }));
        }

        var draft = new AppropriationCase(year, input.Reference, input.Title.Trim(), input.Permanent, input.CashNeutral, input.Catalogue?.Trim(), priceLevel, rows);
        if (input.CashNeutral)
        {
            var total = draft.Total;
            var off = Enumerable.Range(0, CaseAmounts.Count).Where(y => !total[y].IsZero).ToArray();
            if (off.Length > 0)
            {
                Fail("cashNeutral", $"The case is marked cash-neutral, but lines and financing add up to {string.Join(", ", off.Select(y => $"{DanishNumbers.Format(total[y].Kroner, 2)} kr. in {year + y}"))}: add financing (shares of other accounts) or lines that offset it, or mark it not cash-neutral.");
            }
        }

        var magnitude = rows.Aggregate(0L, (sum, r) => r.Amounts.ToList().Aggregate(sum, (s, a) => AmountCeilings.AddMagnitude(s, a.Ore)));
        if (magnitude > CaseLimits.MaxCaseMagnitudeOre)
        {
            Fail("lines", $"The case's amounts add up to more than {DanishNumbers.Format(CaseLimits.MaxCaseMagnitudeOre / 100)} kr. in absolute value, the most one case carries.");
        }

        return errors.Count > 0 ? (null, errors, outOfScope) : (draft, errors, outOfScope);
    }

    /// <summary>The case as the audit trail keeps it: every row with its amounts in kroner.</summary>
    public static CaseAudit Described(AppropriationCase value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new CaseAudit(
            value.Reference,
            value.Title,
            value.Permanent,
            value.CashNeutral,
            value.Catalogue,
            value.PriceLevel,
            value.Years,
            [.. value.Rows.Select(r => new CaseRowAudit(
                r.Kind.ToCode(),
                r.Account.Value,
                r.Amounts.ToList().Select(a => a.Kroner).ToArray(),
                r.Classification?.ToCode(),
                r.Annual?.Kroner,
                r.From?.ToString("yyyy-MM-dd", null),
                r.To?.ToString("yyyy-MM-dd", null),
                r.Share))]);
    }
}

/// <summary>A case as the audit trail keeps it (<see cref="CaseRecording.Described"/>).</summary>
public sealed record CaseAudit(string Reference, string Title, bool Permanent, bool CashNeutral, string? Catalogue, int PriceLevel, IReadOnlyList<int> Years, CaseRowAudit[] Rows);

/// <summary>A case's row as the audit trail keeps it: amounts in kroner, dates as yyyy-MM-dd.</summary>
public sealed record CaseRowAudit(string Kind, string Account, decimal[] Amounts, string? Classification, decimal? Annual, string? From, string? To, decimal? Share);

/// <summary>The case's audit JSON, source-generated (the CLI is compiled ahead of time, decision 0034; web defaults: camelCase).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CaseAudit))]
internal sealed partial class CaseAuditJson : System.Text.Json.Serialization.JsonSerializerContext;

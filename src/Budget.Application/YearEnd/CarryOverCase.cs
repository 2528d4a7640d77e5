using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using Budget.Domain.YearEnd;
using NodaTime;

namespace Budget.Application.YearEnd;

/// <summary>An amount the council decides for one account instead of the policy's proposal (also for by-decision accounts).</summary>
public sealed record CarryOverOverride(AccountId Account, Amount Amount);

/// <summary>The carry-over case as computed now, with the year's state (a preview while the year is open).</summary>
public sealed record CarryOverPreview(CarryOverReport Report, YearEndState State);

/// <summary>
/// The carry-over case (overførselssag, domain.md §8): per account of a year, the result of its accounts and what the
/// local policies (<see cref="CarryOverPolicies"/>) propose to carry into the next year; and the council's approval,
/// which turns the proposals — or the amounts it decides instead — into <see cref="MovementKind.CarryOver"/>
/// movements of the next year, once. The accounts are the year's postings through the closing date (for an open
/// year, through today: a preview); the corrected budget holds the movements decided by the same date; the policies
/// are those in force on the year's last day (docs/year-end.md, decision 0013).
/// </summary>
public sealed class CarryOverCase(
    IYearStore years,
    IYearEndStore store,
    IFollowUpReader reader,
    IRoundStore rounds,
    CarryOverPolicies policies,
    IExpenditureClassifier classifier,
    IClock clock)
{
    /// <summary>How often an approval is computed again when a movement of the year came in between.</summary>
    private const int Attempts = 5;

    /// <summary>Null when the year does not exist.</summary>
    public async Task<CarryOverPreview?> Preview(int year, FollowUpGrouping by, CancellationToken cancellationToken)
    {
        var state = await store.FindYearEnd(year, cancellationToken);
        if (state is null)
        {
            return null;
        }

        var asOf = AsOf(state);
        return new CarryOverPreview(await Compute(year, asOf, by, cancellationToken), state);
    }

    public async Task<YearEndResult> Approve(int year, LocalDate decidedOn, string? reference, IReadOnlyList<CarryOverOverride> overrides, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Committees is not null)
        {
            return new YearEndResult(YearEndStatus.Forbidden, Message: $"{actor.Name} is limited to some committees; the carry-over case decides every committee's carry-overs.");
        }

        var state = await store.FindYearEnd(year, cancellationToken);
        if (state is null)
        {
            return new YearEndResult(YearEndStatus.YearNotFound);
        }

        var next = year + 1;
        if (await years.FindYear(next, cancellationToken) is null)
        {
            return new YearEndResult(YearEndStatus.NextYearNotFound, state, $"Budget year {next}, which the carry-overs of {year} go into, does not exist: import it first.");
        }

        if (Conflict(state) is { } conflict)
        {
            return conflict;
        }

        if (decidedOn < state.ClosedOn!.Value || !DecisionWindow.Contains(next, decidedOn))
        {
            return YearEndResult.Invalid("decidedOn", $"The carry-over case of {year} is decided from its closing {state.ClosedOn:yyyy-MM-dd} to {DecisionWindow.Last(next):yyyy-MM-dd}, not on {decidedOn:yyyy-MM-dd}.");
        }

        var accounts = (await years.Accounts(year, cancellationToken)).Select(a => a.Id).ToHashSet();
        var decided = new Dictionary<AccountId, Amount>();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < overrides.Count; i++)
        {
            var account = overrides[i].Account;
            if (!accounts.Contains(account))
            {
                errors[$"overrides[{i}].account"] = [$"'{Domain.Echo.Cut(account.Value)}' is not an account of {year}."];
            }
            else if (!decided.TryAdd(account, overrides[i].Amount))
            {
                errors[$"overrides[{i}].account"] = [$"Account '{account}' is overridden twice."];
            }
        }

        if (errors.Count > 0)
        {
            return new YearEndResult(YearEndStatus.Invalid, state, Errors: errors);
        }

        var nextAccounts = (await years.Accounts(next, cancellationToken)).Select(a => a.Id).ToHashSet();
        for (var attempt = 0; ; attempt++)
        {
            // The watermark is read before the facts: a movement recorded in between makes the store refuse, and the
            // amounts are computed again from facts that hold it.
            var watermark = await rounds.LastMovement(year, cancellationToken);
            var report = await Compute(year, AsOf(state), FollowUpGrouping.Account, cancellationToken);
            var carried = report.Lines
                .Select(l => (Line: l, Amount: decided.TryGetValue(l.Account.Id, out var amount) ? amount : l.Proposed, Overridden: decided.ContainsKey(l.Account.Id)))
                .Where(c => !c.Amount.IsZero)
                .OrderBy(c => c.Line.Account.Id.Value, StringComparer.Ordinal)
                .ToArray();
            var missing = carried.Where(c => !nextAccounts.Contains(c.Line.Account.Id)).Select(c => $"{c.Line.Account.Id} ({c.Amount} kr.)").ToArray();
            if (missing.Length > 0)
            {
                return YearEndResult.Invalid("overrides", $"These accounts would carry an amount into {next} but are not accounts of {next}: {string.Join(", ", missing.Take(20))}{(missing.Length > 20 ? ", …" : "")}. Add them to {next}, or override their carry-over with 0.");
            }

            var movements = carried.Select(c => new AppropriationMovement(c.Line.Account.Id, MovementKind.CarryOver, c.Amount, decidedOn, reference, RoundWorkflow.CouncilBody)).ToArray();
            var total = movements.Sum(m => m.Amount);
            var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, "carry-overs.approve", $"budget-years/{year}/carry-overs", null, new
            {
                decidedOn = decidedOn.ToString("yyyy-MM-dd", null),
                reference,
                into = next,
                movements = carried.Select(c => new { account = c.Line.Account.Id.Value, amount = c.Amount.Kroner, proposed = c.Line.Proposed.Kroner, overridden = c.Overridden }).ToArray(),
                total = total.Kroner,
            });
            var stored = await store.ApproveCarryOvers(year, decidedOn, movements, watermark, audit, cancellationToken);
            switch (stored)
            {
                case CarryOverStoreStatus.Approved:
                    return new YearEndResult(YearEndStatus.Done, await store.FindYearEnd(year, cancellationToken)) { Movements = movements };
                case CarryOverStoreStatus.YearNotFound:
                    return new YearEndResult(YearEndStatus.YearNotFound);
                case CarryOverStoreStatus.NextYearNotFound:
                    return new YearEndResult(YearEndStatus.NextYearNotFound, state, $"Budget year {next} does not exist.");
                case CarryOverStoreStatus.Stale when attempt + 1 < Attempts:
                    continue;
                default:
                    var now = (await store.FindYearEnd(year, cancellationToken))!;
                    return Conflict(now) ?? new YearEndResult(YearEndStatus.Conflict, now, $"The movements of {year} kept changing while the carry-overs were computed; try again.");
            }
        }
    }

    private LocalDate AsOf(YearEndState state) => state.ClosedOn ?? clock.GetCurrentInstant().InUtc().Date;

    private async Task<CarryOverReport> Compute(int year, LocalDate asOf, FollowUpGrouping by, CancellationToken cancellationToken)
    {
        // Any round serves: the carry-over reads appropriations and consumption, never the round's estimates.
        var facts = await reader.AccountFacts(year, TimeShifts.Round, asOf, cancellationToken);
        return CarryOverCalculator.Build(year, asOf, by, facts, policies, a => classifier.ClassOf(a.Id));
    }

    private static YearEndResult? Conflict(YearEndState state) => state switch
    {
        { IsClosed: false } => new YearEndResult(YearEndStatus.Conflict, state, $"Budget year {state.Year} is open: close its accounts (POST …/close) before the carry-over case is approved, so that the amounts are final."),
        { CarryOversApprovedOn: { } approved } => new YearEndResult(YearEndStatus.Conflict, state, $"The carry-overs of {state.Year} were approved on {approved:yyyy-MM-dd}; a correction is a new movement in {state.Year + 1}."),
        _ => null,
    };
}

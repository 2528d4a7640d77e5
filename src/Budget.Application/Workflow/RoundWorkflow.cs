using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.YearEnd;
using NodaTime;

namespace Budget.Application.Workflow;

public enum WorkflowStatus
{
    Done,
    YearNotFound,

    /// <summary>The round is in another state than the transition needs (HTTP 409 naming it).</summary>
    WrongState,

    /// <summary>The actor may not act for this committee (HTTP 403).</summary>
    Forbidden,

    /// <summary>A request value breaks a rule (HTTP 400 naming the field).</summary>
    Invalid,
}

public sealed record WorkflowResult(WorkflowStatus Status, Round? Round = null, string? Field = null, string? Message = null, IReadOnlyList<AppropriationMovement>? Granted = null)
{
    /// <summary>The next year's time-shift movements an approval of round 3 stored (overf. 3. AR); null for other transitions.</summary>
    public IReadOnlyList<AppropriationMovement>? Shifted { get; init; }
}

/// <summary>
/// The estimate round workflow: consultants submit (estimates lock), each committee with accounts recommends its
/// part, the council approves and every requested appropriation becomes an estimate-appropriation movement, so the
/// next round's corrected budget holds it. Finance can reopen a submitted round. Every transition is audited.
/// The rules of each transition are the domain's <see cref="Round"/>; this service reads what they need, and the
/// store keeps the result only if the round is still as read (compare-and-set), else the transition is decided
/// again on what is there now.
/// </summary>
public sealed class RoundWorkflow(IRoundStore rounds, IYearStore years, IFollowUpReader facts, IClock clock)
{
    public const string CouncilBody = "Kommunalbestyrelsen";

    /// <summary>How often a transition is decided again when another write came first.</summary>
    private const int Attempts = 5;

    public Task<Round?> Status(int year, RoundNumber round, CancellationToken cancellationToken) =>
        rounds.FindRound(year, round, cancellationToken);

    /// <summary>
    /// Locks the round's estimates. Submission locks every committee's estimates at once, so a user limited to some
    /// committees cannot submit.
    /// </summary>
    public Task<WorkflowResult> Submit(int year, RoundNumber round, Actor actor, CancellationToken cancellationToken) =>
        OutOfScope(actor, "submitting locks every committee's estimates")
        ?? Transition(year, round, "round.submit", actor, (current, _) => Task.FromResult(current.Submit()), cancellationToken);

    /// <summary>Back to open so estimates can be corrected; committee recommendations already given are dropped.</summary>
    public Task<WorkflowResult> Reopen(int year, RoundNumber round, Actor actor, CancellationToken cancellationToken) =>
        OutOfScope(actor, "reopening opens every committee's estimates")
        ?? Transition(year, round, "round.reopen", actor, (current, _) => Task.FromResult(current.Reopen()), cancellationToken);

    /// <summary>Submit, approve and reopen concern the whole municipality: a user limited to some committees may not (contract §7).</summary>
    private static Task<WorkflowResult>? OutOfScope(Actor actor, string because)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Committees is null
            ? null
            : Task.FromResult(new WorkflowResult(WorkflowStatus.Forbidden, Message: $"{actor.Name} is limited to some committees; {because}."));
    }

    public async Task<WorkflowResult> Recommend(int year, RoundNumber round, string committee, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var status = await rounds.FindRound(year, round, cancellationToken);
        if (status is null)
        {
            return new WorkflowResult(WorkflowStatus.YearNotFound);
        }

        var committees = (await years.Accounts(year, cancellationToken)).Select(a => a.Committee).ToHashSet(StringComparer.Ordinal);
        if (!committees.Contains(committee))
        {
            return new WorkflowResult(WorkflowStatus.Invalid, status, "committee", $"'{Domain.Echo.Cut(committee)}' is not a committee with accounts in {year}.");
        }

        if (!actor.MayActFor(committee))
        {
            return new WorkflowResult(WorkflowStatus.Forbidden, status, Message: $"{actor.Name} may not recommend for {committee}.");
        }

        return await Transition(year, round, "round.recommend", actor, (current, _) => Task.FromResult(current.Recommend(committee, committees)), cancellationToken);
    }

    public async Task<WorkflowResult> Approve(int year, RoundNumber round, LocalDate decidedOn, string? reference, Actor actor, CancellationToken cancellationToken)
    {
        if (OutOfScope(actor, "approving grants every committee's appropriations") is { } refused)
        {
            return await refused;
        }

        var status = await rounds.FindRound(year, round, cancellationToken);
        if (status is null)
        {
            return new WorkflowResult(WorkflowStatus.YearNotFound);
        }

        // Decided on or before the cut-off, the grants would count in the round's own corrected budget and erase
        // the variance they grant.
        if (decidedOn <= status.Cutoff || decidedOn.Year != year)
        {
            return new WorkflowResult(WorkflowStatus.Invalid, status, "decidedOn", $"The decision must fall after the round's cut-off {status.Cutoff:yyyy-MM-dd} and within {year}.");
        }

        // Round 3's time shifts go into next year on the same accounts: an account missing there would lose its shift,
        // so the approval waits until next year has it. (Estimates are locked from submission, so this is what the
        // approval below computes again.)
        if (round == TimeShifts.Round && status.State == RoundState.Recommended && await years.FindYear(year + 1, cancellationToken) is not null)
        {
            var shifts = TimeShifts.NextYear(await facts.AccountFacts(year, round, status.Cutoff, cancellationToken), decidedOn, reference, CouncilBody);
            var nextAccounts = (await years.Accounts(year + 1, cancellationToken)).Select(a => a.Id).ToHashSet();
            var missing = shifts.Where(s => !nextAccounts.Contains(s.Account)).Select(s => $"{s.Account} ({-s.Amount} kr.)").ToArray();
            if (missing.Length > 0)
            {
                return new WorkflowResult(WorkflowStatus.Invalid, status, "timeShift", $"These accounts have a time shift into {year + 1} but are not accounts of {year + 1}: {string.Join(", ", missing.Take(20))}{(missing.Length > 20 ? ", …" : "")}. Add them to {year + 1} before approving.");
            }
        }

        return await Transition(year, round, "round.approve", actor, async (current, token) =>
        {
            if (current.State != RoundState.Recommended)
            {
                return null;
            }

            // The watermark is read before the facts: a movement recorded in between makes the store refuse, and
            // the grants are computed again from facts that hold it.
            var watermark = await rounds.LastMovement(year, token);
            var roundFacts = await facts.AccountFacts(year, round, current.Cutoff, token);
            var grants = RoundApproval.Appropriations(roundFacts, decidedOn, reference, CouncilBody);
            var transition = current.Approve(grants)! with { MovementWatermark = watermark };
            if (round != TimeShifts.Round)
            {
                return transition;
            }

            // Next year receives the time shifts when it exists; the store checks that it still does (or still does not).
            var nextYear = await years.FindYear(year + 1, token) is not null;
            return transition with { NextYearExists = nextYear, NextYearShifts = nextYear ? TimeShifts.NextYear(roundFacts, decidedOn, reference, CouncilBody) : [] };
        }, cancellationToken, decidedOn, reference);
    }

    /// <summary>Decides a transition on the round as stored and stores it, again on a fresh read while another write comes first.</summary>
    private async Task<WorkflowResult> Transition(
        int year,
        RoundNumber round,
        string action,
        Actor actor,
        Func<Round, CancellationToken, Task<RoundTransition?>> decide,
        CancellationToken cancellationToken,
        LocalDate? decidedOn = null,
        string? reference = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        for (var attempt = 0; ; attempt++)
        {
            var current = await rounds.FindRound(year, round, cancellationToken);
            if (current is null)
            {
                return new WorkflowResult(WorkflowStatus.YearNotFound);
            }

            var transition = await decide(current, cancellationToken);
            if (transition is null)
            {
                return new WorkflowResult(WorkflowStatus.WrongState, current);
            }

            var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, action, Target(year, round), new { state = current.State.ToCode() }, After(transition, decidedOn, reference));
            if (await rounds.Apply(year, transition, audit, cancellationToken))
            {
                var after = await rounds.FindRound(year, round, cancellationToken);
                return new WorkflowResult(WorkflowStatus.Done, after, Granted: transition.To == RoundState.Approved ? transition.Grants : null)
                {
                    Shifted = transition.NextYearExists is null ? null : transition.NextYearShifts,
                };
            }

            if (attempt + 1 == Attempts)
            {
                return new WorkflowResult(WorkflowStatus.WrongState, await rounds.FindRound(year, round, cancellationToken));
            }
        }
    }

    private static object After(RoundTransition transition, LocalDate? decidedOn, string? reference) => transition switch
    {
        { Recommendation: { } committee } => new { state = transition.To.ToCode(), committee },
        { To: RoundState.Approved, NextYearShifts.Count: > 0 } => new
        {
            state = transition.To.ToCode(),
            decidedOn = decidedOn?.ToString("yyyy-MM-dd", null),
            reference,
            movements = transition.Grants.Select(m => new { account = m.Account.Value, amount = m.Amount.Kroner }).ToArray(),
            nextYearShifts = transition.NextYearShifts.Select(m => new { account = m.Account.Value, amount = m.Amount.Kroner }).ToArray(),
        },
        { To: RoundState.Approved } => new
        {
            state = transition.To.ToCode(),
            decidedOn = decidedOn?.ToString("yyyy-MM-dd", null),
            reference,
            movements = transition.Grants.Select(m => new { account = m.Account.Value, amount = m.Amount.Kroner }).ToArray(),
        },
        _ => new { state = transition.To.ToCode() },
    };

    private static string Target(int year, RoundNumber round) => $"budget-years/{year}/rounds/{round}";
}

using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
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

public sealed record WorkflowResult(WorkflowStatus Status, RoundStatus? Round = null, string? Field = null, string? Message = null, IReadOnlyList<AppropriationMovement>? Granted = null);

/// <summary>
/// The estimate round workflow: consultants submit (estimates lock), each committee with accounts recommends its
/// part, the council approves and every requested appropriation becomes an estimate-appropriation movement, so the
/// next round's corrected budget holds it. Finance can reopen a submitted round. Every transition is audited.
/// </summary>
public sealed class RoundWorkflow(IBudgetStore store, IClock clock)
{
    public const string CouncilBody = "Kommunalbestyrelsen";

    public Task<RoundStatus?> Status(int year, RoundNumber round, CancellationToken cancellationToken) =>
        store.RoundStatus(year, round, cancellationToken);

    /// <summary>
    /// Locks the round's estimates. Submission locks every committee's estimates at once, so a user limited to some
    /// committees cannot submit.
    /// </summary>
    public Task<WorkflowResult> Submit(int year, RoundNumber round, Actor actor, CancellationToken cancellationToken) =>
        OutOfScope(actor, "submitting locks every committee's estimates")
        ?? Transition(year, round, [RoundState.Open], RoundState.Submitted, "round.submit", actor, cancellationToken);

    /// <summary>Back to open so estimates can be corrected; committee recommendations already given are dropped.</summary>
    public Task<WorkflowResult> Reopen(int year, RoundNumber round, Actor actor, CancellationToken cancellationToken) =>
        OutOfScope(actor, "reopening opens every committee's estimates")
        ?? Transition(year, round, [RoundState.Submitted, RoundState.Recommended], RoundState.Open, "round.reopen", actor, cancellationToken);

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
        var status = await store.RoundStatus(year, round, cancellationToken);
        if (status is null)
        {
            return new WorkflowResult(WorkflowStatus.YearNotFound);
        }

        var committees = (await store.Accounts(year, cancellationToken)).Select(a => a.Committee).ToHashSet(StringComparer.Ordinal);
        if (!committees.Contains(committee))
        {
            return new WorkflowResult(WorkflowStatus.Invalid, status, "committee", $"'{committee}' is not a committee with accounts in {year}.");
        }

        if (!actor.MayActFor(committee))
        {
            return new WorkflowResult(WorkflowStatus.Forbidden, status, Message: $"{actor.Name} may not recommend for {committee}.");
        }

        var at = clock.GetCurrentInstant();
        var done = await store.Recommend(
            year,
            round,
            committee,
            committees,
            state => AuditEntry.Of(year, at, actor, "round.recommend", Target(year, round), new { state = RoundState.Submitted.ToCode() }, new { state = state.ToCode(), committee }),
            cancellationToken);
        var after = await store.RoundStatus(year, round, cancellationToken);
        return new WorkflowResult(done ? WorkflowStatus.Done : WorkflowStatus.WrongState, after);
    }

    public async Task<WorkflowResult> Approve(int year, RoundNumber round, LocalDate decidedOn, string? reference, Actor actor, CancellationToken cancellationToken)
    {
        if (OutOfScope(actor, "approving grants every committee's appropriations") is { } refused)
        {
            return await refused;
        }

        var status = await store.RoundStatus(year, round, cancellationToken);
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

        var at = clock.GetCurrentInstant();
        var granted = await store.Approve(
            year,
            round,
            facts => RoundApproval.Appropriations(facts, decidedOn, reference, CouncilBody),
            movements => AuditEntry.Of(year, at, actor, "round.approve", Target(year, round), new { state = RoundState.Recommended.ToCode() }, new
            {
                state = RoundState.Approved.ToCode(),
                decidedOn = decidedOn.ToString("yyyy-MM-dd", null),
                reference,
                movements = movements.Select(m => new { account = m.Account.Value, amount = m.Amount.Kroner }).ToArray(),
            }),
            cancellationToken);
        var after = await store.RoundStatus(year, round, cancellationToken);
        return granted is null
            ? new WorkflowResult(WorkflowStatus.WrongState, after)
            : new WorkflowResult(WorkflowStatus.Done, after, Granted: granted);
    }

    private async Task<WorkflowResult> Transition(int year, RoundNumber round, RoundState[] from, RoundState to, string action, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var status = await store.RoundStatus(year, round, cancellationToken);
        if (status is null)
        {
            return new WorkflowResult(WorkflowStatus.YearNotFound);
        }

        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, action, Target(year, round), new { state = status.State.ToCode() }, new { state = to.ToCode() });
        var done = await store.ChangeRoundState(year, round, from.ToHashSet(), to, audit, cancellationToken);
        var after = await store.RoundStatus(year, round, cancellationToken);
        return new WorkflowResult(done ? WorkflowStatus.Done : WorkflowStatus.WrongState, after);
    }

    private static string Target(int year, RoundNumber round) => $"budget-years/{year}/rounds/{round}";
}

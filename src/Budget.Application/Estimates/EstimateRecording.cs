using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Application.Estimates;

/// <summary>What the writer says it last saw of an estimate (HTTP If-Match).</summary>
public abstract record ExpectedVersion
{
    private ExpectedVersion()
    {
    }

    /// <summary>No precondition sent.</summary>
    public sealed record None : ExpectedVersion;

    /// <summary>"*": any current version.</summary>
    public sealed record Any : ExpectedVersion;

    public sealed record Exactly(long Version) : ExpectedVersion;

    /// <summary>A precondition that names no version of ours: it can never match.</summary>
    public sealed record Unrecognised : ExpectedVersion;
}

public enum EstimateWriteStatus
{
    Saved,
    YearNotFound,
    AccountNotFound,

    /// <summary>An estimate exists and the writer sent no precondition (HTTP 428).</summary>
    PreconditionRequired,

    /// <summary>The writer's version is not the current one (HTTP 412): someone else wrote in between.</summary>
    PreconditionFailed,

    /// <summary>The round is submitted or later: estimates are locked (HTTP 409).</summary>
    RoundLocked,

    /// <summary>The writer is limited to other committees (HTTP 403).</summary>
    Forbidden,
}

public sealed record EstimateWriteResult(EstimateWriteStatus Status, StoredEstimate? Saved = null, RoundState? State = null);

/// <summary>
/// Records a consultant's estimate for a round and account with optimistic concurrency: the first estimate needs
/// no precondition, every change of an existing one must name the version it changes.
/// </summary>
public sealed class EstimateRecording(IBudgetStore store, IClock clock)
{
    public async Task<EstimateWriteResult> Record(int year, AccountEstimate estimate, ExpectedVersion expected, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(actor);
        if (await store.FindYear(year, cancellationToken) is null)
        {
            return new EstimateWriteResult(EstimateWriteStatus.YearNotFound);
        }

        var account = (await store.Accounts(year, cancellationToken)).FirstOrDefault(a => a.Id == estimate.Account);
        if (account is null)
        {
            return new EstimateWriteResult(EstimateWriteStatus.AccountNotFound);
        }

        if (!actor.MayActFor(account.Committee))
        {
            return new EstimateWriteResult(EstimateWriteStatus.Forbidden);
        }

        var current = await store.FindEstimate(year, estimate.Round, estimate.Account, cancellationToken);
        long? version;
        switch (expected)
        {
            case ExpectedVersion.None when current is not null:
                return new EstimateWriteResult(EstimateWriteStatus.PreconditionRequired);
            case ExpectedVersion.None:
                version = null;
                break;
            case ExpectedVersion.Any when current is null:
            case ExpectedVersion.Unrecognised:
                return new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed);
            case ExpectedVersion.Any:
                version = current!.Version;
                break;
            case ExpectedVersion.Exactly exactly when current is null || current.Version != exactly.Version:
                return new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed);
            case ExpectedVersion.Exactly exactly:
                version = exactly.Version;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expected));
        }

        var at = clock.GetCurrentInstant();
        var result = await store.SaveEstimate(year, estimate, version, (before, after) => AuditEntry.Of(
            year, at, actor.Name, "estimate.record", $"budget-years/{year}/rounds/{estimate.Round}/estimates/{estimate.Account}",
            before is null ? null : Describe(before), Describe(after)), cancellationToken);
        return result.Status switch
        {
            EstimateSaveStatus.Saved => new EstimateWriteResult(EstimateWriteStatus.Saved, result.Saved),
            EstimateSaveStatus.RoundLocked => new EstimateWriteResult(EstimateWriteStatus.RoundLocked, State: result.State),
            _ => new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed),
        };
    }

    /// <summary>An estimate as the audit trail shows it: amounts in kroner.</summary>
    public static object Describe(StoredEstimate stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var e = stored.Estimate;
        return new
        {
            version = stored.Version,
            estimate = e.Estimate.Kroner,
            explanation = e.Explanation,
            outYears = e.OutYears.ToList().Select(a => a.Kroner).ToArray(),
            requestedAppropriation = e.RequestedAppropriation?.Kroner,
        };
    }
}

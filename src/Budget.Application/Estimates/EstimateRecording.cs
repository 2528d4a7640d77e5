using Budget.Domain.Appropriations;

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
}

public sealed record EstimateWriteResult(EstimateWriteStatus Status, StoredEstimate? Saved = null);

/// <summary>
/// Records a consultant's estimate for a round and account with optimistic concurrency: the first estimate needs
/// no precondition, every change of an existing one must name the version it changes.
/// </summary>
public sealed class EstimateRecording(IBudgetStore store)
{
    public async Task<EstimateWriteResult> Record(int year, AccountEstimate estimate, ExpectedVersion expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        if (await store.FindYear(year, cancellationToken) is null)
        {
            return new EstimateWriteResult(EstimateWriteStatus.YearNotFound);
        }

        if ((await store.Accounts(year, cancellationToken)).All(a => a.Id != estimate.Account))
        {
            return new EstimateWriteResult(EstimateWriteStatus.AccountNotFound);
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

        var saved = await store.SaveEstimate(year, estimate, version, cancellationToken);
        return saved is null
            ? new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed)
            : new EstimateWriteResult(EstimateWriteStatus.Saved, saved);
    }
}

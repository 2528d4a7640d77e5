using NodaTime;

namespace Budget.Domain.Appropriations;

/// <summary>Where an estimate round is in its workflow: open → submitted → recommended → approved.</summary>
public enum RoundState
{
    /// <summary>Consultants enter estimates (åben).</summary>
    Open,

    /// <summary>Estimates are locked; committees recommend (indsendt).</summary>
    Submitted,

    /// <summary>Every committee with accounts has recommended; the council can approve (anbefalet).</summary>
    Recommended,

    /// <summary>The council approved: requested appropriations became movements (godkendt).</summary>
    Approved,
}

public static class RoundStateCodes
{
    public static string ToCode(this RoundState state) => state.ToString().ToLowerInvariant();

    public static RoundState Parse(string code) => Enum.Parse<RoundState>(code, ignoreCase: true);
}

/// <summary>
/// An estimate round (budgetopfølgning) of a year: its cut-off, its state and the committees that have recommended
/// it. Each transition returns what it changes — the next state and its effects — or null when the round is in a
/// state the transition does not start from; a store persists it with compare-and-set against this round as read.
/// </summary>
public sealed record Round(RoundNumber Number, LocalDate Cutoff, RoundState State, IReadOnlyList<string> RecommendedBy)
{
    /// <summary>Consultants or finance hand in the round: its estimates lock.</summary>
    public RoundTransition? Submit() => State == RoundState.Open ? new RoundTransition(this, RoundState.Submitted) : null;

    /// <summary>Back to open so estimates can be corrected; recommendations given on the old estimates lapse.</summary>
    public RoundTransition? Reopen() =>
        State is RoundState.Submitted or RoundState.Recommended ? new RoundTransition(this, RoundState.Open) { DropsRecommendations = true } : null;

    /// <summary>One committee recommends its part; when every committee with accounts has, the round is recommended.</summary>
    public RoundTransition? Recommend(string committee, IReadOnlySet<string> committeesWithAccounts)
    {
        ArgumentNullException.ThrowIfNull(committeesWithAccounts);
        if (State != RoundState.Submitted)
        {
            return null;
        }

        var recommended = RecommendedBy.Append(committee).ToHashSet(StringComparer.Ordinal);
        var next = committeesWithAccounts.IsSubsetOf(recommended) ? RoundState.Recommended : RoundState.Submitted;
        return new RoundTransition(this, next) { Recommendation = committee };
    }

    /// <summary>The council approves: the grants (from <see cref="FollowUp.RoundApproval"/>) become movements.</summary>
    public RoundTransition? Approve(IReadOnlyList<AppropriationMovement> grants) =>
        State == RoundState.Recommended ? new RoundTransition(this, RoundState.Approved) { Grants = grants } : null;
}

/// <summary>
/// A round's change of state and its effects, to be stored in one transaction only if the round is still as
/// <see cref="From"/> was read (its state and the number of recommendations), and for grants, only if no movement
/// of the year was recorded after <see cref="MovementWatermark"/>, the last one the grants were computed from.
/// </summary>
public sealed record RoundTransition(Round From, RoundState To)
{
    /// <summary>The committee whose recommendation this transition records.</summary>
    public string? Recommendation { get; init; }

    public bool DropsRecommendations { get; init; }

    /// <summary>Estimate appropriations granted by an approval, dated at the decision.</summary>
    public IReadOnlyList<AppropriationMovement> Grants { get; init; } = [];

    /// <summary>The id of the year's last movement when the grants' facts were read; null when the transition grants nothing.</summary>
    public long? MovementWatermark { get; init; }

    /// <summary>
    /// Movements for the next budget year that the approval of a 3rd estimate writes (the time shifts, overf. 3. AR),
    /// in the same transaction; stored only if the next year's existence is still <see cref="NextYearExists"/>.
    /// </summary>
    public IReadOnlyList<AppropriationMovement> NextYearShifts { get; init; } = [];

    /// <summary>For an approval of round 3: whether the next budget year existed when <see cref="NextYearShifts"/> were decided; null otherwise.</summary>
    public bool? NextYearExists { get; init; }
}

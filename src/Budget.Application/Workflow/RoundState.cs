using Budget.Domain.Appropriations;

namespace Budget.Application.Workflow;

/// <summary>Where an estimate round is in its workflow: open → submitted → recommended → approved.</summary>
public enum RoundState
{
    /// <summary>Consultants enter estimates.</summary>
    Open,

    /// <summary>Estimates are locked; committees recommend.</summary>
    Submitted,

    /// <summary>Every committee with accounts has recommended; the council can approve.</summary>
    Recommended,

    /// <summary>The council approved: requested appropriations became movements.</summary>
    Approved,
}

public static class RoundStateCodes
{
    public static string ToCode(this RoundState state) => state.ToString().ToLowerInvariant();

    public static RoundState Parse(string code) => Enum.Parse<RoundState>(code, ignoreCase: true);
}

/// <summary>A round's cut-off, state and the committees that have recommended it.</summary>
public sealed record RoundStatus(RoundNumber Round, NodaTime.LocalDate Cutoff, RoundState State, IReadOnlyList<string> RecommendedBy);

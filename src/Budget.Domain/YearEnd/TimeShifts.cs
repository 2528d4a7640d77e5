using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.YearEnd;

/// <summary>
/// Time shifts (tidsforskydninger) at the 3rd estimate: the part of an account's variance that moves to next year
/// (e.g. a building project running late). It has the sign of the variance and at most its size; when the council
/// approves round 3, next year receives the opposite amount as a <see cref="MovementKind.PriorEstimateShift"/>
/// movement on the same account (overf. 3. AR), so the shift nets to zero over the two years.
/// </summary>
public static class TimeShifts
{
    /// <summary>The round whose estimates carry time shifts.</summary>
    public static RoundNumber Round { get; } = RoundNumber.Of(RoundNumber.Last);

    /// <summary>Why a time shift does not fit the variance (estimate − corrected budget); null when it does.</summary>
    public static string? Problem(Amount shift, Amount variance)
    {
        if (shift.IsZero)
        {
            return null;
        }

        if (variance.IsZero || (shift.Ore < 0) != (variance.Ore < 0))
        {
            return $"a time shift has the sign of the variance ({variance} kr.): {shift} kr. moves money the other way";
        }

        return Math.Abs((decimal)shift.Ore) > Math.Abs((decimal)variance.Ore)
            ? $"a time shift is at most the size of the variance ({variance} kr.): {shift} kr. is more"
            : null;
    }

    /// <summary>
    /// Next year's movements for an approved 3rd estimate: −timeShift per account that has a non-zero one, dated at
    /// the decision, in account order.
    /// </summary>
    public static IReadOnlyList<AppropriationMovement> NextYear(IEnumerable<AccountFacts> facts, LocalDate decidedOn, string? reference, string? decidedBy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts
            .Where(f => f.Estimate?.TimeShift is { IsZero: false })
            .OrderBy(f => f.Account.Id.Value, StringComparer.Ordinal)
            .Select(f => new AppropriationMovement(f.Account.Id, MovementKind.PriorEstimateShift, -f.Estimate!.TimeShift!.Value, decidedOn, reference, decidedBy))
            .ToArray();
    }
}

using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Appropriations;

/// <summary>
/// The appropriation columns (1)–(7) of a follow-up: the original budget, each kind of supplementary
/// appropriation, their total and the corrected budget (korrigeret budget). Derived columns are computed, never stored.
/// </summary>
public readonly record struct AppropriationsByKind(
    Amount OriginalBudget,
    Amount PriorEstimateShifts,
    Amount CarryOvers,
    Amount CouncilDecisions,
    Amount TechnicalReallocations,
    Amount EstimateAppropriations)
{
    public static AppropriationsByKind None => default;

    /// <summary>(6) Tillægsbevillinger: every change to the original budget.</summary>
    public Amount SupplementaryAppropriations =>
        PriorEstimateShifts + CarryOvers + CouncilDecisions + TechnicalReallocations + EstimateAppropriations;

    /// <summary>(7) Korrigeret budget: original budget plus supplementary appropriations.</summary>
    public Amount CorrectedBudget => OriginalBudget + SupplementaryAppropriations;

    public Amount this[MovementKind kind] => kind switch
    {
        MovementKind.OriginalBudget => OriginalBudget,
        MovementKind.PriorEstimateShift => PriorEstimateShifts,
        MovementKind.CarryOver => CarryOvers,
        MovementKind.CouncilDecision => CouncilDecisions,
        MovementKind.TechnicalReallocation => TechnicalReallocations,
        MovementKind.EstimateAppropriation => EstimateAppropriations,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public AppropriationsByKind With(MovementKind kind, Amount amount) => kind switch
    {
        MovementKind.OriginalBudget => this with { OriginalBudget = OriginalBudget + amount },
        MovementKind.PriorEstimateShift => this with { PriorEstimateShifts = PriorEstimateShifts + amount },
        MovementKind.CarryOver => this with { CarryOvers = CarryOvers + amount },
        MovementKind.CouncilDecision => this with { CouncilDecisions = CouncilDecisions + amount },
        MovementKind.TechnicalReallocation => this with { TechnicalReallocations = TechnicalReallocations + amount },
        MovementKind.EstimateAppropriation => this with { EstimateAppropriations = EstimateAppropriations + amount },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static AppropriationsByKind operator +(AppropriationsByKind left, AppropriationsByKind right) => new(
        left.OriginalBudget + right.OriginalBudget,
        left.PriorEstimateShifts + right.PriorEstimateShifts,
        left.CarryOvers + right.CarryOvers,
        left.CouncilDecisions + right.CouncilDecisions,
        left.TechnicalReallocations + right.TechnicalReallocations,
        left.EstimateAppropriations + right.EstimateAppropriations);

    public static AppropriationsByKind Add(AppropriationsByKind left, AppropriationsByKind right) => left + right;

    public static AppropriationsByKind operator -(AppropriationsByKind left, AppropriationsByKind right) => new(
        left.OriginalBudget - right.OriginalBudget,
        left.PriorEstimateShifts - right.PriorEstimateShifts,
        left.CarryOvers - right.CarryOvers,
        left.CouncilDecisions - right.CouncilDecisions,
        left.TechnicalReallocations - right.TechnicalReallocations,
        left.EstimateAppropriations - right.EstimateAppropriations);

    public static AppropriationsByKind Subtract(AppropriationsByKind left, AppropriationsByKind right) => left - right;

    /// <summary>The movements decided on or before <paramref name="asOf"/>, summed by kind.</summary>
    public static AppropriationsByKind AsOf(IEnumerable<AppropriationMovement> movements, LocalDate asOf)
    {
        ArgumentNullException.ThrowIfNull(movements);
        return movements
            .Where(m => m.DecidedOn <= asOf)
            .Aggregate(None, (sum, m) => sum.With(m.Kind, m.Amount));
    }
}

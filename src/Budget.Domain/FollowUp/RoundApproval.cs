using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Domain.FollowUp;

/// <summary>
/// What the council's approval of an estimate round grants: per account with an estimate, the requested
/// appropriation (by default the whole variance to the corrected budget as of the round's cut-off) becomes an
/// appropriation movement dated at the decision. Accounts without an estimate or with nothing to grant get none.
/// </summary>
public static class RoundApproval
{
    public static IReadOnlyList<AppropriationMovement> Appropriations(IEnumerable<AccountFacts> facts, LocalDate decidedOn, string? reference, string? decidedBy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts
            .Where(f => f.Estimate is not null)
            .Select(f => (f.Account, Amount: f.Estimate!.RequestedAppropriation ?? f.Figures().VarianceToCorrected))
            .Where(a => !a.Amount.IsZero)
            .OrderBy(a => a.Account.Id.Value, StringComparer.Ordinal)
            .Select(a => new AppropriationMovement(a.Account.Id, MovementKind.EstimateAppropriation, a.Amount, decidedOn, reference, decidedBy))
            .ToArray();
    }
}

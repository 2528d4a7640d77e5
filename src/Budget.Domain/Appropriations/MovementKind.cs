namespace Budget.Domain.Appropriations;

/// <summary>What an appropriation movement is. Everything but the original budget is a supplementary appropriation (tillægsbevilling).</summary>
public enum MovementKind
{
    /// <summary>(1) Oprindeligt budget: adopted by the council in October of the year before.</summary>
    OriginalBudget,

    /// <summary>(2) Overførsel fra 3. AR: time shift decided in the previous year's 3rd estimate.</summary>
    PriorEstimateShift,

    /// <summary>(3) Overførsler: carried from last year's accounts (decided around March).</summary>
    CarryOver,

    /// <summary>(4) KMB-beslutning: appropriation granted by the council during the year.</summary>
    CouncilDecision,

    /// <summary>(5) Teknisk omplacering: move between areas; nets to zero over the municipality.</summary>
    TechnicalReallocation,

    /// <summary>Bevilling fra anslået regnskab: approved change from an estimate round.</summary>
    EstimateAppropriation,
}

/// <summary>The codes of <see cref="MovementKind"/> used in data files and the API.</summary>
public static class MovementKindCodes
{
    private static readonly (MovementKind Kind, string Code, string Danish)[] Table =
    [
        (MovementKind.OriginalBudget, "original_budget", "Oprindeligt budget"),
        (MovementKind.PriorEstimateShift, "prior_estimate_shift", "Overf. 3. AR"),
        (MovementKind.CarryOver, "carry_over", "Overførsler"),
        (MovementKind.CouncilDecision, "council_decision", "KMB-beslutninger"),
        (MovementKind.TechnicalReallocation, "technical_reallocation", "Tekniske omplaceringer"),
        (MovementKind.EstimateAppropriation, "estimate_appropriation", "Bevillinger fra anslået regnskab"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Code).ToArray();

    public static string ToCode(this MovementKind kind) => Table.Single(t => t.Kind == kind).Code;

    public static string DanishName(this MovementKind kind) => Table.Single(t => t.Kind == kind).Danish;

    public static MovementKind Parse(string code) =>
        TryParse(code, out var kind) ? kind : throw new BudgetRuleException($"'{code}' is not a movement kind (expected {string.Join(", ", All)}).");

    public static bool TryParse(string? code, out MovementKind kind)
    {
        foreach (var entry in Table)
        {
            if (string.Equals(entry.Code, code?.Trim(), StringComparison.Ordinal))
            {
                kind = entry.Kind;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Cases;

/// <summary>Whether a case row is one of the case's own lines or a financing row that pays for them (finansiering).</summary>
public enum CaseRowKind
{
    Line,
    Financing,
}

/// <summary>
/// What a row of a savings catalogue (sparekatalog) changes (domain.md §9): service expenditure (under the service
/// frame), transfers (overførsler), income or a one-off investment (engangsudgift).
/// </summary>
public enum CaseClass
{
    Service,
    Transfer,
    Income,
    OneOff,
}

public static class CaseCodes
{
    private static readonly (CaseClass Class, string Code)[] Classes =
    [
        (CaseClass.Service, "service"),
        (CaseClass.Transfer, "transfer"),
        (CaseClass.Income, "income"),
        (CaseClass.OneOff, "one-off"),
    ];

    public static IReadOnlyList<string> ClassCodes { get; } = Classes.Select(c => c.Code).ToArray();

    public static string ToCode(this CaseClass value) => Classes.Single(c => c.Class == value).Code;

    /// <summary>The class a case row of an account has when the row gives none (contract §10): its expenditure class.</summary>
    public static CaseClass? Of(Accounts.ExpenditureClass? expenditure) => expenditure switch
    {
        Accounts.ExpenditureClass.Service => CaseClass.Service,
        Accounts.ExpenditureClass.Transfer => CaseClass.Transfer,
        _ => null,
    };

    public static bool TryParseClass(string? code, out CaseClass value)
    {
        foreach (var entry in Classes)
        {
            if (entry.Code == code)
            {
                value = entry.Class;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string ToCode(this CaseRowKind kind) => kind == CaseRowKind.Line ? "line" : "financing";

    public static CaseRowKind ParseKind(string code) => code switch
    {
        "line" => CaseRowKind.Line,
        "financing" => CaseRowKind.Financing,
        _ => throw new BudgetRuleException($"'{code}' is not a case row kind (line, financing)."),
    };
}

/// <summary>
/// One row of a case: an account and its amount in each of the case's four years. A line given as an annual effect
/// from a date keeps <see cref="Annual"/>, <see cref="From"/> and <see cref="To"/>; a financing row its
/// <see cref="Share"/>; the amounts are what was decided.
/// </summary>
public sealed record CaseRow(CaseRowKind Kind, AccountId Account, CaseAmounts Amounts, CaseClass? Classification = null)
{
    public Amount? Annual { get; init; }

    public LocalDate? From { get; init; }

    public LocalDate? To { get; init; }

    public decimal? Share { get; init; }
}

/// <summary>
/// An appropriation case (bevillingssag, domain.md §9): lines per account for the budget year and the three years
/// after it, financed by shares of other accounts, permanent (varig) or temporary, at a price level (P/L), optionally
/// a proposal of a savings catalogue. Approved, its budget-year amounts become council decisions.
/// </summary>
public sealed record AppropriationCase(
    int Year,
    string Reference,
    string Title,
    bool Permanent,
    bool CashNeutral,
    string? Catalogue,
    int PriceLevel,
    IReadOnlyList<CaseRow> Rows)
{
    /// <summary>The case's years: the budget year and the three after it.</summary>
    public IReadOnlyList<int> Years => [Year, Year + 1, Year + 2, Year + 3];

    public CaseAmounts Lines => Rows.Where(r => r.Kind == CaseRowKind.Line).Select(r => r.Amounts).Sum();

    public CaseAmounts Financing => Rows.Where(r => r.Kind == CaseRowKind.Financing).Select(r => r.Amounts).Sum();

    /// <summary>Lines plus financing: 0 in every year for a cash-neutral case.</summary>
    public CaseAmounts Total => Lines + Financing;

    /// <summary>
    /// What the council's approval grants: one council-decision movement per row with a budget-year amount, dated
    /// <paramref name="decidedOn"/>, referring to the case. The out-year amounts stay on the case (the out-years report).
    /// </summary>
    public IReadOnlyList<AppropriationMovement> Movements(LocalDate decidedOn, string decidedBy) =>
        Rows.Where(r => !r.Amounts.BudgetYear.IsZero)
            .Select(r => new AppropriationMovement(r.Account, MovementKind.CouncilDecision, r.Amounts.BudgetYear, decidedOn, MovementReference, decidedBy))
            .ToArray();

    /// <summary>The reference movements carry: the case number and title, cut to the 200 characters a reference holds.</summary>
    public string MovementReference
    {
        get
        {
            var text = $"{Reference}: {Title}";
            return text.Length <= 200 ? text : text[..199] + "…";
        }
    }
}

/// <summary>
/// Financing rows (finansiering): each gets −share × the lines of a year, split exactly in øre by largest remainder
/// (ties to the earlier row), so the financing rows add up to exactly minus the lines in every year.
/// </summary>
public static class CaseFinancing
{
    /// <summary>The amounts of each financing row, in the order of <paramref name="shares"/> (each &gt; 0, summing to 1).</summary>
    public static IReadOnlyList<CaseAmounts> Split(CaseAmounts lines, IReadOnlyList<decimal> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        Preconditions.Require(shares.Count > 0, "Financing needs at least one share.");
        Preconditions.Require(shares.All(s => s > 0m && s <= 1m), "A financing share lies above 0 and at most 1.");
        Preconditions.Require(shares.Sum() == 1m, "The financing shares must add up to exactly 1.");
        var years = Enumerable.Range(0, CaseAmounts.Count).Select(y => LargestRemainder.Share(checked(-lines[y].Ore), shares)).ToArray();
        return Enumerable.Range(0, shares.Count).Select(row => CaseAmounts.Of(y => Amount.FromOre(years[y][row]))).ToArray();
    }
}

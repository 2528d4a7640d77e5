namespace Budget.Domain.Accounts;

/// <summary>The blocks of the whole-municipality overview (hovedoversigt), A to H in printed order.</summary>
public enum Block
{
    /// <summary>A. Drift: operations.</summary>
    Drift,

    /// <summary>B. Anlæg: capital expenditure.</summary>
    Anlaeg,

    /// <summary>C. Ejendomssalg: property sales.</summary>
    Ejendomssalg,

    /// <summary>D. Renter: interest.</summary>
    Renter,

    /// <summary>E. Finansiering: taxes, general grants and equalisation.</summary>
    Finansiering,

    /// <summary>F. Finansforskydninger: balance-sheet movements.</summary>
    Finansforskydninger,

    /// <summary>G. Afdrag på lån: loan repayments.</summary>
    Afdrag,

    /// <summary>H. Optagelse af lån: new borrowing.</summary>
    Laan,
}

/// <summary>The codes of <see cref="Block"/> used in data files and the API.</summary>
public static class BlockCodes
{
    private static readonly (Block Block, string Code, char Letter, string Danish)[] Table =
    [
        (Block.Drift, "drift", 'A', "Drift"),
        (Block.Anlaeg, "anlaeg", 'B', "Anlæg"),
        (Block.Ejendomssalg, "ejendomssalg", 'C', "Ejendomssalg"),
        (Block.Renter, "renter", 'D', "Renter"),
        (Block.Finansiering, "finansiering", 'E', "Finansiering"),
        (Block.Finansforskydninger, "finansforskydninger", 'F', "Finansforskydninger"),
        (Block.Afdrag, "afdrag", 'G', "Afdrag på lån"),
        (Block.Laan, "laan", 'H', "Optagelse af lån"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Code).ToArray();

    public static string ToCode(this Block block) => Table.Single(t => t.Block == block).Code;

    public static char Letter(this Block block) => Table.Single(t => t.Block == block).Letter;

    public static string DanishName(this Block block) => Table.Single(t => t.Block == block).Danish;

    public static Block Parse(string code) =>
        TryParse(code, out var block) ? block : throw new BudgetRuleException($"'{code}' is not a block (expected {string.Join(", ", All)}).");

    public static bool TryParse(string? code, out Block block)
    {
        foreach (var entry in Table)
        {
            if (string.Equals(entry.Code, code?.Trim(), StringComparison.Ordinal))
            {
                block = entry.Block;
                return true;
            }
        }

        block = default;
        return false;
    }
}

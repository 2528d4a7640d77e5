using System.Text.RegularExpressions;
using Budget.Domain.Accounts;
using Budget.Domain.Refusion;
using NodaTime;

namespace Budget.Domain.YearEnd;

/// <summary>
/// What a carry-over policy selects, most specific first (the order is the precedence): a chart-number prefix (a
/// longer prefix before a shorter one), an activity area, a service/transfer class, a block of the overview.
/// </summary>
public enum CarryOverSelectorKind
{
    /// <summary><c>chart-prefix</c>: the account's chart number begins with the prefix (5.68 matches 5.68.90 and 5.68.90.001).</summary>
    ChartPrefix,

    /// <summary><c>activity-area</c>: the account's activity area (aktivitetsområde) by its exact name.</summary>
    ActivityArea,

    /// <summary><c>class</c>: service or transfer expenditure (reference/service-classification.csv).</summary>
    ExpenditureClass,

    /// <summary><c>block</c>: a block of the overview (drift, anlaeg, …).</summary>
    Block,
}

/// <summary>How a carry-over is decided: computed from the policy, or only by the council's own decision (an override).</summary>
public enum CarryOverMode
{
    /// <summary><c>automatic</c>: the policy's share of the result, within its cap.</summary>
    Automatic,

    /// <summary><c>by-decision</c>: nothing is carried unless the approval names an amount for the account.</summary>
    ByDecision,
}

/// <summary>One selector of a carry-over policy: its kind and the value it compares (a prefix, a name, a class or block code).</summary>
public sealed partial record CarryOverSelector
{
    private static readonly (CarryOverSelectorKind Kind, string Code)[] Codes =
    [
        (CarryOverSelectorKind.ChartPrefix, "chart-prefix"),
        (CarryOverSelectorKind.ActivityArea, "activity-area"),
        (CarryOverSelectorKind.ExpenditureClass, "class"),
        (CarryOverSelectorKind.Block, "block"),
    ];

    private CarryOverSelector(CarryOverSelectorKind kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    public CarryOverSelectorKind Kind { get; }

    public string Value { get; }

    /// <summary>The selector codes of the policy file, most specific first.</summary>
    public static IReadOnlyList<string> KindCodes { get; } = Codes.Select(c => c.Code).ToArray();

    public string KindCode => Codes.Single(c => c.Kind == Kind).Code;

    /// <summary>A selector from the policy file's <c>selector</c> and <c>value</c>; the error says which of the two is wrong.</summary>
    public static bool TryParse(string? kindCode, string? value, out CarryOverSelector selector, out (string Column, string Message)? error)
    {
        selector = null!;
        error = null;
        var kind = Codes.Where(c => c.Code == kindCode?.Trim()).Select(c => (CarryOverSelectorKind?)c.Kind).FirstOrDefault();
        if (kind is null)
        {
            error = ("selector", $"'{Echo.Cut(kindCode)}' is not a selector ({string.Join(", ", KindCodes)})");
            return false;
        }

        var text = value?.Trim() ?? "";
        var problem = kind switch
        {
            CarryOverSelectorKind.ChartPrefix when !PrefixPattern().IsMatch(text) => $"'{Echo.Cut(text)}' is not a chart-number prefix like 5, 5.68, 5.68.90 or 5.68.90.001",
            CarryOverSelectorKind.ActivityArea when text.Length is 0 or > Account.MaxNameLength => $"an activity area is 1–{Account.MaxNameLength} characters",
            CarryOverSelectorKind.ExpenditureClass when text is not ("service" or "transfer") => $"'{Echo.Cut(text)}' is not a class (service or transfer)",
            CarryOverSelectorKind.Block when !BlockCodes.TryParse(text, out _) => $"'{Echo.Cut(text)}' is not a block ({string.Join(", ", BlockCodes.All)})",
            _ => null,
        };
        if (problem is not null)
        {
            error = ("value", problem);
            return false;
        }

        selector = new CarryOverSelector(kind.Value, text);
        return true;
    }

    public bool Matches(Account account, ExpenditureClass? expenditureClass)
    {
        ArgumentNullException.ThrowIfNull(account);
        return Kind switch
        {
            CarryOverSelectorKind.ChartPrefix => account.ChartNumber is not null
                && (account.Id.Value == Value || account.Id.Value.StartsWith(Value + ".", StringComparison.Ordinal)),
            CarryOverSelectorKind.ActivityArea => account.ActivityArea == Value,
            CarryOverSelectorKind.ExpenditureClass => expenditureClass is { } c && (c == Accounts.ExpenditureClass.Service ? "service" : "transfer") == Value,
            CarryOverSelectorKind.Block => account.Block.ToCode() == Value,
            _ => false,
        };
    }

    /// <summary>Sorts most specific first: by kind, then a longer chart-number prefix before a shorter one.</summary>
    public (int Kind, int Narrowness) Precedence => ((int)Kind, Kind == CarryOverSelectorKind.ChartPrefix ? -Value.Count(c => c == '.') : 0);

    public override string ToString() => $"{KindCode}={Value}";

    [GeneratedRegex(@"^[0-9](\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{3})?)?)?$")]
    private static partial Regex PrefixPattern();
}

/// <summary>
/// A local carry-over policy (overførselsregel), dated rule data: for the accounts its selector picks, the share of
/// an underspend and of an overspend that is carried into the next year, optionally capped at a percentage of the
/// corrected budget, or nothing unless the council decides (<see cref="CarryOverMode.ByDecision"/>).
/// Shares are fractions 0–1 (at most 4 decimals); the cap is a percentage 0–100 (at most 2 decimals).
/// </summary>
public sealed record CarryOverPolicy
{
    public const int MaxNameLength = 100;

    public CarryOverPolicy(string name, CarryOverSelector selector, CarryOverMode mode, decimal? underspendShare, decimal? overspendShare, decimal? capPercent, Validity validity)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(validity);
        Preconditions.Require(!string.IsNullOrWhiteSpace(name) && name.Trim().Length <= MaxNameLength, $"A carry-over policy has a name of 1–{MaxNameLength} characters.");
        if (mode == CarryOverMode.Automatic)
        {
            Preconditions.Require(underspendShare is not null && overspendShare is not null, "An automatic carry-over policy gives the share of an underspend and of an overspend.");
            Preconditions.Require(IsShare(underspendShare!.Value) && IsShare(overspendShare!.Value), "A carry-over share is a fraction from 0 to 1 with at most 4 decimals.");
            Preconditions.Require(capPercent is null || (capPercent is >= 0m and <= 100m && decimal.Round(capPercent.Value, 2) == capPercent), "A carry-over cap is a percentage from 0 to 100 with at most 2 decimals.");
        }
        else
        {
            Preconditions.Require(underspendShare is null && overspendShare is null && capPercent is null, "A by-decision carry-over policy has no shares and no cap: the council decides the amount.");
        }

        Name = name.Trim();
        Selector = selector;
        Mode = mode;
        UnderspendShare = underspendShare;
        OverspendShare = overspendShare;
        CapPercent = capPercent;
        Validity = validity;
    }

    public string Name { get; }

    public CarryOverSelector Selector { get; }

    public CarryOverMode Mode { get; }

    /// <summary>The fraction of an underspend (result &lt; 0, mindreforbrug) carried; null for by-decision.</summary>
    public decimal? UnderspendShare { get; }

    /// <summary>The fraction of an overspend (result &gt; 0, merforbrug) carried; null for by-decision.</summary>
    public decimal? OverspendShare { get; }

    /// <summary>The carried amount is at most this percentage of the corrected budget (in absolute value); null: no cap.</summary>
    public decimal? CapPercent { get; }

    public Validity Validity { get; }

    public static bool IsShare(decimal share) => share is >= 0m and <= 1m && decimal.Round(share, 4) == share;

    public static string ModeCode(CarryOverMode mode) => mode == CarryOverMode.Automatic ? "automatic" : "by-decision";

    public static bool TryParseMode(string? code, out CarryOverMode mode)
    {
        mode = code?.Trim() == "by-decision" ? CarryOverMode.ByDecision : CarryOverMode.Automatic;
        return code?.Trim() is "automatic" or "by-decision";
    }
}

/// <summary>
/// The carry-over policies in force: for an account, the policy of the most specific selector that matches it and is
/// valid on the date (<see cref="CarryOverSelector.Precedence"/>). The loader refuses two policies with the same
/// selector whose periods overlap, so the choice is never ambiguous.
/// </summary>
public sealed class CarryOverPolicies(IReadOnlyList<CarryOverPolicy> policies)
{
    public IReadOnlyList<CarryOverPolicy> All { get; } = policies;

    public CarryOverPolicy? For(Account account, ExpenditureClass? expenditureClass, LocalDate on) =>
        All.Where(p => p.Validity.Covers(on) && p.Selector.Matches(account, expenditureClass))
            .OrderBy(p => p.Selector.Precedence)
            .FirstOrDefault();

    /// <summary>The date whose policies apply to a year's accounts: its last day.</summary>
    public static LocalDate InForceFor(int year) => new(year, 12, 31);
}

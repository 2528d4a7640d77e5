namespace Budget.Domain.Accounts;

/// <summary>
/// An account (konto) of a budget year, placed under a committee (udvalg) and an activity area
/// (aktivitetsområde, the level appropriations are granted at), optionally in a reporting group.
/// </summary>
public sealed record Account
{
    public const int MaxNameLength = 200;

    public Account(AccountId id, string name, string committee, string activityArea, string? group = null, Block block = Block.Drift)
    {
        Preconditions.Require(id.Value is not null, "An account needs an id.");
        Id = id;
        Name = RequireText(name, "name");
        Committee = RequireText(committee, "committee");
        ActivityArea = RequireText(activityArea, "activity area");
        Group = string.IsNullOrWhiteSpace(group) ? null : RequireText(group, "group");
        Block = block;
    }

    public AccountId Id { get; }

    public string Name { get; }

    /// <summary>Committee (udvalg) that treats the account.</summary>
    public string Committee { get; }

    /// <summary>Activity area (aktivitetsområde): the appropriation level.</summary>
    public string ActivityArea { get; }

    /// <summary>Alternative reporting group used by the committee paper, e.g. "Kontante ydelser".</summary>
    public string? Group { get; }

    public Block Block { get; }

    /// <summary>The benefit (rule data code, e.g. <c>kontanthjaelp</c>) whose state refusion the account's net figures are after; null when none.</summary>
    public string? RefusionBenefit { get; init; }

    public ChartNumber? ChartNumber => Id.ChartNumber;

    private static string RequireText(string? value, string what)
    {
        var text = value?.Trim() ?? "";
        Preconditions.Require(text.Length > 0, $"An account needs a {what}.");
        Preconditions.Require(text.Length <= MaxNameLength, $"An account's {what} has at most {MaxNameLength} characters.");
        return text;
    }
}

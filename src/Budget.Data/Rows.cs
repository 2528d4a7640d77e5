using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using System.Text.Json;
using Budget.Domain.Money;
using Budget.Domain.Refusion;

namespace Budget.Data;

internal sealed record AccountRow(string AccountId, string Name, string Committee, string ActivityArea, string? ReportingGroup, string Block, string? RefusionBenefit)
{
    public Account ToAccount() =>
        new Account(Domain.Accounts.AccountId.Parse(AccountId), Name, Committee, ActivityArea, ReportingGroup, BlockCodes.Parse(Block)) { RefusionBenefit = RefusionBenefit };
}

internal sealed record EstimateRow(long Round, string AccountId, long EstimateOre, string Explanation, long OutYear1, long OutYear2, long OutYear3, long OutYear4, long? RequestedOre, long Version, string RecordedAt, long? GrossOre, long? RefusionOre, string? Basis, long? TimeShiftOre)
{
    public const string Columns = """
        round AS Round, account_id AS AccountId, estimate_ore AS EstimateOre, explanation AS Explanation,
        out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
        requested_ore AS RequestedOre, version AS Version, recorded_at AS RecordedAt,
        gross_ore AS GrossOre, refusion_ore AS RefusionOre, basis AS Basis, time_shift_ore AS TimeShiftOre
        """;

    public AccountEstimate ToEstimate() => new(
        RoundNumber.Of((int)Round),
        Domain.Accounts.AccountId.Parse(AccountId),
        Amount.FromOre(EstimateOre),
        Explanation,
        new OutYearConsequences(Amount.FromOre(OutYear1), Amount.FromOre(OutYear2), Amount.FromOre(OutYear3), Amount.FromOre(OutYear4)),
        RequestedOre is { } requested ? Amount.FromOre(requested) : null,
        BasisJson.Read(GrossOre, RefusionOre, Basis))
    {
        TimeShift = TimeShiftOre is { } shift ? Amount.FromOre(shift) : null,
    };
}

/// <summary>How a gross basis is kept in the estimate row: amounts in their own øre columns, the split as JSON.</summary>
internal static class BasisJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private sealed record Persons(int AnciennityWeek, string? Activity, decimal FullYearPersons);

    private sealed record Split(string RuleSet, Persons[] Persons);

    public static string? Write(GrossBasis? basis) => basis is null ? null : JsonSerializer.Serialize(
        new Split(basis.RuleSet, basis.Persons.Select(p => new Persons(p.AnciennityWeek, p.Activity?.ToCode(), p.FullYearPersons)).ToArray()),
        Options);

    public static GrossBasis? Read(long? grossOre, long? refusionOre, string? json)
    {
        if (grossOre is null || refusionOre is null || json is null)
        {
            return null;
        }

        var split = JsonSerializer.Deserialize<Split>(json, Options)!;
        return new GrossBasis(
            Amount.FromOre(grossOre.Value),
            split.Persons.Select(p => new PersonsInBand(p.AnciennityWeek, p.Activity is null ? null : ActivityCodes.TryParse(p.Activity, out var a) ? a : null, p.FullYearPersons)).ToArray(),
            split.RuleSet,
            Amount.FromOre(refusionOre.Value));
    }
}

internal sealed record UserRow(long Id, string Name, string Roles, string? Committees, string CreatedAt, string? RevokedAt)
{
    public Application.Users.StoredUser ToUser() => new(
        Id,
        Name,
        Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Committees?.Split('\n'),
        Text.ToInstant(CreatedAt),
        RevokedAt is null ? null : Text.ToInstant(RevokedAt));
}

using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;

namespace Budget.Data.Sqlite;

internal sealed record AccountRow(string AccountId, string Name, string Committee, string ActivityArea, string? ReportingGroup, string Block)
{
    public Account ToAccount()
    {
        return new Account(Domain.Accounts.AccountId.Parse(AccountId), Name, Committee, ActivityArea, ReportingGroup, BlockCodes.Parse(Block));
    }
}

internal sealed record EstimateRow(long Round, string AccountId, long EstimateOre, string Explanation, long OutYear1, long OutYear2, long OutYear3, long OutYear4, long? RequestedOre, long Version, string RecordedAt)
{
    public const string Columns = """
        round AS Round, account_id AS AccountId, estimate_ore AS EstimateOre, explanation AS Explanation,
        out_year_1_ore AS OutYear1, out_year_2_ore AS OutYear2, out_year_3_ore AS OutYear3, out_year_4_ore AS OutYear4,
        requested_ore AS RequestedOre, version AS Version, recorded_at AS RecordedAt
        """;

    public AccountEstimate ToEstimate() => new(
        RoundNumber.Of((int)Round),
        Domain.Accounts.AccountId.Parse(AccountId),
        Amount.FromOre(EstimateOre),
        Explanation,
        new OutYearConsequences(Amount.FromOre(OutYear1), Amount.FromOre(OutYear2), Amount.FromOre(OutYear3), Amount.FromOre(OutYear4)),
        RequestedOre is { } requested ? Amount.FromOre(requested) : null);
}

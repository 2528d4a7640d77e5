using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using System.Text.Json;
using Budget.Domain.Money;
using Budget.Domain.Refusion;

namespace Budget.Data;

internal sealed record AccountRow(string AccountId, string Name, string Committee, string ActivityArea, string? ReportingGroup, string Block, string? RefusionBenefit)
{
    /// <summary>The account table's columns in this record's order, as <see cref="Read(System.Data.Common.DbDataReader)"/> reads them.</summary>
    public const string Columns = "account_id, name, committee, activity_area, reporting_group, block, refusion_benefit";

    /// <summary>The row a reader stands at, its columns in this record's order.</summary>
    public static AccountRow Read(System.Data.Common.DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6));

    /// <summary>The row a kept SQLite statement stands at, its columns in this record's order.</summary>
    public static AccountRow Read(Sqlite.RawStatement r) => new(
        r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.NullableText(4), r.Text(5), r.NullableText(6));

    public Account ToAccount() =>
        new Account(Domain.Accounts.AccountId.Parse(AccountId), Name, Committee, ActivityArea, ReportingGroup, BlockCodes.Parse(Block)) { RefusionBenefit = RefusionBenefit };
}

internal sealed record EstimateRow(long Round, string AccountId, long EstimateOre, string Explanation, long OutYear1, long OutYear2, long OutYear3, long OutYear4, long? RequestedOre, long Version, string RecordedAt, long? GrossOre, long? RefusionOre, string? Basis, long? TimeShiftOre)
{
    /// <summary>The row a reader stands at, its columns in this record's order (<see cref="SqlDialect.EstimateRowColumns"/>).</summary>
    public static EstimateRow Read(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7),
        r.IsDBNull(8) ? null : r.GetInt64(8), r.GetInt64(9), r.GetString(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetInt64(12),
        r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetInt64(14));

    /// <summary>The row a kept SQLite statement stands at, its columns in this record's order.</summary>
    public static EstimateRow Read(Sqlite.RawStatement r) => new(
        r.Int64(0), r.Text(1), r.Int64(2), r.Text(3), r.Int64(4), r.Int64(5), r.Int64(6), r.Int64(7),
        r.NullableInt64(8), r.Int64(9), r.Text(10), r.NullableInt64(11), r.NullableInt64(12), r.NullableText(13), r.NullableInt64(14));

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

/// <summary>
/// How a gross basis is kept in the estimate row: amounts in their own øre columns, the split as JSON. Estimates
/// without a basis (most) never reach the serializer: a process that reads or writes only those (a command-line import
/// or report) does not load it. Its JSON is source-generated (the web defaults, as before): the published CLI is
/// compiled ahead of time (decision 0034).
/// </summary>
internal static partial class BasisJson
{
    internal sealed record Persons(int AnciennityWeek, string? Activity, decimal FullYearPersons);

    internal sealed record Split(string RuleSet, Persons[] Persons);

    public static string? Write(GrossBasis? basis) => basis is null ? null : Serialize(basis);

    public static GrossBasis? Read(long? grossOre, long? refusionOre, string? json) =>
        grossOre is null || refusionOre is null || json is null ? null : Deserialize(grossOre.Value, refusionOre.Value, json);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Serialize(GrossBasis basis) => JsonSerializer.Serialize(
        new Split(basis.RuleSet, basis.Persons.Select(p => new Persons(p.AnciennityWeek, p.Activity?.ToCode(), p.FullYearPersons)).ToArray()),
        SplitJson.Default.Split);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static GrossBasis Deserialize(long grossOre, long refusionOre, string json)
    {
        var split = JsonSerializer.Deserialize(json, SplitJson.Default.Split)!;
        return new GrossBasis(
            Amount.FromOre(grossOre),
            split.Persons.Select(p => new PersonsInBand(p.AnciennityWeek, p.Activity is null ? null : ActivityCodes.TryParse(p.Activity, out var a) ? a : null, p.FullYearPersons)).ToArray(),
            split.RuleSet,
            Amount.FromOre(refusionOre));
    }

    [System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Split))]
    internal sealed partial class SplitJson : System.Text.Json.Serialization.JsonSerializerContext;
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

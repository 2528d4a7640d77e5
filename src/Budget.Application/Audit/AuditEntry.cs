using System.Text.Json;
using NodaTime;

namespace Budget.Application.Audit;

/// <summary>
/// One accepted write in the audit trail (revisionsspor): who, when, what, on what, and the state before and after
/// as JSON. Written in the same transaction as the write itself; never changed.
/// </summary>
public sealed record AuditEntry(int? Year, Instant At, string User, string Action, string Target, string? Before, string? After)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static AuditEntry Of(int? year, Instant at, string user, string action, string target, object? before, object? after) =>
        new(year, at, user, action, target, before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json));
}

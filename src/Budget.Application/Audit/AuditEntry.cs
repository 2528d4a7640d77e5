using System.Text.Json;
using NodaTime;

namespace Budget.Application.Audit;

/// <summary>
/// One accepted write in the audit trail (revisionsspor): who, when, what, on what, and the state before and after
/// as JSON. Written in the same transaction as the write itself; never changed. <see cref="UserId"/> is the acting
/// user's id (null for the bootstrap key and the system), so two users of one name stay apart.
/// </summary>
public sealed record AuditEntry(int? Year, Instant At, string User, string Action, string Target, string? Before, string? After, long? UserId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <remarks>
    /// Serialises by reflection, which the CLI compiled ahead of time does not have (decision 0034): its writes (import,
    /// close, cases import) use <see cref="OfDeclared{T}"/>. A CLI path that reaches this fails the CLI's publish.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("Serialises its payloads by reflection: the API's writes only; the CLI's use OfDeclared (decision 0034).")]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode("Serialises its payloads by reflection: the API's writes only; the CLI's use OfDeclared (decision 0034).")]
    public static AuditEntry Of(int? year, Instant at, Users.Actor actor, string action, string target, object? before, object? after)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new(year, at, actor.Name, action, target, before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json), actor.Id);
    }

    /// <summary>
    /// An entry whose <paramref name="after"/> is a declared type with source-generated JSON (the same JSON as <see cref="Of"/>
    /// writes for it): a command-line import does not pay the reflection serializer's first use (~40 ms of a cold process).
    /// </summary>
    public static AuditEntry OfDeclared<T>(int? year, Instant at, Users.Actor actor, string action, string target, T after, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> afterJson)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new(year, at, actor.Name, action, target, null, JsonSerializer.Serialize(after, afterJson), actor.Id);
    }

    /// <summary>As <see cref="OfDeclared{T}"/>, with the state before the write too.</summary>
    public static AuditEntry OfDeclared<TBefore, TAfter>(int? year, Instant at, Users.Actor actor, string action, string target, TBefore before, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TBefore> beforeJson, TAfter after, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TAfter> afterJson)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new(year, at, actor.Name, action, target, JsonSerializer.Serialize(before, beforeJson), JsonSerializer.Serialize(after, afterJson), actor.Id);
    }
}

using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Application.YearEnd;

public enum YearEndStatus
{
    Done,
    YearNotFound,

    /// <summary>The next year, which the carry-overs go into, does not exist (HTTP 404).</summary>
    NextYearNotFound,

    /// <summary>The year is in the wrong state for this: already closed, not yet closed, already approved (HTTP 409).</summary>
    Conflict,

    /// <summary>The actor is limited to some committees; this concerns the whole municipality (HTTP 403).</summary>
    Forbidden,

    /// <summary>A request value breaks a rule (HTTP 400 naming <see cref="YearEndResult.Errors"/>).</summary>
    Invalid,
}

public sealed record YearEndResult(YearEndStatus Status, YearEndState? State = null, string? Message = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The movements an approval stored (carry-overs into the next year).</summary>
    public IReadOnlyList<AppropriationMovement> Movements { get; init; } = [];

    public static YearEndResult Invalid(string field, string message) =>
        new(YearEndStatus.Invalid, Errors: new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// Closing a year's accounts (regnskabsafslutning): afterwards the year's postings are its accounts, and postings,
/// estimates and round transitions of the year are refused. The closing date lies from 31 December of the year to
/// the end of its decision window (30 June of the year after). Closing concerns every committee, so a user limited
/// to some committees may not. Audited.
/// </summary>
public sealed class YearClosing(IYearEndStore store, IClock clock)
{
    public Task<YearEndState?> State(int year, CancellationToken cancellationToken) => store.FindYearEnd(year, cancellationToken);

    public async Task<YearEndResult> Close(int year, LocalDate closedOn, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Committees is not null)
        {
            return new YearEndResult(YearEndStatus.Forbidden, Message: $"{actor.Name} is limited to some committees; closing a year closes every committee's accounts.");
        }

        var state = await store.FindYearEnd(year, cancellationToken);
        if (state is null)
        {
            return new YearEndResult(YearEndStatus.YearNotFound);
        }

        if (state.IsClosed)
        {
            return AlreadyClosed(state);
        }

        var first = new LocalDate(year, 12, 31);
        if (closedOn < first || closedOn > DecisionWindow.Last(year))
        {
            return YearEndResult.Invalid("closedOn", $"The accounts of {year} close from {first:yyyy-MM-dd} (its last day) to {DecisionWindow.Last(year):yyyy-MM-dd}, not on {closedOn:yyyy-MM-dd}.");
        }

        var audit = AuditEntry.OfDeclared(year, clock.GetCurrentInstant(), actor, "year.close", $"budget-years/{year}",
            new YearOpenAudit("open"), YearCloseAuditJson.Default.YearOpenAudit,
            new YearClosedAudit("closed", closedOn.ToString("yyyy-MM-dd", null)), YearCloseAuditJson.Default.YearClosedAudit);
        return await store.Close(year, closedOn, audit, cancellationToken) switch
        {
            CloseStatus.Closed => new YearEndResult(YearEndStatus.Done, await store.FindYearEnd(year, cancellationToken)),
            CloseStatus.YearNotFound => new YearEndResult(YearEndStatus.YearNotFound),
            _ => AlreadyClosed((await store.FindYearEnd(year, cancellationToken))!),
        };
    }

    private static YearEndResult AlreadyClosed(YearEndState state) =>
        new(YearEndStatus.Conflict, state, $"Budget year {state.Year} was closed on {state.ClosedOn:yyyy-MM-dd}; a closed year stays closed.");
}

/// <summary>A year's state before it is closed, as the audit trail keeps it.</summary>
public sealed record YearOpenAudit(string State);

/// <summary>A year's state once closed, as the audit trail keeps it.</summary>
public sealed record YearClosedAudit(string State, string ClosedOn);

/// <summary>The closing's audit JSON, source-generated (the CLI is compiled ahead of time, decision 0034; web defaults: camelCase).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(YearOpenAudit))]
[System.Text.Json.Serialization.JsonSerializable(typeof(YearClosedAudit))]
internal sealed partial class YearCloseAuditJson : System.Text.Json.Serialization.JsonSerializerContext;

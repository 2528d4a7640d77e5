using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Application.Appropriations;

public enum RecordingStatus
{
    Recorded,
    YearNotFound,

    /// <summary>A value breaks a rule: <see cref="RecordingResult.Errors"/> per field (HTTP 400).</summary>
    Invalid,

    /// <summary>An account belongs to a committee outside the actor's scope (HTTP 403); nothing stored.</summary>
    OutOfScope,
}

public sealed record RecordingResult(RecordingStatus Status, IReadOnlyDictionary<string, string[]>? Errors = null, string? Message = null)
{
    public static RecordingResult Recorded { get; } = new(RecordingStatus.Recorded);
}

/// <summary>
/// Single writes of movements (appropriation changes) and postings (consumption), by the rules the dataset import
/// applies row by row: a known account of the year, inside the committees the actor may act for, a decision inside
/// the year's <see cref="DecisionWindow"/>, a posting inside the year (<see cref="PostingWindow"/>); the year's
/// ceiling is the store's. Movements are never edited: a correction is another movement.
/// </summary>
public sealed class AppropriationRecording(IYearStore years, IAppropriationStore store, IClock clock)
{
    public async Task<RecordingResult> AddMovement(int year, AppropriationMovement movement, Actor actor, object described, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(movement);
        ArgumentNullException.ThrowIfNull(actor);
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return new RecordingResult(RecordingStatus.YearNotFound);
        }

        var account = await years.FindAccount(year, movement.Account, cancellationToken);
        if (account is null)
        {
            return Invalid("account", $"Account '{movement.Account}' does not exist in {year}.");
        }

        if (!DecisionWindow.Contains(year, movement.DecidedOn))
        {
            return Invalid("decidedOn", DecisionWindow.Problem(year, movement.DecidedOn) + ".");
        }

        if (!actor.MayActFor(account.Committee))
        {
            return new RecordingResult(RecordingStatus.OutOfScope, Message: $"{actor.Name} may only record movements for the committees it is limited to, and account '{movement.Account}' belongs to {account.Committee}.");
        }

        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, "movement.add", $"budget-years/{year}/accounts/{movement.Account}", null, described);
        await store.AddMovements(year, [movement], audit, cancellationToken);
        return RecordingResult.Recorded;
    }

    /// <summary>Adds postings, all or none; errors are keyed by the posting's index as <c>[i].Account</c> / <c>[i].PostedOn</c>.</summary>
    public async Task<RecordingResult> AddPostings(int year, IReadOnlyList<Posting> postings, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postings);
        ArgumentNullException.ThrowIfNull(actor);
        if (await years.FindYear(year, cancellationToken) is null)
        {
            return new RecordingResult(RecordingStatus.YearNotFound);
        }

        var known = (await years.Accounts(year, cancellationToken)).ToDictionary(a => a.Id);
        var errors = new Dictionary<string, string[]>();
        var outOfScope = new List<string>();
        for (var i = 0; i < postings.Count; i++)
        {
            var posting = postings[i];
            if (!known.TryGetValue(posting.Account, out var account))
            {
                errors[$"[{i}].Account"] = [$"Account '{posting.Account}' does not exist in {year}."];
            }
            else if (!actor.MayActFor(account.Committee))
            {
                outOfScope.Add($"[{i}] {posting.Account} ({account.Committee})");
            }

            if (!PostingWindow.Contains(year, posting.PostedOn))
            {
                errors[$"[{i}].PostedOn"] = [PostingWindow.Problem(year, posting.PostedOn) + "."];
            }
        }

        if (errors.Count > 0)
        {
            return new RecordingResult(RecordingStatus.Invalid, errors);
        }

        if (outOfScope.Count > 0)
        {
            return new RecordingResult(RecordingStatus.OutOfScope, Message: $"{actor.Name} may only record postings for the committees it is limited to; outside them: {string.Join(", ", outOfScope.Take(20))}{(outOfScope.Count > 20 ? ", …" : "")}. Nothing was stored.");
        }

        var audit = AuditEntry.Of(year, clock.GetCurrentInstant(), actor, "postings.add", $"budget-years/{year}/postings", null, new
        {
            postings = postings.Count,
            amount = postings.Aggregate(Domain.Money.Amount.Zero, (sum, p) => sum + p.Amount).Kroner,
            accounts = postings.Select(p => p.Account.Value).Distinct().Order(StringComparer.Ordinal).ToArray(),
        });
        await store.AddPostings(year, postings, audit, cancellationToken);
        return RecordingResult.Recorded;
    }

    private static RecordingResult Invalid(string field, string message) =>
        new(RecordingStatus.Invalid, new Dictionary<string, string[]> { [field] = [message] });
}

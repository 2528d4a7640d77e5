using Budget.Application.Audit;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using Budget.Domain.Refusion;
using Budget.Domain.YearEnd;
using NodaTime;

namespace Budget.Application.Estimates;

/// <summary>What the writer says it last saw of an estimate (HTTP If-Match).</summary>
public abstract record ExpectedVersion
{
    private ExpectedVersion()
    {
    }

    /// <summary>No precondition sent.</summary>
    public sealed record None : ExpectedVersion;

    /// <summary>"*": any current version.</summary>
    public sealed record Any : ExpectedVersion;

    public sealed record Exactly(long Version) : ExpectedVersion;

    /// <summary>A precondition that names no version of ours: it can never match.</summary>
    public sealed record Unrecognised : ExpectedVersion;
}

public enum EstimateWriteStatus
{
    Saved,
    YearNotFound,
    AccountNotFound,

    /// <summary>An estimate exists and the writer sent no precondition (HTTP 428).</summary>
    PreconditionRequired,

    /// <summary>The writer's version is not the current one (HTTP 412): someone else wrote in between.</summary>
    PreconditionFailed,

    /// <summary>The round is submitted or later: estimates are locked (HTTP 409).</summary>
    RoundLocked,

    /// <summary>The writer is limited to other committees (HTTP 403).</summary>
    Forbidden,

    /// <summary>A request value breaks a rule (HTTP 400 naming <see cref="EstimateWriteResult.Field"/>).</summary>
    Invalid,
}

public sealed record EstimateWriteResult(EstimateWriteStatus Status, StoredEstimate? Saved = null, RoundState? State = null, string? Field = null, string? Message = null);

/// <summary>An estimate given as consultants think of a benefit: gross payments and full-year persons by anciennity band.</summary>
public sealed record GrossRequest(Amount Gross, IReadOnlyList<PersonsInBand> Persons);

/// <summary>
/// Records a consultant's estimate for a round and account with optimistic concurrency: the first estimate needs
/// no precondition, every change of an existing one must name the version it changes.
/// </summary>
public sealed class EstimateRecording(IYearStore years, IEstimateStore store, IClock clock, RefusionRuleBook? rules = null)
{
    /// <param name="gross">When given, the estimate is its net: the gross less the refusion the rules of each of the year's ISO weeks give the persons.</param>
    public async Task<EstimateWriteResult> Record(int year, AccountEstimate estimate, ExpectedVersion expected, Actor actor, CancellationToken cancellationToken, GrossRequest? gross = null)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(actor);
        var calendar = await years.FindYear(year, cancellationToken);
        if (calendar is null)
        {
            return new EstimateWriteResult(EstimateWriteStatus.YearNotFound);
        }

        var account = await years.FindAccount(year, estimate.Account, cancellationToken);
        if (account is null)
        {
            return new EstimateWriteResult(EstimateWriteStatus.AccountNotFound);
        }

        if (!actor.MayActFor(account.Committee))
        {
            return new EstimateWriteResult(EstimateWriteStatus.Forbidden);
        }

        if (gross is not null)
        {
            var (basis, invalid) = Derive(year, account, gross);
            if (invalid is not null)
            {
                return invalid;
            }

            estimate = estimate with { Estimate = basis!.Net, Basis = basis };
        }

        if (estimate.TimeShift is { } shift && await TimeShiftProblem(year, calendar, estimate, shift, cancellationToken) is { } problem)
        {
            return problem;
        }

        var current = await store.FindEstimate(year, estimate.Round, estimate.Account, cancellationToken);
        long? version;
        switch (expected)
        {
            case ExpectedVersion.None when current is not null:
                return new EstimateWriteResult(EstimateWriteStatus.PreconditionRequired);
            case ExpectedVersion.None:
                version = null;
                break;
            case ExpectedVersion.Any when current is null:
            case ExpectedVersion.Unrecognised:
                return new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed);
            case ExpectedVersion.Any:
                version = current!.Version;
                break;
            case ExpectedVersion.Exactly exactly when current is null || current.Version != exactly.Version:
                return new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed);
            case ExpectedVersion.Exactly exactly:
                version = exactly.Version;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expected));
        }

        var at = clock.GetCurrentInstant();
        // The save is a compare-and-set on the version read here, so when it succeeds, what it replaced is exactly
        // `current` and what it stored is the next version: the audit entry can be written before the save.
        var after = new StoredEstimate(year, estimate, (version ?? 0) + 1, at);
        var audit = AuditEntry.Of(
            year, at, actor, "estimate.record", $"budget-years/{year}/rounds/{estimate.Round}/estimates/{estimate.Account}",
            version is null ? null : Describe(current!), Describe(after));
        var result = await store.SaveEstimate(year, estimate, version, at, audit, cancellationToken);
        return result.Status switch
        {
            EstimateSaveStatus.Saved => new EstimateWriteResult(EstimateWriteStatus.Saved, result.Saved),
            EstimateSaveStatus.RoundLocked => new EstimateWriteResult(EstimateWriteStatus.RoundLocked, State: result.State),
            _ => new EstimateWriteResult(EstimateWriteStatus.PreconditionFailed),
        };
    }

    /// <summary>
    /// A time shift belongs to the 3rd estimate and fits its variance (estimate − corrected budget as of the round's
    /// cut-off): same sign, at most its size (<see cref="TimeShifts.Problem"/>).
    /// </summary>
    private async Task<EstimateWriteResult?> TimeShiftProblem(int year, RoundCalendar calendar, AccountEstimate estimate, Amount shift, CancellationToken cancellationToken)
    {
        if (estimate.Round != TimeShifts.Round)
        {
            return new EstimateWriteResult(EstimateWriteStatus.Invalid, Field: "timeShift", Message: $"A time shift (tidsforskydning) is given with the 3rd estimate, not in round {estimate.Round}.");
        }

        var cutoff = calendar.CutoffOf(estimate.Round);
        var corrected = (await years.History(year, estimate.Account, cancellationToken))
            .Where(h => h.Kind is not null && h.Date <= cutoff)
            .Sum(h => h.Amount);
        return TimeShifts.Problem(shift, estimate.Estimate - corrected) is { } problem
            ? new EstimateWriteResult(EstimateWriteStatus.Invalid, Field: "timeShift", Message: char.ToUpperInvariant(problem[0]) + problem[1..] + ".")
            : null;
    }

    private (GrossBasis? Basis, EstimateWriteResult? Invalid) Derive(int year, Account account, GrossRequest gross)
    {
        static EstimateWriteResult Invalid(string field, string message) => new(EstimateWriteStatus.Invalid, Field: field, Message: message);
        if (account.RefusionBenefit is not { } benefit || rules is null)
        {
            return (null, Invalid("gross", $"Account '{account.Id}' is not marked as a refusion-bearing benefit (refusion_benefit in accounts.csv): give its net estimate."));
        }

        // The year's weeks are its ISO weeks, each under the rules of its own date: a year that spans a change of rule
        // set is netted with each set for the weeks it covers (budget year 2016 wholly on the staircase).
        var mondays = RuleWeeks.MondaysOf(year);
        var rulesOfWeeks = new RefusionRule[gross.Persons.Count, mondays.Count];
        for (var w = 0; w < mondays.Count; w++)
        {
            var on = RuleWeeks.GoverningDate(mondays[w]);
            if (rules.RuleSetInForce(benefit, on) is null)
            {
                return (null, Invalid("gross", $"The rule data has no single rule set for {benefit} in force in week {w + 1} of {year} (from {mondays[w]:yyyy-MM-dd})."));
            }

            for (var i = 0; i < gross.Persons.Count; i++)
            {
                var (rule, error) = rules.FindInForce(benefit, gross.Persons[i].Activity, on);
                if (error is not null)
                {
                    return (null, Invalid($"gross.persons[{i}].{error.Field}", error.Message));
                }

                rulesOfWeeks[i, w] = rule!;
            }
        }

        if (gross.Persons.Sum(p => p.FullYearPersons) <= 0m)
        {
            return (null, Invalid("gross.persons", "The full-year persons add up to 0: the gross cannot be split over them."));
        }

        var ruleSets = string.Join("+", Enumerable.Range(0, mondays.Count).Select(w => rulesOfWeeks[0, w].RuleSet).Distinct());
        return (GrossBasis.Derive(gross.Gross, gross.Persons, ruleSets, mondays.Count, (i, w) => rulesOfWeeks[i, w].RefusionAt(gross.Persons[i].AnciennityWeek)), null);
    }

    /// <summary>An estimate as the audit trail shows it: amounts in kroner.</summary>
    public static object Describe(StoredEstimate stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var e = stored.Estimate;
        return new
        {
            version = stored.Version,
            estimate = e.Estimate.Kroner,
            explanation = e.Explanation,
            outYears = e.OutYears.ToList().Select(a => a.Kroner).ToArray(),
            requestedAppropriation = e.RequestedAppropriation?.Kroner,
            gross = e.Basis?.Gross.Kroner,
            refusion = e.Basis?.Refusion.Kroner,
            timeShift = e.TimeShift?.Kroner,
        };
    }
}

using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Budget.Api.Years;

public sealed record RoundCutoffDto(int Round, LocalDate Cutoff);

public sealed record ActivityAreaDto(string Name, int Accounts);

public sealed record CommitteeDto(string Name, IReadOnlyList<ActivityAreaDto> ActivityAreas);

/// <summary>A year: its rounds and committees, and (contract §9) its <c>state</c>, <c>open</c> or <c>closed</c> with <c>closedOn</c>.</summary>
public sealed record BudgetYearDto(int Year, IReadOnlyList<RoundCutoffDto> Rounds, IReadOnlyList<CommitteeDto> Committees, string State = "open", LocalDate? ClosedOn = null, LocalDate? CarryOversApprovedOn = null);

public sealed record AccountDto(string Account, string Name, string Committee, string ActivityArea, string? Group, string Block, string? ChartNumber, string? RefusionBenefit = null);

public sealed record HistoryEntryDto(
    string Type, LocalDate Date, Instant RecordedAt, string? Kind, int? Round, decimal Amount, string? Reference, string? DecidedBy,
    string? Explanation, IReadOnlyList<decimal>? OutYears, long? Version);

public static class YearEndpoints
{
    public static RouteGroupBuilder MapYearEndpoints(this RouteGroupBuilder year, IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The page needs the years and committees to show reports, also to anonymous readers; accounts and their
        // history (explanations, who decided what) need a role.
        app.MapGet("/api/budget-years", ListYears).WithTags("Budget years").RequireAuthorization(Access.Reports);
        year.MapGet("/", GetYear).WithTags("Budget years").RequireAuthorization(Access.Reports);
        year.MapGet("/committees", ListCommittees).WithTags("Budget years").RequireAuthorization(Access.Reports);
        year.MapGet("/accounts", ListAccounts).WithTags("Budget years").RequireAuthorization(Access.Read);
        year.MapGet("/accounts/{account}/history", GetHistory).WithTags("Budget years").RequireAuthorization(Access.Read);
        return year;
    }

    public static async Task<Ok<int[]>> ListYears(IYearStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.Years(cancellationToken)).ToArray());

    public static async Task<Results<Ok<BudgetYearDto>, NotFoundProblem>> GetYear(int year, IYearStore store, Budget.Application.YearEnd.IYearEndStore yearEnd, CancellationToken cancellationToken)
    {
        var calendar = await store.FindYear(year, cancellationToken);
        var end = await yearEnd.FindYearEnd(year, cancellationToken);
        if (calendar is null || end is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        var accounts = await store.Accounts(year, cancellationToken);
        return TypedResults.Ok(new BudgetYearDto(
            year,
            RoundNumber.All.Select(r => new RoundCutoffDto(r.Value, calendar.CutoffOf(r))).ToArray(),
            Committees(accounts),
            end.StateCode,
            end.ClosedOn,
            end.CarryOversApprovedOn));
    }

    public static async Task<Results<Ok<CommitteeDto[]>, NotFoundProblem>> ListCommittees(int year, IYearStore store, CancellationToken cancellationToken)
    {
        if (await store.FindYear(year, cancellationToken) is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        return TypedResults.Ok(Committees(await store.Accounts(year, cancellationToken)));
    }

    public static async Task<Results<Ok<AccountDto[]>, NotFoundProblem>> ListAccounts(int year, string? committee, string? activityArea, IYearStore store, CancellationToken cancellationToken)
    {
        if (await store.FindYear(year, cancellationToken) is null)
        {
            return Problems.NotFound($"Budget year {year} does not exist.");
        }

        var accounts = (await store.Accounts(year, cancellationToken))
            .Where(a => committee is null || a.Committee == committee)
            .Where(a => activityArea is null || a.ActivityArea == activityArea);
        return TypedResults.Ok(accounts.Select(ToDto).ToArray());
    }

    /// <summary>An account's movements and estimate versions in date order.</summary>
    public static async Task<Results<Ok<HistoryEntryDto[]>, NotFoundProblem>> GetHistory(int year, string account, IYearStore store, CancellationToken cancellationToken)
    {
        if (!AccountId.TryParse(account, out var id, out _) || await store.FindAccount(year, id, cancellationToken) is null)
        {
            return Problems.NotFound($"Account '{account}' does not exist in {year}.");
        }

        var history = await store.History(year, id, cancellationToken);
        return TypedResults.Ok(history.Select(h => new HistoryEntryDto(
            h.Type, h.Date, h.RecordedAt, h.Kind?.ToCode(), h.Round?.Value, h.Amount.Kroner, h.Reference, h.DecidedBy, h.Explanation,
            h.OutYears?.ToList().Select(a => a.Kroner).ToArray(), h.Version)).ToArray());
    }

    internal static AccountDto ToDto(Account a) =>
        new(a.Id.Value, a.Name, a.Committee, a.ActivityArea, a.Group, a.Block.ToCode(), a.ChartNumber?.ToString(), a.RefusionBenefit);

    private static CommitteeDto[] Committees(IEnumerable<Account> accounts) =>
        accounts
            .GroupBy(a => a.Committee)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CommitteeDto(
                g.Key,
                g.GroupBy(a => a.ActivityArea).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new ActivityAreaDto(a.Key, a.Count())).ToArray()))
            .ToArray();
}

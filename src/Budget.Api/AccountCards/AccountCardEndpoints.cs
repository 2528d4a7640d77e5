using Budget.Api.Estimates;
using Budget.Api.FollowUp;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Api.Years;
using Budget.Application.AccountCards;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Budget.Api.AccountCards;

/// <summary>One movement on the card; <c>counted</c> is false for a movement decided after the card's date.</summary>
public sealed record CardMovementDto(LocalDate DecidedOn, string Kind, decimal Amount, string? Reference, string? DecidedBy, bool Counted);

/// <summary>Consumption from 1 January through the month (kr.): this year through the card's date, last year through the month's end.</summary>
public sealed record CardMonthDto(int Month, decimal? ThisYear, decimal? LastYear);

/// <summary>
/// An account card (kontokort) for the page's account view: the account, its follow-up figures as of the round's
/// cut-off (the members of a follow-up row), the movements, consumption by month this year and last, and the round's
/// estimate versions, oldest first. Amounts in kroner.
/// </summary>
public sealed record AccountCardDto(
    int Year,
    int Round,
    LocalDate AsOf,
    AccountDto Account,
    FollowUpRowDto Figures,
    IReadOnlyList<CardMovementDto> Movements,
    int? LastYear,
    IReadOnlyList<CardMonthDto> Months,
    IReadOnlyList<EstimateDto> Estimates)
{
    public static AccountCardDto From(AccountCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var account = YearEndpoints.ToDto(card.Account);
        return new AccountCardDto(
            card.Year,
            card.Round.Value,
            card.AsOf,
            account,
            FollowUpRowDto.From(card.Figures) with
            {
                Committee = account.Committee,
                ActivityArea = account.ActivityArea,
                Account = account.Account,
                Group = account.Group,
                AccountName = account.Name,
                Block = account.Block,
            },
            card.Movements.Select(m => new CardMovementDto(m.Movement.DecidedOn, m.Movement.Kind.ToCode(), m.Movement.Amount.Kroner, m.Movement.Reference, m.Movement.DecidedBy, m.Counted)).ToArray(),
            card.LastYear,
            card.Months.Select(m => new CardMonthDto(m.Month, m.ThisYear?.Kroner, m.LastYear?.Kroner)).ToArray(),
            card.EstimateVersions.Select(EstimateDto.From).ToArray());
    }
}

/// <summary>The account card's query: <c>round</c> (1–3); the card is as of that round's cut-off.</summary>
public sealed record AccountCardParameters(string? Round);

internal sealed class AccountCardParametersValidator : AbstractValidator<AccountCardParameters>
{
    public AccountCardParametersValidator() => RuleFor(p => p.Round).IsRoundQuery();
}

/// <summary>
/// <c>GET /api/budget-years/{year}/accounts/{account}?round=</c>: the account view of the page (contract §8). Like an
/// account's history it holds explanations and who decided what, so it needs a role (never anonymous reading).
/// </summary>
public static class AccountCardEndpoints
{
    public static RouteGroupBuilder MapAccountCardEndpoints(this RouteGroupBuilder year)
    {
        year.MapGet("/accounts/{account}", GetAccountCard).WithTags("Budget years").RequireAuthorization(Access.Read);
        return year;
    }

    public static async Task<Results<Ok<AccountCardDto>, ValidationProblem, NotFoundProblem>> GetAccountCard(
        int year, string account, [AsParameters] AccountCardParameters parameters, AccountCardQuery query, CancellationToken cancellationToken)
    {
        if (!AccountId.TryParse(account, out var id, out _))
        {
            return Problems.NotFound($"Account '{Budget.Domain.Echo.Cut(account)}' does not exist in {year}.");
        }

        var card = await query.Card(year, QueryValues.Round(parameters.Round), id, cancellationToken);
        return card is null
            ? Problems.NotFound($"Account '{id}' does not exist in {year}.")
            : TypedResults.Ok(AccountCardDto.From(card));
    }
}

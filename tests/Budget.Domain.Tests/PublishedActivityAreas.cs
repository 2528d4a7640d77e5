using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>
/// The employment committee's activity-area table of round 1, 2014 (domain.md §5), the one published level with
/// every column. Each activity area is one account here, because the paper publishes no account → area mapping.
/// Figures in 1.000 kr. as printed, entered as whole kroner.
/// </summary>
internal static class PublishedActivityAreas
{
    public const string Committee = "Erhvervs- og Beskæftigelsesudvalget";

    public static readonly Account Employment = new(AccountId.Parse("BESK"), "Beskæftigelse", Committee, "Beskæftigelse");
    public static readonly Account Benefits = new(AccountId.Parse("YDELSER"), "Ydelser og overførsler", Committee, "Ydelser og overførsler");
    public static readonly Account Business = new(AccountId.Parse("ERHVERV"), "Erhverv", Committee, "Erhverv");

    public static Amount Thousands(decimal t) => Amount.Of(t * 1000m);

    public static BudgetYear Year2014()
    {
        var budgetAdopted = new LocalDate(2013, 10, 9);
        var q1 = new LocalDate(2014, 2, 24);
        AppropriationMovement[] movements =
        [
            new(Employment.Id, MovementKind.OriginalBudget, Thousands(293_262), budgetAdopted),
            new(Employment.Id, MovementKind.CouncilDecision, Thousands(-403), q1),
            new(Employment.Id, MovementKind.TechnicalReallocation, Thousands(58), q1),
            new(Benefits.Id, MovementKind.OriginalBudget, Thousands(166_921), budgetAdopted),
            new(Benefits.Id, MovementKind.CarryOver, Thousands(117), new LocalDate(2014, 3, 26)),
            new(Benefits.Id, MovementKind.TechnicalReallocation, Thousands(1_643), q1),
            new(Business.Id, MovementKind.OriginalBudget, Amount.Zero, budgetAdopted),
            new(Business.Id, MovementKind.TechnicalReallocation, Thousands(2_150), q1),
        ];
        Posting[] postings =
        [
            new(Employment.Id, new LocalDate(2014, 1, 31), Thousands(14_000)),
            new(Employment.Id, new LocalDate(2014, 3, 31), Thousands(29_168)),
            new(Benefits.Id, new LocalDate(2014, 2, 28), Thousands(39_364)),
            new(Business.Id, new LocalDate(2014, 3, 15), Thousands(1_675)),
        ];
        var round1 = RoundNumber.Of(1);
        AccountEstimate[] estimates =
        [
            new(round1, Employment.Id, Thousands(287_892), "Mindreforbrug på kontanthjælp og førtidspension", OutYearConsequences.None),
            new(round1, Benefits.Id, Thousands(168_681), "", OutYearConsequences.None),
            new(round1, Business.Id, Thousands(2_150), "", OutYearConsequences.None),
        ];
        return new BudgetYear(2014, [Employment, Benefits, Business], movements, postings, estimates);
    }
}

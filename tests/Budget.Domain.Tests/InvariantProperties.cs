using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>Invariants that must hold for any year, checked on generated years (FsCheck).</summary>
public class InvariantProperties
{
    private static readonly string[] Committees = ["Økonomiudvalget", "Social- og Sundhedsudvalget", "Erhvervs- og Beskæftigelsesudvalget"];
    private static readonly string[] Areas = ["Beskæftigelse", "Ydelser og overførsler", "Erhverv", "Administration"];
    private static readonly string[] Groups = ["Kontante ydelser", "Revalidering m.v.", ""];

    private static readonly Gen<Amount> Amounts = Gen.Choose(-2_000_000_000, 2_000_000_000).Select(ore => Amount.FromOre(ore));

    private static readonly Gen<LocalDate> Dates2014 = Gen.Choose(0, 364).Select(d => new LocalDate(2014, 1, 1).PlusDays(d));

    private static readonly Gen<BudgetYear> Years =
        from accountCount in Gen.Choose(1, 12)
        from accounts in Gen.ArrayOf(
            from committee in Gen.Elements(Committees)
            from area in Gen.Elements(Areas)
            from grouping in Gen.Elements(Groups)
            from block in Gen.Elements(Enum.GetValues<Block>())
            select (committee, area, grouping, block), accountCount)
        let accountList = accounts.Select((a, i) => new Account(AccountId.Parse($"A{i}"), $"Konto {i}", a.committee, a.area, a.grouping, a.block)).ToArray()
        from movements in Gen.ListOf(
            from index in Gen.Choose(0, accountCount - 1)
            from kind in Gen.Elements(Enum.GetValues<MovementKind>())
            from amount in Amounts
            from date in Dates2014
            select new AppropriationMovement(accountList[index].Id, kind, amount, date))
        from postings in Gen.ListOf(
            from index in Gen.Choose(0, accountCount - 1)
            from amount in Amounts
            from date in Dates2014
            select new Posting(accountList[index].Id, date, amount))
        from estimated in Gen.ArrayOf(Gen.Elements(true, false), accountCount)
        from estimateAmounts in Gen.ArrayOf(Amounts, accountCount)
        from outYears in Gen.ArrayOf(Amounts, accountCount)
        let estimates = accountList
            .Where((_, i) => estimated[i])
            .Select((a, i) => new AccountEstimate(RoundNumber.Of(1), a.Id, estimateAmounts[i], "", new OutYearConsequences(outYears[i], outYears[i], Amount.Zero, outYears[i])))
        select new BudgetYear(2014, accountList, movements, postings, estimates);

    private static readonly Gen<(BudgetYear Year, LocalDate AsOf)> YearsWithDates =
        from year in Years
        from asOf in Dates2014
        select (year, asOf);

    [Fact]
    public void Corrected_budget_is_the_original_budget_plus_every_change_decided_by_the_date() =>
        Prop.ForAll(YearsWithDates.ToArbitrary(), sample =>
        {
            var report = FollowUpCalculator.Build(sample.Year, RoundNumber.Of(1), FollowUpGrouping.Account, sample.AsOf);
            return report.Rows.All(row =>
            {
                var decided = sample.Year.Movements.Where(m => m.Account == row.Account!.Id && m.DecidedOn <= sample.AsOf).ToArray();
                var original = decided.Where(m => m.Kind == MovementKind.OriginalBudget).Sum(m => m.Amount);
                var changes = decided.Where(m => m.Kind != MovementKind.OriginalBudget).Sum(m => m.Amount);
                return row.Figures.CorrectedBudget == original + changes
                       && row.Figures.SupplementaryAppropriations == changes
                       && row.Figures.VarianceToCorrected == row.Figures.Estimate - row.Figures.CorrectedBudget;
            });
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_grouping_has_rows_that_sum_to_the_same_total() =>
        Prop.ForAll(YearsWithDates.ToArbitrary(), sample =>
        {
            var totals = Enum.GetValues<FollowUpGrouping>()
                .Select(by => FollowUpCalculator.Build(sample.Year, RoundNumber.Of(1), by, sample.AsOf))
                .ToArray();
            return totals.All(r => r.Rows.Aggregate(FollowUpFigures.Empty, (s, row) => s + row.Figures) == r.Total)
                   && totals.All(r => r.Total == totals[0].Total);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Missing_estimates_are_counted_once_per_account_without_one() =>
        Prop.ForAll(Years.ToArbitrary(), year =>
        {
            var report = FollowUpCalculator.Build(year, RoundNumber.Of(1), FollowUpGrouping.Committee);
            return report.Total.EstimatesMissing == year.Accounts.Count - year.Estimates.Count;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Largest_remainder_rounding_keeps_rows_adding_up_to_the_rounded_total_and_each_row_within_one_thousand() =>
        Prop.ForAll(Gen.ListOf(Amounts).Select(l => l.ToArray()).ToArbitrary(), rows =>
        {
            foreach (var rule in Enum.GetValues<RoundingRule>())
            {
                var rounded = ThousandsRounding.KeepingTotal(rows, rule);
                var exactTotal = rows.Sum();
                if (rounded.Rows.Sum() != rounded.Total || rounded.Total != ThousandsRounding.Round(exactTotal, rule))
                {
                    return false;
                }

                for (var i = 0; i < rows.Length; i++)
                {
                    if (Math.Abs(rounded.Rows[i] * 100_000m - rows[i].Ore) >= 100_000m)
                    {
                        return false;
                    }
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Independent_rounding_moves_no_figure_more_than_half_a_thousand() =>
        Prop.ForAll(Amounts.ToArbitrary(), amount =>
            Math.Abs(ThousandsRounding.Round(amount) * 100_000m - amount.Ore) <= 50_000m
            && ThousandsRounding.Round(-amount) == -ThousandsRounding.Round(amount)).QuickCheckThrowOnFailure();
}

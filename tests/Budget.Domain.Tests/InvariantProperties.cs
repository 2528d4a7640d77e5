using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Domain.Tests;

/// <summary>
/// Invariants that must hold for any year, checked on generated years (FsCheck). The expected figures are worked out
/// here from the raw movements, postings and estimates in øre, without the calculator's types, so a property does not
/// agree with the code merely because it repeats it.
/// </summary>
public class InvariantProperties
{
    private static readonly string[] Committees = ["Økonomiudvalget", "Social- og Sundhedsudvalget", "Erhvervs- og Beskæftigelsesudvalget"];
    private static readonly string[] Areas = ["Beskæftigelse", "Ydelser og overførsler", "Erhverv", "Administration"];
    private static readonly string[] Groups = ["Kontante ydelser", "Revalidering m.v.", ""];

    private static readonly Gen<Amount> Amounts = Gen.Choose(-2_000_000_000, 2_000_000_000).Select(ore => Amount.FromOre(ore));

    private static readonly Gen<LocalDate> Dates2014 = Gen.Choose(0, 364).Select(d => new LocalDate(2014, 1, 1).PlusDays(d));

    // Decisions are allowed from the year before (the original budget is adopted in October) into the next spring.
    private static readonly Gen<LocalDate> DecisionDates = Gen.Choose(0, 910).Select(d => new LocalDate(2013, 1, 1).PlusDays(d));

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
            from date in DecisionDates
            select new AppropriationMovement(accountList[index].Id, kind, amount, date))
        from postings in Gen.ListOf(
            from index in Gen.Choose(0, accountCount - 1)
            from amount in Amounts
            from date in Dates2014
            select new Posting(accountList[index].Id, date, amount))
        from estimateRounds in Gen.ArrayOf(Gen.Elements(0, 1, 2, 3), accountCount)
        from estimateAmounts in Gen.ArrayOf(Amounts, accountCount)
        from outYears in Gen.ArrayOf(Gen.ArrayOf(Amounts, OutYearConsequences.Count), accountCount)
        let estimates = accountList
            .Select((a, i) => (Account: a, Round: estimateRounds[i], Amount: estimateAmounts[i], OutYears: outYears[i]))
            .Where(e => e.Round > 0)
            .Select(e => new AccountEstimate(RoundNumber.Of(e.Round), e.Account.Id, e.Amount, "", OutYearConsequences.From(e.OutYears)))
        select new BudgetYear(2014, accountList, movements, postings, estimates);

    /// <summary>A year, a round and a date; the date is often one on which something was decided or posted, where "on or before" is decided.</summary>
    private sealed record Sample(BudgetYear Year, RoundNumber Round, LocalDate AsOf, FollowUpGrouping By)
    {
        public FollowUpReport Report() => FollowUpCalculator.Build(Year, Round, By, AsOf);

        public override string ToString() =>
            $"round {Round}, as of {AsOf:yyyy-MM-dd}, by {By}; accounts: {string.Join("; ", Year.Accounts.Select(a => $"{a.Id} {a.Committee}/{a.ActivityArea}/{a.Group}/{a.Block}"))}; "
            + $"movements: {string.Join("; ", Year.Movements.Select(m => $"{m.Account} {m.Kind} {m.Amount} {m.DecidedOn:yyyy-MM-dd}"))}; "
            + $"postings: {string.Join("; ", Year.Postings.Select(p => $"{p.Account} {p.Amount} {p.PostedOn:yyyy-MM-dd}"))}; "
            + $"estimates: {string.Join("; ", Year.Estimates.Select(e => $"{e.Round}/{e.Account} {e.Estimate}"))}";
    }

    private static readonly Gen<Sample> Samples =
        from year in Years
        from round in Gen.Elements(RoundNumber.All.ToArray())
        from grouping in Gen.Elements(Enum.GetValues<FollowUpGrouping>())
        from asOf in Gen.Frequency(
            (2, DecisionDates),
            (1, year.Movements.Count == 0 ? Dates2014 : Gen.Elements(year.Movements.Select(m => m.DecidedOn).ToArray())),
            (1, year.Postings.Count == 0 ? Dates2014 : Gen.Elements(year.Postings.Select(p => p.PostedOn).ToArray())))
        select new Sample(year, round, asOf, grouping);

    /// <summary>One account's figures worked out from the raw rows, in øre.</summary>
    private sealed record Expected(long[] ByKind, long Consumption, long? Estimate, long[] OutYears)
    {
        public long Corrected => ByKind.Sum();

        public long Supplementary => Corrected - ByKind[(int)MovementKind.OriginalBudget];

        /// <summary>An account without an estimate in the round is expected to end at its corrected budget.</summary>
        public long EndsAt => Estimate ?? Corrected;

        public static Expected Of(BudgetYear year, Account account, RoundNumber round, LocalDate asOf)
        {
            var byKind = new long[Enum.GetValues<MovementKind>().Length];
            foreach (var movement in year.Movements)
            {
                if (movement.Account == account.Id && movement.DecidedOn <= asOf)
                {
                    byKind[(int)movement.Kind] += movement.Amount.Ore;
                }
            }

            var consumption = year.Postings.Where(p => p.Account == account.Id && p.PostedOn <= asOf).Sum(p => p.Amount.Ore);
            var estimate = year.Estimates.SingleOrDefault(e => e.Account == account.Id && e.Round == round);
            return new Expected(
                byKind,
                consumption,
                estimate?.Estimate.Ore,
                estimate is null ? new long[OutYearConsequences.Count] : estimate.OutYears.ToList().Select(a => a.Ore).ToArray());
        }
    }

    /// <summary>Whether an account belongs to a row of a grouping, by the row's own labels.</summary>
    private static bool Holds(FollowUpRow row, Account account, FollowUpGrouping by) => by switch
    {
        FollowUpGrouping.Account => row.Account!.Id == account.Id,
        FollowUpGrouping.ActivityArea => row.Committee == account.Committee && row.ActivityArea == account.ActivityArea,
        FollowUpGrouping.Committee => row.Committee == account.Committee,
        FollowUpGrouping.Group => row.Committee == account.Committee && row.Group == account.Group,
        FollowUpGrouping.Block => row.Block == account.Block,
        FollowUpGrouping.Municipality => true,
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    private static Expected[] AccountsOf(Sample sample, FollowUpRow row) =>
        sample.Year.Accounts.Where(a => Holds(row, a, sample.By)).Select(a => Expected.Of(sample.Year, a, sample.Round, sample.AsOf)).ToArray();

    [Fact]
    public void Corrected_budget_as_of_a_date_is_the_sum_of_the_movements_decided_on_or_before_it() =>
        Prop.ForAll(Samples.ToArbitrary(), sample => sample.Report().Rows.All(row =>
        {
            var accounts = AccountsOf(sample, row);
            var a = row.Figures.Appropriations;
            return a.CorrectedBudget.Ore == accounts.Sum(e => e.Corrected)
                   && a.SupplementaryAppropriations.Ore == accounts.Sum(e => e.Supplementary)
                   && Enum.GetValues<MovementKind>().All(kind => a[kind].Ore == accounts.Sum(e => e.ByKind[(int)kind]));
        })).QuickCheckThrowOnFailure();

    [Fact]
    public void The_variance_of_every_row_is_the_sum_of_its_accounts_variances_worked_out_per_account() =>
        Prop.ForAll(Samples.ToArbitrary(), sample => sample.Report().Rows.All(row =>
        {
            var accounts = AccountsOf(sample, row);
            return row.Figures.Estimate.Ore == accounts.Sum(e => e.EndsAt)
                   && row.Figures.VarianceToCorrected.Ore == accounts.Sum(e => e.EndsAt - e.Corrected)
                   && row.Figures.VarianceToOriginal.Ore == accounts.Sum(e => e.EndsAt - e.ByKind[(int)MovementKind.OriginalBudget])
                   && row.Figures.OutYears.ToList().Select(y => y.Ore).SequenceEqual(Enumerable.Range(0, OutYearConsequences.Count).Select(i => accounts.Sum(e => e.OutYears[i])))
                   && row.Figures.EstimatesMissing == accounts.Count(e => e.Estimate is null);
        })).QuickCheckThrowOnFailure();

    [Fact]
    public void Consumption_is_the_sum_of_the_postings_dated_on_or_before_the_date() =>
        Prop.ForAll(Samples.ToArbitrary(), sample => sample.Report().Rows.All(row =>
            row.Figures.Consumption.Ore == AccountsOf(sample, row).Sum(e => e.Consumption))).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_account_lies_in_exactly_one_row_and_every_row_has_an_account() =>
        Prop.ForAll(Samples.ToArbitrary(), sample =>
        {
            var rows = sample.Report().Rows;
            return sample.Year.Accounts.All(a => rows.Count(r => Holds(r, a, sample.By)) == 1)
                   && rows.All(r => sample.Year.Accounts.Any(a => Holds(r, a, sample.By)));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_grouping_has_the_same_total_the_sum_of_all_the_years_raw_figures_up_to_the_date() =>
        Prop.ForAll(Samples.ToArbitrary(), sample =>
        {
            var all = sample.Year.Accounts.Select(a => Expected.Of(sample.Year, a, sample.Round, sample.AsOf)).ToArray();
            var totals = Enum.GetValues<FollowUpGrouping>()
                .Select(by => FollowUpCalculator.Build(sample.Year, sample.Round, by, sample.AsOf).Total)
                .ToArray();
            return totals.All(t => t == totals[0])
                   && totals[0].CorrectedBudget.Ore == sample.Year.Movements.Where(m => m.DecidedOn <= sample.AsOf).Sum(m => m.Amount.Ore)
                   && totals[0].Consumption.Ore == sample.Year.Postings.Where(p => p.PostedOn <= sample.AsOf).Sum(p => p.Amount.Ore)
                   && totals[0].VarianceToCorrected.Ore == all.Sum(e => e.EndsAt - e.Corrected)
                   && totals[0].EstimatesMissing == sample.Year.Accounts.Count - sample.Year.Estimates.Count(e => e.Round == sample.Round);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Consumption_percent_has_one_decimal_within_a_twentieth_of_the_exact_ratio_and_is_absent_without_a_budget() =>
        Prop.ForAll(Samples.ToArbitrary(), sample => sample.Report().Rows.Select(r => r.Figures).Append(sample.Report().Total).All(f =>
        {
            var corrected = f.CorrectedBudget.Ore;
            if (corrected == 0)
            {
                return f.ConsumptionPercent is null;
            }

            // decimal holds the ratio to 28 digits, enough to see which side of a twentieth it lies on.
            var exact = f.Consumption.Ore * 100m / corrected;
            return f.ConsumptionPercent is { } percent
                   && percent * 10 == decimal.Truncate(percent * 10)
                   && Math.Abs(percent - exact) <= 0.05m;
        })).QuickCheckThrowOnFailure();

    [Fact]
    public void Largest_remainder_rounding_keeps_rows_adding_up_to_the_rounded_total_and_each_row_within_one_thousand() =>
        Prop.ForAll(Gen.ListOf(Amounts).Select(l => l.ToArray()).ToArbitrary(), rows =>
        {
            foreach (var rule in Enum.GetValues<RoundingRule>())
            {
                var rounded = ThousandsRounding.KeepingTotal(rows, rule);
                var exactOre = rows.Sum(r => r.Ore);
                // The total rounded from the exact sum in øre, halves as the rule says.
                var exactTotal = decimal.Round(exactOre / 100_000m, 0, rule == RoundingRule.HalfToEven ? MidpointRounding.ToEven : MidpointRounding.AwayFromZero);
                if (rounded.Rows.Count != rows.Length || rounded.Rows.Sum() != rounded.Total || rounded.Total != exactTotal)
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

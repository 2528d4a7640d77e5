using Budget.Domain.Money;
using NodaTime;

namespace Budget.Domain.Cases;

/// <summary>
/// Phasing a measure's annual effect over the calendar years by whole months (domain.md §9: papers count in whole
/// months, not days). A month counts when the measure runs from its first day to its last: a measure from 1 July has
/// six months (half its effect) in its first year, one from 15 July five. <c>to</c> is the measure's last day
/// (inclusive); a month it ends inside does not count either. Each year's amount is annual × months / 12, rounded to
/// the øre half away from zero (<see cref="OfYear"/>); a whole year is the annual amount exactly.
/// </summary>
public static class Phasing
{
    /// <summary>The months of <paramref name="year"/> the measure covers whole.</summary>
    public static int MonthsCovered(int year, LocalDate from, LocalDate? to)
    {
        var months = 0;
        for (var month = 1; month <= 12; month++)
        {
            var first = new LocalDate(year, month, 1);
            var last = first.PlusMonths(1).PlusDays(-1);
            if (from <= first && (to is null || to.Value >= last))
            {
                months++;
            }
        }

        return months;
    }

    /// <summary>annual × months / 12 in øre, halves away from zero.</summary>
    public static Amount OfYear(Amount annual, int months)
    {
        Preconditions.Require(months is >= 0 and <= 12, $"A year has 0–12 months, not {months}.");
        var quotient = Math.DivRem(checked(annual.Ore * months), 12L, out var remainder);
        if (Math.Abs(remainder) * 2 >= 12)
        {
            quotient += Math.Sign(remainder);
        }

        return Amount.FromOre(quotient);
    }

    /// <summary>The measure's effect in the four years of a case from <paramref name="firstYear"/>.</summary>
    public static CaseAmounts Amounts(Amount annual, LocalDate from, LocalDate? to, int firstYear) =>
        CaseAmounts.Of(i => OfYear(annual, MonthsCovered(firstYear + i, from, to)));
}

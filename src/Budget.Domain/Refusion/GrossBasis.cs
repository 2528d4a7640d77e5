using Budget.Domain.Money;

namespace Budget.Domain.Refusion;

/// <summary>Full-year persons (helårspersoner) expected in one anciennity band (and activity, where the rate depends on it).</summary>
public sealed record PersonsInBand(int AnciennityWeek, Activity? Activity, decimal FullYearPersons);

/// <summary>
/// An estimate of a refusion-bearing benefit account as consultants think of it: the gross payments and how the
/// full-year persons spread over anciennity bands. The expected refusion is the gross split by persons, each share
/// at its band's rate; the net (gross − refusion) is the estimate that enters the follow-up.
/// </summary>
public sealed record GrossBasis(Amount Gross, IReadOnlyList<PersonsInBand> Persons, string RuleSet, Amount Refusion)
{
    public Amount Net => Gross - Refusion;

    /// <summary>
    /// Refusion = Σ gross × persons in band / all persons × the band's rate, computed exactly and rounded once to øre
    /// half away from zero (so a split into more bands never adds rounding).
    /// </summary>
    public static GrossBasis Derive(Amount gross, IReadOnlyList<PersonsInBand> persons, string ruleSet, Func<PersonsInBand, RefusionRate> rateOf)
    {
        ArgumentNullException.ThrowIfNull(persons);
        ArgumentNullException.ThrowIfNull(rateOf);
        Preconditions.Require(persons.Count > 0, "Give the full-year persons of at least one anciennity band.");
        Preconditions.Require(persons.All(p => p.FullYearPersons >= 0m && p.AnciennityWeek >= 1), "Full-year persons cannot be negative and anciennity weeks start at 1.");
        var total = persons.Sum(p => p.FullYearPersons);
        Preconditions.Require(total > 0m, "The full-year persons add up to 0: the gross cannot be split over them.");
        var weightedRate = persons.Sum(p => p.FullYearPersons * rateOf(p).Percent) / total;
        return new GrossBasis(gross, persons, ruleSet, Amount.RoundToOre(gross.Kroner * weightedRate / 100m));
    }

    /// <summary>
    /// The same over a budget year's weeks, each week at its own rate (its rule set follows its date): the gross is
    /// spread evenly over the weeks and the persons, so refusion = gross × Σ(persons × rate over the weeks) /
    /// (all persons × weeks), where <paramref name="rateOf"/> gives the rate of the i-th band in the w-th week (both from 0), computed exactly and rounded once to øre half away from zero.
    /// </summary>
    public static GrossBasis Derive(Amount gross, IReadOnlyList<PersonsInBand> persons, string ruleSet, int weeks, Func<int, int, RefusionRate> rateOf)
    {
        ArgumentNullException.ThrowIfNull(persons);
        ArgumentNullException.ThrowIfNull(rateOf);
        Preconditions.Require(weeks > 0, "A year has at least one week.");
        Preconditions.Require(persons.Count > 0, "Give the full-year persons of at least one anciennity band.");
        Preconditions.Require(persons.All(p => p.FullYearPersons >= 0m && p.AnciennityWeek >= 1), "Full-year persons cannot be negative and anciennity weeks start at 1.");
        var total = persons.Sum(p => p.FullYearPersons);
        Preconditions.Require(total > 0m, "The full-year persons add up to 0: the gross cannot be split over them.");
        var personRateWeeks = persons.Select((p, i) => p.FullYearPersons * Enumerable.Range(0, weeks).Sum(w => rateOf(i, w).Percent)).Sum();
        return new GrossBasis(gross, persons, ruleSet, Amount.RoundToOre(gross.Kroner * personRateWeeks / (total * weeks) / 100m));
    }
}

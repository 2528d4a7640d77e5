namespace Budget.Domain.Money;

/// <summary>
/// The bounds that keep every sum a report makes exact inside a <see cref="long"/> of øre (at most about
/// 9,2 × 10^18 øre). One amount given as input is at most <see cref="MaxInputKroner"/> (contract §7). A year's
/// movements and its postings may each add up, in absolute value, to at most <see cref="MaxYearMagnitudeOre"/>;
/// a year holds at most <see cref="MaxAccountsPerYear"/> accounts, so its estimates and out-years add up to at
/// most 10^18 øre each. The largest figures reports derive (a variance summed over every account, about 3 × 10^18;
/// the change of a variance between two rounds, about 6 × 10^18) stay below 9,2 × 10^18 øre: no input the API accepts
/// can make a later report overflow.
/// </summary>
public static class AmountCeilings
{
    /// <summary>100.000.000.000 kr. (10^11): one amount in any file or request; no municipal figure comes near.</summary>
    public const decimal MaxInputKroner = 100_000_000_000m;

    public const long MaxInputOre = 10_000_000_000_000L;

    /// <summary>2 × 10^18 øre (20.000 billion billion… 2 × 10^16 kr.): the sum of |amount| over a year's movements, and separately over its postings.</summary>
    public const long MaxYearMagnitudeOre = 2_000_000_000_000_000_000L;

    public const int MaxAccountsPerYear = 100_000;

    public static bool IsWithinInput(Amount amount) => amount.Ore is >= -MaxInputOre and <= MaxInputOre;

    public static bool IsWithinInput(decimal kroner) => Math.Abs(kroner) <= MaxInputKroner;

    /// <summary>"100.000.000.000 kr.", for messages.</summary>
    public static string MaxInputText => "100.000.000.000 kr.";

    /// <summary>
    /// A year's running sum of |amount| with <paramref name="ore"/> more, saturating just above the ceiling so that the
    /// sum itself can never overflow, whatever is added.
    /// </summary>
    public static long AddMagnitude(long magnitude, long ore)
    {
        const long past = MaxYearMagnitudeOre + 1;
        var more = ore == long.MinValue ? past : Math.Min(Math.Abs(ore), past);
        return Math.Min(Math.Min(magnitude, past) + more, past);
    }

    public static bool IsWithinYear(long magnitude) => magnitude <= MaxYearMagnitudeOre;

    /// <summary>Why a write that would cross the year's ceiling is refused.</summary>
    public static string YearProblem(int year, string what) =>
        $"the {what} of {year} would add up to more than {DanishNumbers.Format(MaxYearMagnitudeOre / 100)} kr. in absolute value, the ceiling that keeps every report's sums exact";
}

using Budget.Domain.Money;
using Budget.Domain.Accounts;
using NodaTime;

namespace Budget.Domain.Appropriations;

/// <summary>The number of an estimate round (budgetopfølgning / anslået regnskab): 1, 2 or 3.</summary>
public readonly record struct RoundNumber
{
    public const int First = 1;
    public const int Last = 3;

    private RoundNumber(int value) => Value = value;

    public int Value { get; }

    public static RoundNumber Of(int value)
    {
        Preconditions.Require(value is >= First and <= Last, $"An estimate round is {First}, 2 or {Last}, not {value}.");
        return new RoundNumber(value);
    }

    public static bool TryOf(int value, out RoundNumber round)
    {
        round = value is >= First and <= Last ? new RoundNumber(value) : default;
        return value is >= First and <= Last;
    }

    public static IReadOnlyList<RoundNumber> All { get; } = [new(1), new(2), new(3)];

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The cut-off dates of a year's three estimate rounds: appropriations and consumption up to the date count.</summary>
public sealed record RoundCalendar
{
    private readonly LocalDate[] cutoffs;

    private RoundCalendar(int year, LocalDate[] cutoffs)
    {
        Year = year;
        this.cutoffs = cutoffs;
    }

    public int Year { get; }

    /// <summary>Defaults of domain practice: 31 March, 30 June and 30 September of the year.</summary>
    public static RoundCalendar Default(int year) =>
        new(year, [new LocalDate(year, 3, 31), new LocalDate(year, 6, 30), new LocalDate(year, 9, 30)]);

    public LocalDate CutoffOf(RoundNumber round) => cutoffs[round.Value - 1];

    /// <summary>A calendar with one round's cut-off moved; the cut-off must lie in the year.</summary>
    public RoundCalendar WithCutoff(RoundNumber round, LocalDate cutoff)
    {
        Preconditions.Require(cutoff.Year == Year, $"Round {round}'s cut-off {cutoff:yyyy-MM-dd} is not in {Year}.");
        var copy = (LocalDate[])cutoffs.Clone();
        copy[round.Value - 1] = cutoff;
        return new RoundCalendar(Year, copy);
    }

    public bool Equals(RoundCalendar? other) => other is not null && Year == other.Year && cutoffs.SequenceEqual(other.cutoffs);

    public override int GetHashCode() => HashCode.Combine(Year, cutoffs[0], cutoffs[1], cutoffs[2]);
}

/// <summary>
/// A consultant's estimate (anslået regnskab) of what an account will end the year at, in one round, with the
/// explanation of the variance and its consequences for the out-years. <see cref="RequestedAppropriation"/> is
/// what the consultant asks the council to grant; absent means the whole variance to the corrected budget.
/// For a refusion-bearing benefit the estimate may come from a <see cref="Basis"/> (gross and persons): then
/// <see cref="Estimate"/> is its net.
/// </summary>
public sealed record AccountEstimate(
    RoundNumber Round,
    AccountId Account,
    Amount Estimate,
    string Explanation,
    OutYearConsequences OutYears,
    Amount? RequestedAppropriation = null,
    Refusion.GrossBasis? Basis = null)
{
    /// <summary>
    /// The part of the variance that moves to next year (tidsforskydning), given at the 3rd estimate; null when none.
    /// See <see cref="YearEnd.TimeShifts"/>.
    /// </summary>
    public Amount? TimeShift { get; init; }
}

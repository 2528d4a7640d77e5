using NodaTime;

namespace Budget.Domain.Appropriations;

/// <summary>
/// When an appropriation for a budget year can be decided (contract §7): from 1 January of the year before (the
/// budget is adopted in the autumn before) to 30 June of the year after (the carry-over case is decided in the
/// spring after the year has ended). A date outside it is a typing error, never a decision.
/// </summary>
public static class DecisionWindow
{
    public static LocalDate First(int year) => new(year - 1, 1, 1);

    public static LocalDate Last(int year) => new(year + 1, 6, 30);

    public static bool Contains(int year, LocalDate date) => date >= First(year) && date <= Last(year);

    public static string Problem(int year, LocalDate date) =>
        $"{date:yyyy-MM-dd} is outside the decisions of budget year {year} ({First(year):yyyy-MM-dd} to {Last(year):yyyy-MM-dd})";
}

/// <summary>A posting (consumption) belongs to the budget year it is posted in: the import and single writes refuse others.</summary>
public static class PostingWindow
{
    public static bool Contains(int year, LocalDate date) => date.Year == year;

    public static string Problem(int year, LocalDate date) => $"{date:yyyy-MM-dd} is not in the budget year {year}";
}

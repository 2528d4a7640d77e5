using System.Globalization;
using System.Text.RegularExpressions;

namespace Budget.Domain.Accounts;

/// <summary>
/// A number in the national chart of accounts (Budget- og regnskabssystem for kommuner):
/// hovedkonto.hovedfunktion.funktion, optionally followed by a gruppering, e.g. "5.57.73" or "5.57.73.001".
/// </summary>
public readonly partial record struct ChartNumber(int MainAccount, int MainFunction, int Function, int? Grouping)
{
    public static ChartNumber Parse(string text) =>
        TryParse(text, out var number) ? number : throw new BudgetRuleException($"'{text}' is not a chart number like 5.57.73.");

    public static bool TryParse(string? text, out ChartNumber number)
    {
        number = default;
        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            return false;
        }

        number = new ChartNumber(
            Parse(match.Groups["main"].Value),
            Parse(match.Groups["mainFunction"].Value),
            Parse(match.Groups["function"].Value),
            match.Groups["grouping"].Success ? Parse(match.Groups["grouping"].Value) : null);
        return true;

        static int Parse(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);
    }

    public override string ToString() =>
        Grouping is { } grouping
            ? $"{MainAccount}.{MainFunction:00}.{Function:00}.{grouping:000}"
            : $"{MainAccount}.{MainFunction:00}.{Function:00}";

    [GeneratedRegex(@"^(?<main>[0-9])\.(?<mainFunction>[0-9]{2})\.(?<function>[0-9]{2})(\.(?<grouping>[0-9]{3}))?$")]
    private static partial Regex Pattern();
}

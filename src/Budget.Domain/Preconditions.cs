using System.Runtime.CompilerServices;

namespace Budget.Domain;

/// <summary>Thrown when a value would break a rule of the budget model (an invalid code, an amount with øre fractions, ...).</summary>
public sealed class BudgetRuleException(string message) : Exception(message);

internal static class Preconditions
{
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new BudgetRuleException(message);
        }
    }

    /// <summary>
    /// The same, with a message written only when the rule is broken: an interpolated message was formatted on every
    /// call before (an amount's kroner, a cut-off through NodaTime's date pattern, whose first use alone costs a
    /// command-line process ~30 ms), on paths that run for every row of an import and every account of a report.
    /// </summary>
    public static void Require(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref BrokenRuleMessage message)
    {
        if (!condition)
        {
            throw new BudgetRuleException(message.ToStringAndClear());
        }
    }
}

/// <summary>Formats <see cref="Preconditions.Require(bool, ref BrokenRuleMessage)"/>'s message (as <c>$"…"</c> would, in the current culture) only when the condition is false.</summary>
[InterpolatedStringHandler]
internal ref struct BrokenRuleMessage
{
    private DefaultInterpolatedStringHandler text;

    public BrokenRuleMessage(int literalLength, int formattedCount, bool condition, out bool broken)
    {
        broken = !condition;
        text = broken ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => text.AppendFormatted(value, format);

    public void AppendFormatted(string? value) => text.AppendFormatted(value);

    public string ToStringAndClear() => text.ToStringAndClear();
}

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
}

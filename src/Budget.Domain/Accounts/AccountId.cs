namespace Budget.Domain.Accounts;

/// <summary>An account's identifier within a budget year (kontonummer), e.g. "5.57.73": unique within the year.</summary>
public readonly record struct AccountId
{
    public const int MaxLength = 64;

    private AccountId(string value) => Value = value;

    public string Value { get; }

    public static AccountId Parse(string text)
    {
        Preconditions.Require(TryParse(text, out var id, out var error), error ?? "");
        return id;
    }

    public static bool TryParse(string? text, out AccountId id, out string? error)
    {
        id = default;
        var value = text?.Trim() ?? "";
        error = value.Length switch
        {
            0 => "an account id is required",
            > MaxLength => $"an account id has at most {MaxLength} characters",
            _ when HasControl(value) => "an account id cannot contain control characters",
            _ => null,
        };
        if (error is not null)
        {
            return false;
        }

        id = new AccountId(value);
        return true;
    }

    private static bool HasControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The national chart number (autoriseret kontoplan) when the id is one, e.g. "5.57.73".</summary>
    public ChartNumber? ChartNumber => Accounts.ChartNumber.TryParse(Value, out var number) ? number : null;

    public override string ToString() => Value;
}

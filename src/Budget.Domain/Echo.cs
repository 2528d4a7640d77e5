namespace Budget.Domain;

/// <summary>Input quoted back in an error message is cut, so a hostile value cannot make the answer as large as the request.</summary>
public static class Echo
{
    public const int MaxLength = 200;

    public static string Cut(string? value) =>
        value is null ? "" : value.Length <= MaxLength ? value : string.Concat(value.AsSpan(0, MaxLength), "…");
}

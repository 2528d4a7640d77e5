using Budget.Domain.Accounts;
using FluentValidation;

namespace Budget.Api.Hosting;

/// <summary>Validation rules shared by the request validators, reusing the domain's own parsers.</summary>
internal static class AmountRules
{
    /// <summary>Larger amounts than this (10 billion kr.) are refused: no municipal account comes near, and øre stay far inside a long.</summary>
    public const decimal MaxKroner = 9_999_999_999_999.99m;

    public static IRuleBuilderOptions<T, decimal> IsKroner<T>(this IRuleBuilder<T, decimal> rule) =>
        rule.Must(v => decimal.Round(v, 2) == v).WithMessage("'{PropertyName}' has more than 2 decimals.")
            .Must(v => Math.Abs(v) <= MaxKroner).WithMessage($"'{{PropertyName}}' is larger than {MaxKroner:0} kr.");

    public static IRuleBuilderOptions<T, string?> IsAccountId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => AccountId.TryParse(v, out _, out _)).WithMessage("'{PropertyName}' is not an account id (1–64 characters).");
}

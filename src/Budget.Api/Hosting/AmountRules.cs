using Budget.Domain.Accounts;
using Budget.Domain.Money;
using FluentValidation;

namespace Budget.Api.Hosting;

/// <summary>Validation rules shared by the request validators, reusing the domain's own parsers and ceilings.</summary>
internal static class AmountRules
{
    public static IRuleBuilderOptions<T, decimal> IsKroner<T>(this IRuleBuilder<T, decimal> rule) =>
        rule.Must(v => decimal.Round(v, 2) == v).WithMessage("'{PropertyName}' has more than 2 decimals.")
            .Must(AmountCeilings.IsWithinInput).WithMessage($"'{{PropertyName}}' is larger than {AmountCeilings.MaxInputText} (the largest amount accepted).");

    public static IRuleBuilderOptions<T, string?> IsAccountId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => AccountId.TryParse(v, out _, out _)).WithMessage("'{PropertyName}' is not an account id (1–64 characters).");
}

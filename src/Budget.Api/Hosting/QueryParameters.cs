using Budget.Application.FollowUp;
using Budget.Domain;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using FluentValidation;
using NodaTime;
using NodaTime.Text;

namespace Budget.Api.Hosting;

/// <summary>
/// Query strings bound as records (<c>[AsParameters]</c>) and checked by the same <see cref="ValidationFilter"/> as
/// bodies: 400 ValidationProblem naming each bad value by its query key. Handlers read the parsed values, which the
/// validators have already proved parse, through the same parsers.
/// </summary>
internal static class QueryValues
{
    public static bool IsRound(string? text) => TryRound(text, out _);

    public static bool TryRound(string? text, out RoundNumber round)
    {
        round = default;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && RoundNumber.TryOf(value, out round);
    }

    public static RoundNumber Round(string? text) => TryRound(text, out var round) ? round : throw new InvalidOperationException($"'{text}' was validated as a round.");

    public static bool IsDate(string? text) => text is null || LocalDatePattern.Iso.Parse(text).Success;

    public static LocalDate? Date(string? text) => text is null ? null : LocalDatePattern.Iso.Parse(text).Value;

    public static FollowUpGrouping Grouping(string? code) => FollowUpGroupings.TryParse(code, out var grouping) ? grouping : throw new InvalidOperationException($"'{code}' was validated as a grouping.");

    public static IRuleBuilderOptions<T, string?> IsRoundQuery<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(IsRound).OverridePropertyName("round").WithMessage((_, v) => $"round must be 1, 2 or 3, not '{Echo.Cut(v)}'");

    public static IRuleBuilderOptions<T, string?> IsGroupingQuery<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => FollowUpGroupings.TryParse(v, out _)).OverridePropertyName("by").WithMessage((_, v) => $"by must be one of {FollowUpGroupings.CodeList}, not '{Echo.Cut(v)}'");
}

/// <summary>The follow-up's query (contract §3, §8): <c>round</c>, <c>by</c>, optional <c>asOf</c> and <c>format</c> (json, csv, xlsx, html).</summary>
public sealed record FollowUpParameters(string? Round, string? By, string? AsOf, string? Format);

internal sealed class FollowUpParametersValidator : AbstractValidator<FollowUpParameters>
{
    public FollowUpParametersValidator()
    {
        RuleFor(p => p.Round).IsRoundQuery();
        RuleFor(p => p.By).IsGroupingQuery();
        RuleFor(p => p.AsOf).Must(QueryValues.IsDate).OverridePropertyName("asOf").WithMessage((_, v) => $"asOf must be a date in the form yyyy-MM-dd, not '{Echo.Cut(v)}'");
        RuleFor(p => p.Format).Must(f => f is null || Reports.ReportEndpoints.Formats.Contains(f)).OverridePropertyName("format")
            .WithMessage((_, v) => $"format must be one of {string.Join(", ", Reports.ReportEndpoints.Formats)}, not '{Echo.Cut(v)}'");
    }
}

/// <summary>The round comparison's query: <c>by</c>.</summary>
public sealed record ComparisonParameters(string? By);

internal sealed class ComparisonParametersValidator : AbstractValidator<ComparisonParameters>
{
    public ComparisonParametersValidator() => RuleFor(p => p.By).IsGroupingQuery();
}

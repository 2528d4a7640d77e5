using System.Text.Json;
using Budget.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Budget.Api.Hosting;

/// <summary>RFC 9457 answers the endpoints share.</summary>
internal static class Problems
{
    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}

/// <summary>
/// 404 as RFC 9457 ProblemDetails (application/problem+json), a type of its own so that result unions name the 404
/// and OpenAPI documents it — <c>NotFound&lt;ProblemDetails&gt;</c> would write plain application/json.
/// </summary>
public sealed class NotFoundProblem(string detail) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private readonly ProblemHttpResult problem = TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public int? StatusCode => StatusCodes.Status404NotFound;

    public Task ExecuteAsync(HttpContext httpContext) => problem.ExecuteAsync(httpContext);

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
    }
}

/// <summary>
/// Maps exceptions to ProblemDetails: a body that cannot be read → 400 naming the field, a broken budget rule → 422;
/// anything else → 500 without internals.
/// </summary>
internal sealed class BudgetExceptionHandler(IProblemDetailsService problemDetails, ILogger<BudgetExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, errors) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } when MissingFields(json) is { Length: > 0 } missing =>
                (400, "The request body lacks a required field", $"Required: {string.Join(", ", missing)}.", missing.ToDictionary(f => f, f => new[] { $"'{f}' is required." })),
            BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this endpoint", json.Message, FieldOf(json)),
            BadHttpRequestException { StatusCode: 400 } bad => (400, "Bad request", Readable(bad), new Dictionary<string, string[]> { [FieldOf(bad)] = [Readable(bad)] }),
            BadHttpRequestException bad => (bad.StatusCode, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(bad.StatusCode), bad.Message, null),
            BudgetRuleException rule => (422, "Budget rule violated", rule.Message, null),
            Budget.Application.YearEnd.YearClosedException closed => (409, "The year is closed", closed.Message, null),
            OverflowException => (422, "Amounts too large", "The amounts involved are too large to add up in øre.", null),
            _ => (500, "An unexpected error occurred", "The error has been logged.", (Dictionary<string, string[]>?)null),
        };
        if (status == 500)
        {
            logger.LogError(exception, "Unhandled exception for {Path}", httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        if (exception is Budget.Application.YearEnd.YearClosedException year)
        {
            problem.Extensions["state"] = "closed";
            problem.Extensions["closedOn"] = year.ClosedOn.ToString("yyyy-MM-dd", null);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// The fields System.Text.Json found missing (a <c>[JsonRequired]</c> property absent from the body), from its
    /// message "… was missing required properties including: 'amount', 'postedOn'."; empty for any other error.
    /// </summary>
    private static string[] MissingFields(JsonException json)
    {
        const string Marker = "missing required properties including:";
        var at = json.Message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return [];
        }

        var prefix = json.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "";
        return json.Message[(at + Marker.Length)..].Split(',')
            .Select(name => name.Trim().TrimEnd('.').Trim('\''))
            .Where(name => name.Length > 0)
            .Select(name => prefix.Length == 0 ? name : $"{prefix}.{name}")
            .ToArray();
    }

    /// <summary>The parameter a binding failure names ("Failed to bind parameter \"int year\" from …"), else the body.</summary>
    private static string FieldOf(BadHttpRequestException bad)
    {
        const string Marker = "Failed to bind parameter \"";
        if (bad.Message.StartsWith(Marker, StringComparison.Ordinal) && bad.Message.IndexOf('"', Marker.Length) is var end and > 0)
        {
            var parameter = bad.Message[Marker.Length..end];
            return parameter[(parameter.LastIndexOf(' ') + 1)..];
        }

        return "body";
    }

    /// <summary>The framework's message, but without its advice to developers for a request that has no body.</summary>
    private static string Readable(BadHttpRequestException bad) =>
        bad.Message.Contains("no body was provided", StringComparison.Ordinal) || bad.Message.Contains("was not provided from body", StringComparison.Ordinal)
            ? "The request has no body: this endpoint takes a JSON body (application/json)."
            : bad.Message;

    private static Dictionary<string, string[]>? FieldOf(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
        return new Dictionary<string, string[]> { [field] = [json.Message] };
    }
}

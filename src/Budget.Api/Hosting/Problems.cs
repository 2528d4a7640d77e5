using System.Text.Json;
using Budget.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Budget.Api.Hosting;

/// <summary>RFC 9457 answers the endpoints share.</summary>
internal static class Problems
{
    /// <summary>404 with a ProblemDetails body (written as application/problem+json), typed so unions can name it.</summary>
    public static NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails> NotFound(string detail) =>
        TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5" });

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
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
            BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this endpoint", json.Message, FieldOf(json)),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message, null),
            BudgetRuleException rule => (422, "Budget rule violated", rule.Message, null),
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

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static Dictionary<string, string[]>? FieldOf(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
        return new Dictionary<string, string[]> { [field] = [json.Message] };
    }
}

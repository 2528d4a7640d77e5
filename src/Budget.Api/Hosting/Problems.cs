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
            BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this endpoint", json.Message, FieldOf(json)),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message, null),
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

    private static Dictionary<string, string[]>? FieldOf(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
        return new Dictionary<string, string[]> { [field] = [json.Message] };
    }
}

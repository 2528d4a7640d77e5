using Budget.Api.Security;
using Budget.Application.Checks;
using Budget.Domain;
using Budget.Domain.Reporting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Budget.Api.Checks;

/// <summary>
/// A cell that does not follow from the others (contract §11): <c>row</c> is the line of the file it was read from
/// (1 = the header), <c>column</c> its header as printed; <c>difference</c> = printed − computed. Extensions: the row's
/// <c>label</c>, the <c>rule</c> that computes the cell (a relation, or the sum of the rows an <c>I alt</c> row totals)
/// and the <c>tolerance</c> rounding allowed.
/// </summary>
public sealed record TableFindingDto(int Row, string Column, decimal Printed, decimal Computed, decimal Difference, string Label, string Rule, decimal Tolerance)
{
    public static TableFindingDto From(TableFinding f) => new(f.Line, f.Column, f.Printed, f.Computed, f.Difference, f.Label, f.Rule, f.Tolerance);
}

/// <summary>The findings; extensions: the figure columns and rows checked, and whether the numbers were read as Danish.</summary>
public sealed record TableCheckResponse(IReadOnlyList<TableFindingDto> Findings, IReadOnlyList<string> Columns, int Rows, bool Danish, bool Exact);

/// <summary>
/// The table check (contract §11): a printed table in, the cells that do not follow from the others out. It touches
/// no stored data, but it is work done on the caller's upload, so like the other calculations (refusion) it needs a
/// signed-in user of any role — never anonymous (decision 0017). The upload is bounded (<see cref="TableCheckLimits"/>).
/// </summary>
public static class CheckEndpoints
{
    /// <summary>Room for the multipart framing and the form fields around the table itself.</summary>
    private const long FormOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = TableCheckLimits.Default;
        app.MapPost("/api/checks/table", CheckTable)
            .WithTags("Checks")
            .WithName("CheckTable")
            .RequireAuthorization(Access.Read)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxBytes + FormOverhead))
            .WithFormOptions(
                multipartBodyLengthLimit: limits.MaxBytes,
                valueCountLimit: limits.MaxRelations + 4,
                valueLengthLimit: checked((int)limits.MaxBytes),
                multipartHeadersLengthLimit: 16 * 1024);
        return app;
    }

    /// <summary>
    /// Multipart: <c>table</c> (the CSV, as a file part or a plain field), optional <c>relations</c> (repeated, or
    /// several on separate lines, e.g. <c>Afvigelse=Anslået-Korrigeret</c>) and optional <c>exact</c> (<c>true</c> |
    /// <c>false</c>). 200 with the findings (none: the table is consistent); 400 naming line and column when the table
    /// or a relation cannot be read; 413 beyond the size limit.
    /// </summary>
    public static async Task<Results<Ok<TableCheckResponse>, ProblemHttpResult>> CheckTable(HttpContext context, CancellationToken cancellationToken)
    {
        var limits = TableCheckLimits.Default;
        var request = context.Request;
        if (request.ContentLength > limits.MaxBytes + FormOverhead)
        {
            return TooLarge(limits);
        }

        if (!request.HasFormContentType)
        {
            return Invalid([new TableCheckError(0, "table", "send the table as multipart/form-data: a part named table (the CSV), optional relations and exact")]);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limits);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            // A part or field past the form limits (the table is larger than the limit).
            return TooLarge(limits);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or InvalidOperationException)
        {
            return Invalid([new TableCheckError(0, null, $"the multipart body cannot be read: {Echo.Cut(e.Message)}")]);
        }

        var files = form.Files.GetFiles("table");
        var fields = form["table"];
        if (files.Count + fields.Count != 1)
        {
            return Invalid([new TableCheckError(0, "table", files.Count + fields.Count == 0 ? "the part 'table' (the CSV) is missing" : "send one part named 'table'")]);
        }

        var exactText = form["exact"];
        if (exactText.Count > 1 || (exactText.Count == 1 && exactText[0] is not ("true" or "false")))
        {
            return Invalid([new TableCheckError(0, "exact", $"exact must be true or false, not '{Echo.Cut(exactText.ToString())}'")]);
        }

        byte[] content;
        if (files.Count == 1)
        {
            if (files[0].Length > limits.MaxBytes)
            {
                return TooLarge(limits);
            }

            using var buffer = new MemoryStream();
            await using (var stream = files[0].OpenReadStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken);
            }

            content = buffer.ToArray();
        }
        else
        {
            content = System.Text.Encoding.UTF8.GetBytes(fields[0] ?? "");
        }

        var outcome = TableChecking.Run(content, form["relations"].Select(r => r ?? ""), exactText.Count == 1 && exactText[0] == "true", limits);
        if (!outcome.Readable)
        {
            return Invalid([.. outcome.Errors]);
        }

        return TypedResults.Ok(new TableCheckResponse(
            outcome.Findings.Select(TableFindingDto.From).ToArray(),
            outcome.Table!.Columns,
            outcome.Table.Rows.Count,
            outcome.Danish,
            exactText.Count == 1 && exactText[0] == "true"));
    }

    /// <summary>"line 7, Anslået: 'x' is not a number", leaving out what is not known.</summary>
    private static string Describe(TableCheckError error) =>
        string.Join(", ", new[] { error.Line > 0 ? $"line {error.Line}" : null, error.Column }.Where(p => p is not null)) is { Length: > 0 } where
            ? $"{where}: {error.Message}"
            : error.Message;

    private static ProblemHttpResult TooLarge(TableCheckLimits limits) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The table is too large",
            detail: $"A table to check is at most {limits.MaxBytes} bytes.");

    private static ProblemHttpResult Invalid(TableCheckError[] errors) =>
        TypedResults.Problem(
            title: "The table cannot be checked",
            detail: $"{errors.Length} problem(s): " + Echo.Cut(string.Join("; ", errors.Select(Describe))),
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new { line = e.Line, column = e.Column, message = e.Message }).ToArray(),
            });
}

using System.Security.Claims;
using Budget.Api.Security;
using Budget.Application.Datasets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Budget.Api.Datasets;

public sealed record ImportCountsDto(int Accounts, int Movements, int Postings, int Estimates);

public static class DatasetEndpoints
{
    /// <summary>A year's postings can be millions of rows; the multipart body is buffered to disk, not memory.</summary>
    public const long MaxDatasetBytes = 4L * 1024 * 1024 * 1024;

    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/budget-years/{year:int}/dataset", ImportDataset)
            .WithTags("Datasets")
            .RequireAuthorization(Access.Finance)
            .WithName("ImportDataset")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxDatasetBytes))
            .WithFormOptions(multipartBodyLengthLimit: MaxDatasetBytes);
        return app;
    }

    /// <summary>Imports a dataset (multipart: one part per CSV file, named accounts, movements, postings, estimates, rounds), all or nothing.</summary>
    public static async Task<Results<Ok<ImportCountsDto>, ProblemHttpResult>> ImportDataset(int year, HttpRequest request, ClaimsPrincipal user, DatasetImport import, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return Invalid([new DatasetError("", 0, null, "send the files as multipart/form-data, one part per file named accounts, movements, postings, estimates or rounds")]);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return Invalid([new DatasetError("", 0, null, $"the multipart body cannot be read: {e.Message}")]);
        }

        var duplicates = form.Files.GroupBy(f => PartName(f)).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (duplicates.Length > 0)
        {
            return Invalid(duplicates.Select(d => new DatasetError(d, 0, null, $"the file '{d}' is sent twice")).ToArray());
        }

        var files = form.Files.ToDictionary(PartName, f => (Func<Stream>)f.OpenReadStream, StringComparer.Ordinal);
        var outcome = await import.Run(year, files, user.ToActor(), cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Ok(new ImportCountsDto(outcome.Counts!.Accounts, outcome.Counts.Movements, outcome.Counts.Postings, outcome.Counts.Estimates))
            : Invalid([.. outcome.Errors], outcome.ErrorCount);
    }

    private static string PartName(IFormFile file)
    {
        var name = string.IsNullOrEmpty(file.Name) ? file.FileName : file.Name;
        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }

    private static ProblemHttpResult Invalid(DatasetError[] errors, int? total = null) =>
        TypedResults.Problem(
            title: "The dataset was not imported",
            detail: $"{total ?? errors.Length} error(s); nothing was stored." + (total > errors.Length ? $" The first {errors.Length} are listed." : ""),
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new { file = e.File, line = e.Line, column = e.Column, message = e.Message }).ToArray(),
            });
}

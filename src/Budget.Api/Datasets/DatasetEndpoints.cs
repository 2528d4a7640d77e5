using System.Security.Claims;
using Budget.Api.Hosting;
using Budget.Api.Security;
using Budget.Application.Datasets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Budget.Api.Datasets;

public sealed record ImportCountsDto(int Accounts, int Movements, int Postings, int Estimates);

/// <summary>
/// The import limits of contract §7, from configuration: <c>Budget:MaxUploadBytes</c> (default 2 GiB; a year's
/// postings can be millions of rows, and the multipart body is buffered to disk, not memory),
/// <c>Budget:MaxConcurrentImports</c> (default 2), <c>Budget:MaxCsvField</c> and <c>Budget:MaxCsvRecord</c>.
/// </summary>
public sealed record ImportSettings(long MaxUploadBytes, int MaxConcurrentImports, CsvLimits Csv)
{
    public const long DefaultMaxUploadBytes = 2L * 1024 * 1024 * 1024;

    public static ImportSettings From(IConfiguration configuration)
    {
        var upload = configuration.GetValue<long?>("Budget:MaxUploadBytes") ?? DefaultMaxUploadBytes;
        var concurrent = configuration.GetValue<int?>("Budget:MaxConcurrentImports") ?? 2;
        var field = configuration.GetValue<int?>("Budget:MaxCsvField") ?? CsvLimits.DefaultMaxField;
        var record = configuration.GetValue<int?>("Budget:MaxCsvRecord") ?? CsvLimits.DefaultMaxRecord;
        Require(upload > 0, "Budget:MaxUploadBytes", "a positive number of bytes");
        Require(concurrent > 0, "Budget:MaxConcurrentImports", "at least 1");
        Require(field > 0 && record >= field, "Budget:MaxCsvField / Budget:MaxCsvRecord", "positive, the record at least as large as the field");
        return new ImportSettings(upload, concurrent, new CsvLimits(field, record));
    }

    private static void Require(bool condition, string key, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{key} must be {what}.");
        }
    }
}

/// <summary>At most <see cref="ImportSettings.MaxConcurrentImports"/> imports at once; one more is told to come back (429) instead of queueing its upload on disk.</summary>
public sealed class ImportGate(ImportSettings settings) : IDisposable
{
    private readonly SemaphoreSlim slots = new(settings.MaxConcurrentImports, settings.MaxConcurrentImports);

    public bool TryEnter() => slots.Wait(0);

    public void Leave() => slots.Release();

    public void Dispose() => slots.Dispose();
}

public static class DatasetEndpoints
{
    /// <summary>Seconds a client told 429 should wait before it tries again.</summary>
    private const int RetryAfterSeconds = 10;

    public static RouteGroupBuilder MapDatasetEndpoints(this RouteGroupBuilder year, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        year.MapPost("/dataset", ImportDataset)
            .WithTags("Datasets")
            .RequireAuthorization(Access.Finance)
            .WithName("ImportDataset")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(settings.MaxUploadBytes))
            // The files are buffered to disk; plain form values (the dataset has none) stay few and small in memory.
            .WithFormOptions(multipartBodyLengthLimit: settings.MaxUploadBytes, valueCountLimit: 16, valueLengthLimit: 1024, multipartHeadersLengthLimit: 16 * 1024);
        return year;
    }

    /// <summary>Imports a dataset (multipart: one part per CSV file, named accounts, movements, postings, estimates, rounds), all or nothing.</summary>
    public static async Task<Results<Ok<ImportCountsDto>, ProblemHttpResult>> ImportDataset(
        int year, HttpContext context, ClaimsPrincipal user, DatasetImport import, ImportGate gate, ImportSettings settings, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > settings.MaxUploadBytes)
        {
            return TooLarge(settings);
        }

        if (!request.HasFormContentType)
        {
            return Invalid([new DatasetError("", 0, null, "send the files as multipart/form-data, one part per file named accounts, movements, postings, estimates or rounds")]);
        }

        if (!gate.TryEnter())
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many imports at once",
                detail: $"Other imports are running (at most Budget:MaxConcurrentImports at a time); try again in {RetryAfterSeconds} seconds.");
        }

        try
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(settings);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or InvalidOperationException)
            {
                // A body cut short (no final boundary), garbage in a boundary or part header: the client's fault.
                return Invalid([new DatasetError("", 0, null, $"the multipart body cannot be read: {Budget.Domain.Echo.Cut(e.Message)}")]);
            }

            var duplicates = form.Files.GroupBy(PartName).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            if (duplicates.Length > 0)
            {
                return Invalid(duplicates.Select(d => new DatasetError(Budget.Domain.Echo.Cut(d), 0, null, $"the file '{Budget.Domain.Echo.Cut(d)}' is sent twice")).ToArray());
            }

            var files = form.Files.ToDictionary(PartName, f => (Func<Stream>)f.OpenReadStream, StringComparer.Ordinal);
            var outcome = await import.Run(year, files, user.ToActor(), cancellationToken);
            if (outcome.YearClosed)
            {
                return Problem(StatusCodes.Status409Conflict, "The year is closed", [.. outcome.Errors], outcome.ErrorCount);
            }

            if (outcome.OutOfScope)
            {
                return Problem(StatusCodes.Status403Forbidden, "The dataset holds rows outside your committees", [.. outcome.Errors], outcome.ErrorCount);
            }

            return outcome.Succeeded
                ? TypedResults.Ok(new ImportCountsDto(outcome.Counts!.Accounts, outcome.Counts.Movements, outcome.Counts.Postings, outcome.Counts.Estimates))
                : Invalid([.. outcome.Errors], outcome.ErrorCount);
        }
        finally
        {
            gate.Leave();
        }
    }

    private static ProblemHttpResult TooLarge(ImportSettings settings) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The upload is too large",
            detail: $"The dataset is larger than Budget:MaxUploadBytes ({settings.MaxUploadBytes} bytes); nothing was stored.");

    private static string PartName(IFormFile file)
    {
        var name = string.IsNullOrEmpty(file.Name) ? file.FileName : file.Name;
        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }

    private static ProblemHttpResult Invalid(DatasetError[] errors, int? total = null) =>
        Problem(StatusCodes.Status400BadRequest, "The dataset was not imported", errors, total);

    private static ProblemHttpResult Problem(int status, string title, DatasetError[] errors, int? total) =>
        TypedResults.Problem(
            title: title,
            detail: $"{total ?? errors.Length} error(s); nothing was stored." + (total > errors.Length ? $" The first {errors.Length} are listed." : ""),
            statusCode: status,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new { file = e.File, line = e.Line, column = e.Column, message = e.Message }).ToArray(),
            });
}

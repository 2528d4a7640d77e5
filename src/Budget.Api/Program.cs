using System.Text.Encodings.Web;
using System.Text.Unicode;
using Budget.Api.Appropriations;
using Budget.Api.Audit;
using Budget.Api.Cases;
using Budget.Api.Datasets;
using Budget.Api.Estimates;
using Budget.Api.FollowUp;
using Budget.Api.Hosting;
using Budget.Api.Refusion;
using Budget.Api.Reports;
using Budget.Api.Security;
using Budget.Api.Users;
using Budget.Api.Workflow;
using Budget.Api.Years;
using Budget.Api.YearEnd;
using Budget.Application.Datasets;
using Budget.Application.Estimates;
using Budget.Application.FollowUp;
using Budget.Application.Users;
using Budget.Application.Workflow;
using Budget.Application.YearEnd;
using FluentValidation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using NodaTime;

var builder = WebApplication.CreateBuilder(args);
StaticPage.UseBesideTheServer(builder.Environment);

var storage = StorageSettings.From(builder.Configuration);
builder.Services.AddBudgetStorage(storage);
builder.Services.AddSingleton<IClock>(SystemClock.Instance);
var auth = AuthSettings.From(builder.Configuration, storage.IsEmbeddedDefault);
builder.Services.AddBudgetAccess(auth);
var imports = ImportSettings.From(builder.Configuration);
builder.Services.AddSingleton(imports);
builder.Services.AddSingleton(imports.Csv);
builder.Services.AddSingleton<ImportGate>();
// Invalid rule data stops the start-up here, with every problem listed (file, line, column).
builder.Services.AddSingleton(RuleSetup.Load(builder.Configuration));
builder.Services.AddScoped<DatasetImport>();
builder.Services.AddScoped<FollowUpQuery>();
builder.Services.AddSingleton<Budget.Domain.FollowUp.KeptFollowUps>();
builder.Services.AddScoped<EstimateRecording>();
builder.Services.AddScoped<RoundWorkflow>();
builder.Services.AddSingleton(Budget.Reports.ServiceClassification.Embedded());
builder.Services.AddScoped<Budget.Reports.CommitteePapers>();
builder.Services.AddScoped<UserAdministration>();
builder.Services.AddScoped<Budget.Application.Appropriations.AppropriationRecording>();
// Appropriation cases, frames and catalogues (issue 18); a broken price index stops the start-up like the rule data.
builder.Services.AddSingleton(PriceIndexSetup.Load(builder.Configuration));
builder.Services.AddScoped<Budget.Application.Cases.CaseRecording>();
builder.Services.AddScoped<Budget.Application.Cases.FrameAllocations>();
builder.Services.AddSingleton<IValidator<CaseRequest>, CaseRequestValidator>();
builder.Services.AddSingleton<IValidator<CaseApproveRequest>, CaseApproveRequestValidator>();
builder.Services.AddSingleton<IValidator<CaseParameters>, CaseParametersValidator>();
builder.Services.AddSingleton<IValidator<CatalogueParameters>, CatalogueParametersValidator>();
builder.Services.AddSingleton<IValidator<FrameAllocationRequest>, FrameAllocationRequestValidator>();

// FluentValidation's DI package is not available here: validators are registered explicitly.
builder.Services.AddSingleton<IValidator<MovementRequest>, MovementRequestValidator>();
builder.Services.AddSingleton<IValidator<FollowUpParameters>, FollowUpParametersValidator>();
builder.Services.AddSingleton<IValidator<ComparisonParameters>, ComparisonParametersValidator>();
builder.Services.AddSingleton<IValidator<ReportParameters>, ReportParametersValidator>();
builder.Services.AddSingleton<IValidator<AuditParameters>, AuditParametersValidator>();
builder.Services.AddSingleton<IValidator<PostingRequest[]>, PostingRequestsValidator>();
builder.Services.AddSingleton<IValidator<EstimateRequest>, EstimateRequestValidator>();
builder.Services.AddSingleton<IValidator<RecommendRequest>, RecommendRequestValidator>();
builder.Services.AddSingleton<IValidator<ApproveRequest>, ApproveRequestValidator>();
builder.Services.AddSingleton<IValidator<UserRequest>, UserRequestValidator>();
builder.Services.AddSingleton<IValidator<RefusionRequest>, RefusionRequestValidator>();
builder.Services.AddSingleton<IValidator<OperatingCapRequest>, OperatingCapRequestValidator>();
builder.Services.AddSingleton<IValidator<CentralRefusionRequest>, CentralRefusionRequestValidator>();
builder.Services.AddSingleton<IValidator<MentorFrameRequest>, MentorFrameRequestValidator>();
// The page's account view (issue 15).
builder.Services.AddScoped<Budget.Application.AccountCards.AccountCardQuery>();
builder.Services.AddSingleton<IValidator<Budget.Api.AccountCards.AccountCardParameters>, Budget.Api.AccountCards.AccountCardParametersValidator>();

// Year-end (contract §9): the carry-over policies are rule data, and invalid data stops the start-up here too.
builder.Services.AddSingleton(CarryOverPolicySetup.Load(builder.Configuration));
builder.Services.AddSingleton<IExpenditureClassifier>(sp => sp.GetRequiredService<Budget.Reports.ServiceClassification>());
builder.Services.AddScoped<YearClosing>();
builder.Services.AddScoped<CarryOverCase>();
builder.Services.AddSingleton<IValidator<CloseRequest>, CloseRequestValidator>();
builder.Services.AddSingleton<IValidator<CarryOverParameters>, CarryOverParametersValidator>();
builder.Services.AddSingleton<IValidator<ApproveCarryOversRequest>, ApproveCarryOversRequestValidator>();
// Forecast assistant, refusion what-if and the table check (issue 19).
builder.Services.AddSingleton<Budget.Application.Forecast.IConsumptionReader>(sp => sp.GetRequiredService<Budget.Data.BudgetStore>());
builder.Services.AddScoped<Budget.Application.Forecast.ForecastQuery>();
builder.Services.AddSingleton<IValidator<Budget.Api.Forecast.ForecastParameters>, Budget.Api.Forecast.ForecastParametersValidator>();
builder.Services.AddSingleton<IValidator<Budget.Api.Forecast.MonthComparisonParameters>, Budget.Api.Forecast.MonthComparisonParametersValidator>();
builder.Services.AddSingleton<IValidator<Budget.Api.Forecast.BacktestParameters>, Budget.Api.Forecast.BacktestParametersValidator>();
builder.Services.AddSingleton<IValidator<WhatIfRequest>, WhatIfRequestValidator>();

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BudgetExceptionHandler>();
// A body that cannot be read (not JSON, a wrong type, an impossible date, a required field missing) is thrown to
// BudgetExceptionHandler, which names the field (contract §7). Minimal APIs throw only in Development otherwise and
// answer a bare 400 everywhere else — the tests' host (Development) and a published server answered differently.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(options =>
{
    // Field names are case-sensitive camelCase (contract, first lines): `Amount` is not `amount`.
    options.SerializerOptions.PropertyNameCaseInsensitive = false;
    // Danish names (æ, ø, å) are written as they are, not as \u escapes.
    options.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
    options.SerializerOptions.Converters.Add(new NulFreeStringConverter());
    options.SerializerOptions.Converters.Add(new LocalDateJsonConverter());
    options.SerializerOptions.Converters.Add(new InstantJsonConverter());
});
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();

// The web page (wwwroot) is static and public; the reports it shows are read through the API with its rules.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi().AllowAnonymous();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health").AllowAnonymous();
// Everything of one budget year under one group; query strings and bodies are checked by the one validation filter.
var year = app.MapGroup("/api/budget-years/{year:int}").AddEndpointFilter<ValidationFilter>();
year.MapYearEndpoints(app)
    .MapDatasetEndpoints(imports)
    .MapFollowUpEndpoints()
    .MapMovementEndpoints()
    .MapEstimateEndpoints()
    .MapRoundEndpoints()
    .MapAuditEndpoints(app)
    .MapReportEndpoints()
    .MapYearEndEndpoints()
    .MapCaseEndpoints()
    .MapFrameAllocationEndpoints();
Budget.Api.AccountCards.AccountCardEndpoints.MapAccountCardEndpoints(year);
app.MapUserEndpoints();
app.MapRefusionEndpoints();
app.MapWhatIfEndpoints();
Budget.Api.Forecast.ForecastEndpoints.MapForecastEndpoints(app);
Budget.Api.Checks.CheckEndpoints.MapCheckEndpoints(app);

await app.PrepareDatabase();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000";
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    Console.WriteLine(storage.DatabasePath is null ? $"Database: {storage.Provider}" : $"Database: {storage.DatabasePath}");
    Console.WriteLine(auth.ResolveAnonymousRead(addresses.ToArray()));
    Console.WriteLine($"Follow-up report: {address}/api/budget-years/{StorageSettings.DemoYear}/follow-up?round=1&by=activity-area");
});

await app.RunAsync();

/// <summary>The API host; public so the tests' WebApplicationFactory can start it.</summary>
public partial class Program;

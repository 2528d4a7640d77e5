using Budget.Reports;

namespace Budget.Api.Hosting;

/// <summary>
/// Response headers that keep the browser from guessing content types, leaking addresses in referrers, or running
/// any script or style the server did not send as a file (contract §7).
/// </summary>
public static class SecurityHeaders
{
    public const string PagePolicy = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'";

    // A report is a document people save and mail on, so its stylesheet stays inside it and is allowed by its hash.
    public static readonly string ReportPolicy = $"{PagePolicy}; style-src 'self' '{HtmlRenderer.StyleHash}'";

    /// <summary>Adds the headers to every response; on HTML the Content-Security-Policy too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Static files, endpoints and error pages all pass here; which of them is HTML is known only once the
        // response starts, from its content type.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                // HTML under /api is always a rendered report; the page and its files come from wwwroot.
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api") ? ReportPolicy : PagePolicy;
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}

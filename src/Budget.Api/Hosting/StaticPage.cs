using Microsoft.Extensions.FileProviders;

namespace Budget.Api.Hosting;

/// <summary>
/// Where the web page's files are read from. The content root is the folder the server was started from; a
/// published server (or the built one) started from any other folder finds no wwwroot there and would answer 404 on
/// <c>/</c>. The page's files are copied beside the server's own assembly, so they are taken from there instead.
/// </summary>
internal static class StaticPage
{
    public static void UseBesideTheServer(IWebHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (Directory.Exists(environment.WebRootPath) && File.Exists(Path.Combine(environment.WebRootPath, "index.html")))
        {
            return;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(beside, "index.html")))
        {
            environment.WebRootPath = beside;
            environment.WebRootFileProvider = new PhysicalFileProvider(beside);
        }
    }
}

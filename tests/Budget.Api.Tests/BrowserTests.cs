using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// What every page test class stands on: the server on real Kestrel with the demo year and anonymous reading, and a
/// headless Chromium started after <see cref="Arrange"/> has put the class's own data on the server.
/// </summary>
public abstract class BrowserTests : IAsyncLifetime, IDisposable
{
    protected BudgetApiFactory Factory { get; } = new(seedDemo: true, anonymousRead: true, kestrel: true);

    protected HeadlessChromium Chromium { get; private set; } = null!;

    protected IBrowser Browser => Chromium.Browser;

    protected string Root => Factory.ClientOptions.BaseAddress.ToString();

    /// <summary>Runs before the browser starts: data the test class needs on the server.</summary>
    protected virtual Task Arrange() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await Arrange();
        Chromium = await HeadlessChromium.Launch();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }
    }

    public void Dispose()
    {
        Factory.Dispose();
        GC.SuppressFinalize(this);
    }
}

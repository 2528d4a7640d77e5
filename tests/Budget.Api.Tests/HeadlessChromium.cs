using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven by Microsoft.Playwright; no browser is ever
/// downloaded.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";
    private readonly IPlaywright playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium> Launch()
    {
        File.Exists(Executable).Should().BeTrue("the browser tests drive Debian's chromium package (apt-get install chromium; .ci/run does it)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Args = ["--no-sandbox"] });
        return new HeadlessChromium(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}

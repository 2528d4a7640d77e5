using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// The forecast in the account view (issue 19, contract §11 in the page of §8): beside the consultant's estimate,
/// never in its place, as of the round's cut-off.
/// </summary>
public sealed class WebPageForecastTests : BrowserTests
{

    [Fact]
    public async Task The_account_view_shows_the_forecast_methods_beside_the_estimate_without_replacing_it()
    {
        var page = await (await Chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await page.GotoAsync(Factory.ClientOptions.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");
        await page.GetByLabel("API-nøgle").FillAsync(await Users.Create(Factory, "Karin Konsulent", ["consultant"]));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind", Exact = true }).ClickAsync();
        // The name shows once the page has loaded again as the signed-in user; a click before that can land on a
        // link the reload is replacing and be lost (CI saw this once on PostgreSQL).
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("Karin Konsulent");
        await page.Locator("#areaGrid").GetByRole(AriaRole.Link, new() { Name = "Erhverv", Exact = true }).ClickAsync();
        await page.Locator("#accountsPanel").GetByRole(AriaRole.Link, new() { Name = "Erhverv", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#accountTitle")).ToHaveTextAsync("6.48.67 Erhverv");

        await Assertions.Expect(page.Locator("#accountView h3", new() { HasText = "Prognose for året pr. 31.03.2014" })).ToHaveCountAsync(1);
        var forecast = page.Locator("#accountView div.forecast table");
        // Consumption 1.675.000 kr. by 31.03.2014, 90 of 365 days: 1.675.000 × 365 / 90 = 6.793.055,56 (to the øre).
        await Assertions.Expect(forecast.Locator("tr", new() { HasText = "Lineær" }).Locator("td").Nth(1)).ToHaveTextAsync("6.793.055,56");
        // The demo database holds no 2013: no profile, no last year, so no suggestion.
        await Assertions.Expect(forecast.Locator("tr", new() { HasText = "Profil" }).Locator("td").Nth(1)).ToHaveTextAsync("ingen tidligere år");
        await Assertions.Expect(forecast.Locator("tr", new() { HasText = "Forslag" }).Locator("td").Nth(1)).ToHaveTextAsync("intet forslag");
        await Assertions.Expect(forecast.Locator("tr", new() { HasText = "Dit estimat" }).Locator("td").Nth(1)).ToHaveTextAsync("2.150.000");
        // The form still holds the consultant's own estimate.
        await Assertions.Expect(page.GetByLabel("Anslået regnskab", new() { Exact = true })).ToHaveValueAsync("2.150.000");
    }
}

using System.Text.Json.Nodes;
using Budget.Domain.Money;
using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// The carry-over preview in the page (issue 17's page part, contract §8/§9): finance and the council see the year's
/// carry-overs per activity area with their policy, the same figures as the API; other roles never see the panel.
/// </summary>
public sealed class WebPageYearEndTests : BrowserTests
{
    private readonly List<string> complaints = [];

    private async Task<IPage> SignedIn(string name, string[] roles)
    {
        var page = await (await Chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        page.Console += (_, message) => complaints.Add(message.Text);
        page.PageError += (_, error) => complaints.Add("page error: " + error);
        await page.GotoAsync(Root);
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");
        await page.GetByLabel("API-nøgle").FillAsync(await Users.Create(Factory, name, roles));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync(name);
        return page;
    }

    private static string Kroner(JsonNode? amount)
    {
        var value = amount!.GetValue<decimal>();
        return DanishNumbers.Format(value, decimal.Truncate(value) == value ? 0 : 2);
    }

    [Theory]
    [InlineData("finance")]
    [InlineData("council")]
    public async Task Finance_and_the_council_see_the_carry_over_preview_per_area_with_its_policy_as_the_api_computes_it(string role)
    {
        var page = await SignedIn("Signe Sekretær", [role]);
        await page.GetByText("Overførsler fra 2014 til 2015", new() { Exact = true }).ClickAsync();

        using var admin = Factory.CreateClient();
        var api = await (await admin.GetAsync("/api/budget-years/2014/carry-overs?by=activity-area")).Json();
        var rows = api!["rows"]!.AsArray();
        rows.Should().NotBeEmpty();
        var table = page.Locator("#carryOverBody table");
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(rows.Count + 1);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i]!;
            var line = table.Locator("tbody tr").Nth(i);
            await Assertions.Expect(line.Locator("td").Nth(1)).ToHaveTextAsync((string)row["activityArea"]!);
            await Assertions.Expect(line.Locator("td").Nth(4)).ToHaveTextAsync(Kroner(row["result"]));
            await Assertions.Expect(line.Locator("td").Nth(5)).ToHaveTextAsync((string?)row["policy"] ?? "");
            await Assertions.Expect(line.Locator("td").Nth(8)).ToHaveTextAsync(Kroner(row["proposed"]));
        }

        var total = table.Locator("tbody tr.total");
        await Assertions.Expect(total.Locator("td").Nth(0)).ToHaveTextAsync("I alt");
        await Assertions.Expect(total.Locator("td").Nth(8)).ToHaveTextAsync(Kroner(api["total"]!["proposed"]));
        await Assertions.Expect(page.Locator("#carryOverBody")).ToContainTextAsync("Foreløbig beregning: året er åbent");
        await Assertions.Expect(page.Locator("#carryOverBody").GetByRole(AriaRole.Link, new() { Name = "XLSX" })).ToHaveCountAsync(1);
        complaints.Should().NotContain(c => c.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || c.StartsWith("page error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("consultant")]
    [InlineData("committee")]
    [InlineData("reader")]
    public async Task Other_roles_are_not_shown_the_carry_over_panel(string role)
    {
        var page = await SignedIn("Ole Øvrig", [role]);
        await Assertions.Expect(page.Locator("#carryOverPanel")).ToBeHiddenAsync();
    }
}

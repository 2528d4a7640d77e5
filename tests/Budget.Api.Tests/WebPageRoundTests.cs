using System.Net;
using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// Sign-in and the round's actions on the page (contract §8), per role, in Chromium, driven by the visible Danish
/// labels. Every user has a browser context of its own, so each has its own session storage, as two people would.
/// </summary>
public sealed class WebPageRoundTests : BrowserTests
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";
    private readonly List<string> complaints = [];

    private static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static ILocator State(IPage page) => page.Locator("#roundState");

    /// <summary>The page, loaded anonymously (the demo year's table is shown), in a fresh browser context.</summary>
    private async Task<IPage> OpenPage(string expectedState = "Åben")
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => complaints.Add(message.Text);
        page.PageError += (_, error) => complaints.Add("page error: " + error);
        await page.GotoAsync(Root);
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");
        await Assertions.Expect(State(page)).ToHaveTextAsync(expectedState);
        return page;
    }

    private static async Task SignIn(IPage page, string key, string name)
    {
        await page.GetByLabel("API-nøgle").FillAsync(key);
        await Button(page, "Log ind").ClickAsync();
        await Assertions.Expect(page.GetByText(name)).ToBeVisibleAsync();
    }

    private static async Task Confirm(IPage page)
    {
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Bekræft" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }

    private static async Task ShouldOfferNoRoundAction(IPage page)
    {
        foreach (var action in new[] { "Indsend runden", "Anbefal", "Godkend", "Genåbn" })
        {
            await Assertions.Expect(Button(page, action)).ToHaveCountAsync(0);
        }
    }

    private void ShouldHaveNoPolicyViolation()
    {
        complaints.Should().NotContain(c => c.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || c.Contains("Refused to", StringComparison.Ordinal));
        complaints.Should().NotContain(c => c.StartsWith("page error", StringComparison.Ordinal));
    }

    private async Task<string> RoundState()
    {
        using var client = Factory.CreateClient();
        return (string)(await (await client.GetAsync(new Uri("/api/budget-years/2014/rounds/1", UriKind.Relative))).Json())["state"]!;
    }

    [Fact]
    public async Task Consultant_submits_the_committee_recommends_and_the_council_approves_in_the_page()
    {
        var consultantKey = await Users.Create(Factory, "Karin Konsulent", ["consultant"]);
        var committeeKey = await Users.Create(Factory, "Erik Erhverv", ["committee"], [Committee]);
        var councilKey = await Users.Create(Factory, "Birgit Byråd", ["council"]);

        var consultant = await OpenPage();
        await SignIn(consultant, consultantKey, "Karin Konsulent");
        await Assertions.Expect(consultant.GetByText("Karin Konsulent")).ToContainTextAsync("konsulent");
        await Button(consultant, "Indsend runden").ClickAsync();
        await Confirm(consultant);
        await Assertions.Expect(State(consultant)).ToHaveTextAsync("Indsendt");
        await Assertions.Expect(Button(consultant, "Indsend runden")).ToHaveCountAsync(0);
        (await RoundState()).Should().Be("submitted");

        var committee = await OpenPage(expectedState: "Indsendt");
        await SignIn(committee, committeeKey, "Erik Erhverv");
        // For the whole municipality a committee has nothing to recommend, and a scoped user never submits, approves or reopens.
        await ShouldOfferNoRoundAction(committee);
        await committee.GetByLabel("Udvalg").SelectOptionAsync(Committee);
        await Button(committee, "Anbefal").ClickAsync();
        await Confirm(committee);
        await Assertions.Expect(State(committee)).ToHaveTextAsync("Anbefalet");
        await ShouldOfferNoRoundAction(committee);
        (await RoundState()).Should().Be("recommended");

        var council = await OpenPage(expectedState: "Anbefalet");
        await SignIn(council, councilKey, "Birgit Byråd");
        await council.GetByLabel("Dato").FillAsync("2014-04-28");
        await council.GetByLabel("Reference").FillAsync("KB 28.04.2014, pkt. 12");
        await Button(council, "Godkend").ClickAsync();
        await Assertions.Expect(State(council)).ToHaveTextAsync("Godkendt");
        await ShouldOfferNoRoundAction(council);
        (await RoundState()).Should().Be("approved");

        var artifacts = Path.Combine(Http.RepositoryRoot(), "artifacts");
        Directory.CreateDirectory(artifacts);
        var screenshot = Path.Combine(artifacts, "web-page-round-approved.png");
        await council.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        new FileInfo(screenshot).Length.Should().BeGreaterThan(10_000);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task Approval_with_a_date_on_the_cutoff_is_refused_and_the_refusal_is_shown_as_text()
    {
        using (var admin = Factory.CreateClient())
        {
            (await admin.PostAsync("/api/budget-years/2014/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.PostAsync("/api/budget-years/2014/rounds/1/recommend", Http.JsonBody(new { committee = Committee }))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var council = await OpenPage(expectedState: "Anbefalet");
        await SignIn(council, await Users.Create(Factory, "Birgit Byråd", ["council"]), "Birgit Byråd");
        await council.GetByLabel("Dato").FillAsync("2014-03-31");
        await Button(council, "Godkend").ClickAsync();

        await Assertions.Expect(council.Locator("#roundMessage")).ToContainTextAsync("Handlingen blev afvist (400");
        await Assertions.Expect(council.Locator("#roundMessage")).ToContainTextAsync("2014-03-31");
        await Assertions.Expect(State(council)).ToHaveTextAsync("Anbefalet");
        (await RoundState()).Should().Be("recommended");
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_transition_made_meanwhile_elsewhere_is_shown_as_the_conflict_and_the_state_is_read_again()
    {
        var consultant = await OpenPage();
        await SignIn(consultant, await Users.Create(Factory, "Karin Konsulent", ["consultant"]), "Karin Konsulent");
        await Assertions.Expect(Button(consultant, "Indsend runden")).ToBeVisibleAsync();
        using (var admin = Factory.CreateClient())
        {
            (await admin.PostAsync("/api/budget-years/2014/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Button(consultant, "Indsend runden").ClickAsync();
        await Confirm(consultant);

        await Assertions.Expect(consultant.Locator("#roundMessage")).ToContainTextAsync("Handlingen blev afvist (409");
        await Assertions.Expect(State(consultant)).ToHaveTextAsync("Indsendt");
        await Assertions.Expect(Button(consultant, "Indsend runden")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Finance_reopens_a_submitted_round_and_is_offered_submit_again()
    {
        using (var admin = Factory.CreateClient())
        {
            (await admin.PostAsync("/api/budget-years/2014/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var finance = await OpenPage(expectedState: "Indsendt");
        await SignIn(finance, await Users.Create(Factory, "Freja Finans", ["finance"]), "Freja Finans");
        await Assertions.Expect(Button(finance, "Indsend runden")).ToHaveCountAsync(0);
        await Button(finance, "Genåbn").ClickAsync();
        await Confirm(finance);

        await Assertions.Expect(State(finance)).ToHaveTextAsync("Åben");
        await Assertions.Expect(Button(finance, "Genåbn")).ToHaveCountAsync(0);
        await Assertions.Expect(Button(finance, "Indsend runden")).ToBeVisibleAsync();
        (await RoundState()).Should().Be("open");
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_reader_and_a_committee_scoped_consultant_see_no_round_action_and_Log_ud_forgets_the_key()
    {
        var readerKey = await Users.Create(Factory, "Lise Læser", ["reader"]);
        var scopedKey = await Users.Create(Factory, "Svend Scoped", ["consultant"], [Committee]);

        var page = await OpenPage();
        await SignIn(page, readerKey, "Lise Læser");
        await Assertions.Expect(page.GetByText("Lise Læser")).ToContainTextAsync("læser");
        await ShouldOfferNoRoundAction(page);
        (await page.EvaluateAsync<string?>("sessionStorage.getItem('budget.apiKey')")).Should().Be(readerKey);
        (await page.EvaluateAsync<int>("localStorage.length")).Should().Be(0, "the key is kept for the browser session only");

        await Button(page, "Log ud").ClickAsync();

        await Assertions.Expect(page.GetByText("Lise Læser")).ToHaveCountAsync(0);
        await Assertions.Expect(Button(page, "Log ind")).ToBeVisibleAsync();
        await Assertions.Expect(Button(page, "Log ud")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByLabel("API-nøgle")).ToHaveValueAsync("");
        (await page.EvaluateAsync<string?>("sessionStorage.getItem('budget.apiKey')")).Should().BeNull();
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");

        // Submitting concerns the whole municipality: a consultant limited to a committee is not offered it (contract §7).
        await SignIn(page, scopedKey, "Svend Scoped");
        await Assertions.Expect(State(page)).ToHaveTextAsync("Åben");
        await ShouldOfferNoRoundAction(page);
        await page.GetByLabel("Udvalg").SelectOptionAsync(Committee);
        await Assertions.Expect(page.Locator("#committeeTitle")).ToContainTextAsync(Committee);
        await ShouldOfferNoRoundAction(page);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_wrong_key_is_told_in_Danish_and_the_page_stays_signed_out_with_the_reports_shown()
    {
        var page = await OpenPage();

        await page.GetByLabel("API-nøgle").FillAsync("not-a-key-of-anyone-at-all");
        await Button(page, "Log ind").ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Nøglen blev ikke genkendt. Du er ikke logget ind." });
        await Assertions.Expect(refusal).ToBeVisibleAsync();
        await Assertions.Expect(Button(page, "Log ud")).ToBeHiddenAsync();

        // A Danish letter cannot travel in a header (the server would answer 400): it is told the same, not sent.
        await page.GetByLabel("API-nøgle").FillAsync("ikke-en-nøgle-til-nogen");
        // The page reads its data again after the refusal: wait for that, so that what follows is the second attempt's.
        await page.RunAndWaitForResponseAsync(() => page.GetByLabel("API-nøgle").PressAsync("Enter"),
            response => response.Url.EndsWith("/api/budget-years", StringComparison.Ordinal));
        await Assertions.Expect(refusal).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "400" })).ToHaveCountAsync(0);
        await Assertions.Expect(Button(page, "Log ud")).ToBeHiddenAsync();
        await Assertions.Expect(Button(page, "Log ind")).ToBeVisibleAsync();
        (await page.EvaluateAsync<string?>("sessionStorage.getItem('budget.apiKey')")).Should().BeNull();
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");
        await Assertions.Expect(State(page)).ToHaveTextAsync("Åben");
        await ShouldOfferNoRoundAction(page);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_slow_earlier_reading_does_not_overwrite_the_later_choice()
    {
        var page = await OpenPage();
        // Round 2's state is answered late: the user has chosen round 1 again by the time it arrives.
        var slow = new TaskCompletionSource();
        await page.RouteAsync("**/api/budget-years/2014/rounds/2", async route =>
        {
            await Task.Delay(1500);
            await route.ContinueAsync();
            slow.TrySetResult();
        });
        await page.GetByLabel("Runde").SelectOptionAsync("2");
        await page.GetByLabel("Runde").SelectOptionAsync("1");
        await Assertions.Expect(page.Locator("#committeeTitle")).ToContainTextAsync("budgetopfølgning 1/2014");
        await slow.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.WaitForTimeoutAsync(500);
        await Assertions.Expect(page.Locator("#committeeTitle")).ToContainTextAsync("budgetopfølgning 1/2014", new() { Timeout = 1 });
        ShouldHaveNoPolicyViolation();
    }
}

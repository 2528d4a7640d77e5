using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Budget.Api.Tests;

/// <summary>
/// The account level of the page (contract §8) in Chromium, per role, driven by the visible Danish labels: activity
/// area → its accounts → one account; the account view in kroner; the estimate form with its ETag, conflict and field
/// errors; the round from estimate to approval; the audit trail; keyboard use and the tablet width.
/// </summary>
public sealed class WebPageAccountTests : BrowserTests
{
    private const string Committee = "Erhvervs- og Beskæftigelsesudvalget";
    private const string Erhverv = "6.48.67";
    private const string Kontanthjaelp = "5.57.73";
    private readonly List<string> complaints = [];

    /// <summary>Screenshots are test artifacts under the test output (docs/web.md shows copies of them).</summary>
    private static string Screenshots
    {
        get
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static ILocator Field(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    /// <summary>A list of the page's header by its label (the label's text also holds the list's options).</summary>
    private static ILocator Choice(IPage page, string label) => page.GetByLabel(new System.Text.RegularExpressions.Regex("^" + label + "\\b"));

    private async Task<IPage> OpenPage(int width = 1280, int height = 900)
    {
        var context = await Chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => complaints.Add(message.Text);
        page.PageError += (_, error) => complaints.Add("page error: " + error);
        await page.GotoAsync(Root);
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");
        return page;
    }

    private static async Task SignIn(IPage page, string key, string name)
    {
        await page.GetByLabel("API-nøgle").FillAsync(key);
        await Button(page, "Log ind").ClickAsync();
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync(name);
    }

    private async Task<IPage> SignedIn(string name, string[] roles, string[]? committees = null, int width = 1280)
    {
        var page = await OpenPage(width);
        await SignIn(page, await Users.Create(Factory, name, roles, committees), name);
        return page;
    }

    /// <summary>Activity area → its accounts → the account, by the links' names.</summary>
    private static async Task OpenAccount(IPage page, string area, string accountName, string heading)
    {
        await page.Locator("#areaGrid").GetByRole(AriaRole.Link, new() { Name = area, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#accountsTitle")).ToHaveTextAsync($"Konti i aktivitetsområdet {area} (kr.)");
        await page.Locator("#accountsPanel").GetByRole(AriaRole.Link, new() { Name = accountName, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#accountTitle")).ToHaveTextAsync(heading);
    }

    private async Task<JsonNode?> StoredEstimate(int round, string account)
    {
        using var admin = Factory.CreateClient();
        var response = await admin.GetAsync($"/api/budget-years/2014/rounds/{round}/estimates/{account}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Json();
    }

    private void ShouldHaveNoPolicyViolation()
    {
        complaints.Should().NotContain(c => c.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || c.Contains("Refused to", StringComparison.Ordinal));
        complaints.Should().NotContain(c => c.StartsWith("page error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_consultant_records_an_estimate_in_kroner_and_sees_it_in_the_committee_table()
    {
        var page = await SignedIn("Karin Konsulent", ["consultant"]);
        await OpenAccount(page, "Erhverv", "Erhverv", "6.48.67 Erhverv");

        // The account view in kroner: components, consumption, movements, chart.
        var view = page.Locator("#accountView");
        await Assertions.Expect(view.Locator("table.figures tr", new() { HasText = "(5) Tekniske omplaceringer" })).ToContainTextAsync("2.150.000");
        await Assertions.Expect(view.Locator("table.figures tr", new() { HasText = "(7) Korrigeret budget" })).ToContainTextAsync("2.150.000");
        await Assertions.Expect(view.Locator("table.figures tr", new() { HasText = "Forbrug pr. 31.03.2014" })).ToContainTextAsync("1.675.000");
        await Assertions.Expect(view.Locator("table.figures tr", new() { HasText = "Forbrug pct." })).ToContainTextAsync("77,9");
        await Assertions.Expect(view).ToContainTextAsync("Erhvervsservice overført fra Økonomiudvalget");
        await Assertions.Expect(view.Locator("svg.consumption polyline.this-year")).ToHaveCountAsync(1);
        await Assertions.Expect(view.Locator("svg.consumption line.budget")).ToHaveCountAsync(1);
        (await view.Locator("svg.consumption circle.this-year").CountAsync()).Should().Be(3, "January to March, as of the cut-off");
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToHaveValueAsync("2.150.000");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "web-account-view.png"), FullPage = true });

        await Field(page, "Anslået regnskab").FillAsync("1.150.000");
        await Field(page, "Bemærkning").FillAsync("Færre virksomhedsbesøg end budgetteret.");
        await Field(page, "Overslagsår 1").FillAsync("-50.000");
        await Field(page, "Overslagsår 2").FillAsync("-50.000");
        await Field(page, "Overslagsår 3").FillAsync("1150000,50");
        await Button(page, "Gem").ClickAsync();

        await Assertions.Expect(page.Locator("#estimateMessage")).ToHaveTextAsync("Gemt: 1.150.000 kr. (version 2).");
        var erhverv = page.Locator("#committeeTable tr", new() { HasText = "Erhverv" });
        await Assertions.Expect(erhverv.Locator("td").Nth(3)).ToHaveTextAsync("1.150");
        await Assertions.Expect(erhverv.Locator("td").Nth(4)).ToHaveTextAsync("-1.000");
        // 458.722 − 1.000 on Erhverv, and the municipality's expected carry-over of −500 (settings.csv) in the total.
        await Assertions.Expect(page.Locator("#committeeTable tr.total td").Nth(3)).ToHaveTextAsync("457.222");
        await Assertions.Expect(page.Locator("#accountView table.figures tr", new() { HasText = "(9) Afvigelse" })).ToContainTextAsync("-1.000.000");
        await Assertions.Expect(page.Locator("#accountView")).ToContainTextAsync("Færre virksomhedsbesøg end budgetteret.");
        var stored = await StoredEstimate(1, Erhverv);
        stored!["estimate"]!.GetValue<decimal>().Should().Be(1_150_000m);
        stored["outYears"]!.Text().Should().Be("[-50000,-50000,1150000.5,0]");
        ((string?)stored["explanation"]).Should().Be("Færre virksomhedsbesøg end budgetteret.");
        ((long)stored["version"]!).Should().Be(2);

        await page.Locator("section", new() { Has = page.Locator("#committeeTable") }).ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "web-committee-table.png") });
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_write_made_meanwhile_is_shown_as_the_conflict_with_the_other_value_and_never_overwritten()
    {
        var page = await SignedIn("Karin Konsulent", ["consultant"]);
        await OpenAccount(page, "Erhverv", "Erhverv", "6.48.67 Erhverv");
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToHaveValueAsync("2.150.000");

        // Someone else saves through the API after the page read version 1.
        using (var admin = Factory.CreateClient())
        {
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/1/estimates/{Erhverv}")
            {
                Content = Http.JsonBody(new { estimate = 1_300_000m, explanation = "Økonomis vurdering", outYears = new[] { 0m, 0m, 0m, 0m } }),
            };
            put.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            (await admin.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Field(page, "Anslået regnskab").FillAsync("1.150.000");
        await Button(page, "Gem").ClickAsync();

        var conflict = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Estimatet er ændret af en anden" });
        await Assertions.Expect(conflict).ToBeVisibleAsync();
        await Assertions.Expect(conflict).ToContainTextAsync("Anslået regnskab 1.300.000 kr.");
        await Assertions.Expect(conflict).ToContainTextAsync("Økonomis vurdering");
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToHaveValueAsync("1.150.000");
        var stored = await StoredEstimate(1, Erhverv);
        stored!["estimate"]!.GetValue<decimal>().Should().Be(1_300_000m, "the other value is never overwritten");
        ((long)stored["version"]!).Should().Be(2);

        // Saving again with the ETag read first is refused again; taking the other value over lets the user go on from it.
        await Button(page, "Gem").ClickAsync();
        await Assertions.Expect(conflict).ToBeVisibleAsync();
        ((long)(await StoredEstimate(1, Erhverv))!["version"]!).Should().Be(2);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "web-estimate-conflict.png"), FullPage = false });
        await Button(page, "Brug den gemte værdi").ClickAsync();
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToHaveValueAsync("1.300.000");
        await Assertions.Expect(Field(page, "Bemærkning")).ToHaveValueAsync("Økonomis vurdering");
        await Field(page, "Anslået regnskab").FillAsync("1.250.000");
        await Button(page, "Gem").ClickAsync();
        await Assertions.Expect(page.Locator("#estimateMessage")).ToHaveTextAsync("Gemt: 1.250.000 kr. (version 3).");
        (await StoredEstimate(1, Erhverv))!["estimate"]!.GetValue<decimal>().Should().Be(1_250_000m);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task Validation_errors_are_shown_beside_their_fields_and_nothing_is_stored()
    {
        var page = await SignedIn("Karin Konsulent", ["consultant"]);
        await OpenAccount(page, "Erhverv", "Erhverv", "6.48.67 Erhverv");

        // Not a Danish number: told before anything is sent.
        await Field(page, "Anslået regnskab").FillAsync("1.15");
        await Button(page, "Gem").ClickAsync();
        await Assertions.Expect(page.Locator("#est-estimate-error")).ToHaveTextAsync("Skriv et beløb i kroner med dansk talformat, fx 1.150.000 eller 1150000,50.");
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToBeFocusedAsync();

        // The API's own field errors (ProblemDetails errors), each beside its field and named in its aria-describedby.
        await Field(page, "Anslået regnskab").FillAsync("1.000.000.000.000");
        await Field(page, "Overslagsår 2").FillAsync("0,001");
        await Button(page, "Gem").ClickAsync();
        var estimateError = page.Locator("#est-estimate-error");
        await Assertions.Expect(estimateError).ToContainTextAsync("larger than 100.000.000.000");
        await Assertions.Expect(page.Locator("#est-outYear2-error")).ToContainTextAsync("more than 2 decimals");
        await Assertions.Expect(page.Locator("#est-outYear1-error")).ToBeHiddenAsync();
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToHaveAttributeAsync("aria-invalid", "true");
        (await Field(page, "Anslået regnskab").GetAttributeAsync("aria-describedby"))!.Split(' ').Should().Contain("est-estimate-error");
        (await Field(page, "Overslagsår 2").GetAttributeAsync("aria-describedby"))!.Split(' ').Should().Contain("est-outYear2-error");
        await Assertions.Expect(Field(page, "Overslagsår 2")).ToHaveAttributeAsync("aria-invalid", "true");
        // The account's own accessible description carries the message (what a screen reader reads with the field).
        (await Field(page, "Anslået regnskab").EvaluateAsync<string>("e => e.getAttribute('aria-describedby').split(' ').map(i => document.getElementById(i).textContent).join(' ')"))
            .Should().Contain("larger than");
        await page.Locator("#estimateForm").ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "web-estimate-field-errors.png") });

        ((long)(await StoredEstimate(1, Erhverv))!["version"]!).Should().Be(1, "nothing was stored");

        // Corrected, the errors go and the estimate is saved.
        await Field(page, "Anslået regnskab").FillAsync("50.000");
        await Field(page, "Overslagsår 2").FillAsync("");
        await Button(page, "Gem").ClickAsync();
        await Assertions.Expect(page.Locator("#estimateMessage")).ToHaveTextAsync("Gemt: 50.000 kr. (version 2).");
        await Assertions.Expect(page.Locator("#accountView .field-error:visible")).ToHaveCountAsync(0);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task The_round_goes_from_estimate_to_approval_in_the_page_and_round_2_shows_the_appropriation()
    {
        var consultantKey = await Users.Create(Factory, "Karin Konsulent", ["consultant"]);
        var committeeKey = await Users.Create(Factory, "Erik Erhverv", ["committee"], [Committee]);
        var councilKey = await Users.Create(Factory, "Birgit Byråd", ["council"]);

        var consultant = await OpenPage();
        await SignIn(consultant, consultantKey, "Karin Konsulent");
        await OpenAccount(consultant, "Erhverv", "Erhverv", "6.48.67 Erhverv");
        await Field(consultant, "Anslået regnskab").FillAsync("1.150.000");
        await Button(consultant, "Gem").ClickAsync();
        await Assertions.Expect(consultant.Locator("#estimateMessage")).ToHaveTextAsync("Gemt: 1.150.000 kr. (version 2).");
        // The message shows before the page's data is read again; the new variance shows once it has been.
        await Assertions.Expect(consultant.Locator("#accountView table.figures tr", new() { HasText = "(9) Afvigelse" })).ToContainTextAsync("-1.000.000");
        await Button(consultant, "Indsend runden").ClickAsync();
        await consultant.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Bekræft" }).ClickAsync();
        await Assertions.Expect(consultant.Locator("#roundState")).ToHaveTextAsync("Indsendt");
        // Submitted, the estimates are locked: the form is gone.
        await Assertions.Expect(Button(consultant, "Gem")).ToHaveCountAsync(0);
        await Assertions.Expect(consultant.Locator("#accountView")).ToContainTextAsync("Runden er indsendt: estimaterne er låst.");

        var committee = await OpenPage();
        await SignIn(committee, committeeKey, "Erik Erhverv");
        await committee.GetByLabel("Udvalg").SelectOptionAsync(Committee);
        await Button(committee, "Anbefal").ClickAsync();
        await committee.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Bekræft" }).ClickAsync();
        await Assertions.Expect(committee.Locator("#roundState")).ToHaveTextAsync("Anbefalet");

        var council = await OpenPage();
        await SignIn(council, councilKey, "Birgit Byråd");
        await council.GetByLabel("Dato").FillAsync("2014-04-28");
        await council.GetByLabel("Reference").FillAsync("KB 28.04.2014, pkt. 12");
        await Button(council, "Godkend").ClickAsync();
        await Assertions.Expect(council.Locator("#roundState")).ToHaveTextAsync("Godkendt");

        // Round 2's corrected budget holds the granted appropriation, shown on the account as a movement; once round 2
        // has an estimate the comparison shows what moved.
        using (var consultantApi = Factory.WithKey(consultantKey))
        {
            (await consultantApi.PutAsync($"/api/budget-years/2014/rounds/2/estimates/{Erhverv}", Http.JsonBody(new { estimate = 1_100_000m, explanation = "Anden runde", outYears = new[] { 0m, 0m, 0m, 0m } })))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await council.GetByLabel("Runde").SelectOptionAsync("2");
        await Assertions.Expect(council.Locator("#roundState")).ToHaveTextAsync("Åben");
        await OpenAccount(council, "Erhverv", "Erhverv", "6.48.67 Erhverv");
        var view = council.Locator("#accountView");
        await Assertions.Expect(view.Locator("table.figures tr", new() { HasText = "Bevillinger fra budgetopfølgning" })).ToContainTextAsync("-1.000.000");
        await Assertions.Expect(view.Locator("table.figures tr", new() { HasText = "(7) Korrigeret budget" })).ToContainTextAsync("1.150.000");
        var granted = view.Locator("tr", new() { HasText = "Bevilling fra budgetopfølgning" });
        await Assertions.Expect(granted).ToContainTextAsync("28.04.2014");
        await Assertions.Expect(granted).ToContainTextAsync("-1.000.000");
        await Assertions.Expect(granted).ToContainTextAsync("KB 28.04.2014, pkt. 12");
        // Round comparison: round 1's estimate and round 2's corrected budget side by side.
        var comparison = view.Locator("tr", new() { HasText = "Ændring 1 → 2" });
        await Assertions.Expect(comparison.Locator("td")).ToHaveTextAsync(["", "-1.000.000", "-50.000", "950.000", ""]);
        await Assertions.Expect(view.Locator("tr", new() { HasText = "2. runde" })).ToContainTextAsync("Anden runde");
        // The council reads; it records no estimates.
        await Assertions.Expect(Button(council, "Gem")).ToHaveCountAsync(0);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_reader_sees_the_account_but_no_write_control_and_anonymous_readers_are_asked_to_sign_in()
    {
        var anonymous = await OpenPage();
        await anonymous.Locator("#areaGrid").GetByRole(AriaRole.Link, new() { Name = "Erhverv", Exact = true }).ClickAsync();
        await Assertions.Expect(anonymous.Locator("#accountsPanel")).ToContainTextAsync("2.150.000");
        await anonymous.Locator("#accountsPanel").GetByRole(AriaRole.Link, new() { Name = "Erhverv", Exact = true }).ClickAsync();
        await Assertions.Expect(anonymous.Locator("#accountView")).ToContainTextAsync("Log ind med en API-nøgle for at se kontoen");
        await Assertions.Expect(anonymous.Locator("#auditPanel")).ToBeHiddenAsync();

        var reader = anonymous;
        await SignIn(reader, await Users.Create(Factory, "Lise Læser", ["reader"]), "Lise Læser");
        await Assertions.Expect(reader.Locator("#accountTitle")).ToHaveTextAsync("6.48.67 Erhverv");
        await Assertions.Expect(reader.Locator("#accountView table.figures")).ToContainTextAsync("2.150.000");
        await Assertions.Expect(reader.Locator("#accountView")).ToContainTextAsync("Estimatet registreres af konsulenter og økonomi, mens runden er åben.");
        await Assertions.Expect(reader.Locator("#accountView input, #accountView textarea, #accountView select")).ToHaveCountAsync(0);
        await Assertions.Expect(reader.Locator("main button:visible")).ToHaveCountAsync(0);
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_consultant_limited_to_another_committee_gets_no_form_on_this_committees_account()
    {
        var page = await SignedIn("Tove Teknik", ["consultant"], ["Teknik- og Miljøudvalget"]);
        await OpenAccount(page, "Erhverv", "Erhverv", "6.48.67 Erhverv");

        await Assertions.Expect(Button(page, "Gem")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#accountView input")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#accountView")).ToContainTextAsync($"Kontoen hører under {Committee}; du registrerer estimater for Teknik- og Miljøudvalget.");
    }

    [Fact]
    public async Task Finance_gives_a_benefit_accounts_estimate_as_gross_and_persons_by_band_and_the_net_is_derived()
    {
        var page = await SignedIn("Freja Finans", ["finance"]);
        await Choice(page, "Runde").SelectOptionAsync("2");
        await Assertions.Expect(page.Locator("#committeeTitle")).ToContainTextAsync("budgetopfølgning 2/2014");
        await OpenAccount(page, "Beskæftigelse", "Kontanthjælp", "5.57.73 Kontanthjælp");

        await page.GetByLabel("Brutto og personer").CheckAsync();
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToBeDisabledAsync();
        await Field(page, "Brutto").FillAsync("115.000.000");
        await Field(page, "Anciennitetsuge, række 1").FillAsync("1");
        await Field(page, "Aktivitet, række 1").SelectOptionAsync(new SelectOptionValue { Label = "Passiv" });
        await Field(page, "Helårspersoner, række 1").FillAsync("520,5");
        await Button(page, "Tilføj række").ClickAsync();
        await Field(page, "Anciennitetsuge, række 2").FillAsync("1");
        await Field(page, "Aktivitet, række 2").SelectOptionAsync(new SelectOptionValue { Label = "Jobrettet aktivering" });
        await Field(page, "Helårspersoner, række 2").FillAsync("310");
        await Button(page, "Tilføj række").ClickAsync();
        await Field(page, "Anciennitetsuge, række 3").FillAsync("1");
        await Field(page, "Aktivitet, række 3").SelectOptionAsync(new SelectOptionValue { Label = "Ordinær uddannelse" });
        await Field(page, "Helårspersoner, række 3").FillAsync("69,5");
        await Field(page, "Bemærkning").FillAsync("Flere i aktivering end forudsat.");
        await Button(page, "Gem").ClickAsync();

        // (520,5 × 30 % + 310 × 50 % + 69,5 × 50 %) / 900 of 115.000.000 is refunded: the net is 70.801.666,67.
        await Assertions.Expect(page.Locator("#estimateMessage")).ToHaveTextAsync("Gemt: 70.801.666,67 kr. (version 1).");
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToHaveValueAsync("70.801.666,67");
        await Assertions.Expect(Field(page, "Helårspersoner, række 1")).ToHaveValueAsync("520,5");
        var stored = await StoredEstimate(2, Kontanthjaelp);
        stored!["estimate"]!.GetValue<decimal>().Should().Be(70_801_666.67m);
        stored["gross"]!["amount"]!.GetValue<decimal>().Should().Be(115_000_000m);
        stored["gross"]!["persons"]!.Text().Should().Be("[{\"anciennityWeek\":1,\"activity\":\"passive\",\"fullYearPersons\":520.5},{\"anciennityWeek\":1,\"activity\":\"job-oriented\",\"fullYearPersons\":310},{\"anciennityWeek\":1,\"activity\":\"education\",\"fullYearPersons\":69.5}]");

        // A band the rules cannot rate is refused by the API and told at that row's field.
        await Field(page, "Aktivitet, række 2").SelectOptionAsync(new SelectOptionValue { Label = "Ikke relevant" });
        await Button(page, "Gem").ClickAsync();
        await Assertions.Expect(page.Locator("#est-person-1-activity-error")).ToContainTextAsync("depends on the activity");
        await page.Locator("#estimateForm").ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "web-benefit-estimate.png") });
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task The_keyboard_reaches_every_account_every_input_has_a_label_and_focus_is_visible()
    {
        var page = await SignedIn("Freja Finans", ["finance"]);

        // Keyboard only: a focused link follows on Enter, and focus moves to what it opened.
        await page.Locator("#areaGrid").GetByRole(AriaRole.Link, new() { Name = "Beskæftigelse", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#accountsTitle")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#accountTitle")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#accountTitle")).ToHaveTextAsync("3.30.46 Erhvervsgrunduddannelse");
        await page.Keyboard.PressAsync("Tab");
        var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth");
        outline.Should().Be("solid 3px", "the focused element shows where the keyboard is");

        // Every account of every area is reachable from the area grid.
        var reached = new List<string>();
        foreach (var area in new[] { "Beskæftigelse", "Erhverv", "Ydelser og overførsler" })
        {
            await page.Locator("#areaGrid").GetByRole(AriaRole.Link, new() { Name = area, Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#accountsTitle")).ToContainTextAsync(area);
            reached.AddRange(await page.Locator("#accountsPanel tbody tr:not(.total) td:first-child").AllInnerTextsAsync());
            (await page.Locator("#accountsPanel tbody tr:not(.total) a").CountAsync()).Should().Be(await page.Locator("#accountsPanel tbody tr:not(.total)").CountAsync());
        }

        reached.Should().HaveCount(23).And.OnlyHaveUniqueItems();

        // Every input, select and textarea of the page, with the estimate form of a benefit account open, has a label.
        await page.GotoAsync(Root + "#konto=5.57.73");
        await Assertions.Expect(Field(page, "Anslået regnskab")).ToBeVisibleAsync();
        await page.GetByLabel("Brutto og personer").CheckAsync();
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea')]
              .filter(e => e.offsetParent !== null && e.labels.length === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
              .map(e => e.id || e.outerHTML.slice(0, 80))
            """);
        unlabelled.Should().BeEmpty();
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task At_tablet_width_the_page_does_not_scroll_sideways_and_the_account_view_is_one_column()
    {
        var page = await SignedIn("Karin Konsulent", ["consultant"], width: 800);
        await OpenAccount(page, "Erhverv", "Erhverv", "6.48.67 Erhverv");

        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).Should().BeTrue("wide tables scroll inside their section, not the page");
        var figures = await page.Locator("#accountView table.figures").BoundingBoxAsync();
        var form = await page.Locator("#estimateForm").BoundingBoxAsync();
        form!.Y.Should().BeGreaterThan(figures!.Y + figures.Height - 1, "the form comes below the figures at this width");
        (await page.Locator("svg.consumption").BoundingBoxAsync())!.Width.Should().BeLessThan(800);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "web-account-view-tablet.png"), FullPage = true });
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task The_approval_fields_keep_what_the_council_typed_when_the_page_reads_its_data_again()
    {
        using (var admin = Factory.CreateClient())
        {
            (await admin.PostAsync("/api/budget-years/2014/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.PostAsync("/api/budget-years/2014/rounds/1/recommend", Http.JsonBody(new { committee = Committee }))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var council = await SignedIn("Birgit Byråd", ["council"]);
        await council.GetByLabel("Dato").FillAsync("2014-04-28");
        await council.GetByLabel("Reference").FillAsync("KB 28.04.2014, pkt. 12");

        // Choosing a committee and opening an account read the round and the tables again.
        await council.GetByLabel("Udvalg").SelectOptionAsync(Committee);
        await Assertions.Expect(council.Locator("#committeeTitle")).ToContainTextAsync(Committee);
        await OpenAccount(council, "Erhverv", "Erhverv", "6.48.67 Erhverv");
        await council.GetByLabel("Udvalg").SelectOptionAsync("");
        await Assertions.Expect(council.Locator("#committeeTitle")).ToContainTextAsync("Hele kommunen");
        await Assertions.Expect(council.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");

        await Assertions.Expect(council.GetByLabel("Dato")).ToHaveValueAsync("2014-04-28");
        await Assertions.Expect(council.GetByLabel("Reference")).ToHaveValueAsync("KB 28.04.2014, pkt. 12");
        await Button(council, "Godkend").ClickAsync();
        await Assertions.Expect(council.Locator("#roundState")).ToHaveTextAsync("Godkendt");
    }

    [Fact]
    public async Task A_reload_or_a_bookmark_opens_the_account_in_the_year_and_round_it_was_opened_in()
    {
        var page = await SignedIn("Karin Konsulent", ["consultant"]);
        using (var admin = Factory.CreateClient())
        {
            var import = await admin.PostAsync("/api/budget-years/2015/dataset", Http.Dataset(
                ("accounts", $"committee,activity_area,account,name\n{Committee},Erhverv,{Erhverv},Erhverv i 2015\n")));
            import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }

        // Opened afresh, the page shows the latest year.
        await page.GotoAsync(Root);
        await Assertions.Expect(Choice(page, "År")).ToHaveValueAsync("2015");
        await Choice(page, "År").SelectOptionAsync("2014");
        await Assertions.Expect(page.Locator("#committeeTable tr.total")).ToContainTextAsync("460.182");
        await Choice(page, "Runde").SelectOptionAsync("3");
        await OpenAccount(page, "Erhverv", "Erhverv", $"{Erhverv} Erhverv"); // at once: a link drawn for round 1 leads to round 3 now
        new Uri(page.Url).Fragment.Should().Be($"#aar=2014&runde=3&konto={Erhverv}");

        // An account number is the same in every year: a reload must not open 2015's account with its estimate form.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#accountTitle")).ToHaveTextAsync($"{Erhverv} Erhverv");
        await Assertions.Expect(Choice(page, "År")).ToHaveValueAsync("2014");
        await Assertions.Expect(Choice(page, "Runde")).ToHaveValueAsync("3");

        // Choosing another year shows its account of the same number, and the address says which year it is.
        await Choice(page, "År").SelectOptionAsync("2015");
        await Assertions.Expect(page.Locator("#accountTitle")).ToHaveTextAsync($"{Erhverv} Erhverv i 2015");
        new Uri(page.Url).Fragment.Should().Be($"#aar=2015&runde=3&konto={Erhverv}");

        // A bookmark of a year this page cannot show opens no account at all, and says why.
        await page.GotoAsync(Root + $"#aar=1999&runde=1&konto={Erhverv}");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Adressen nævner budgetåret 1999, som ikke kan vises her");
        await Assertions.Expect(page.Locator("#accountView")).ToBeHiddenAsync();
        new Uri(page.Url).Fragment.Should().NotContain("konto");

        // A bookmark opened in a new tab (a fresh load, not a change of address; not signed in there) opens the year
        // and round it names.
        var fresh = await page.Context.NewPageAsync();
        await fresh.GotoAsync(Root + $"#aar=2014&runde=2&konto={Erhverv}");
        await Assertions.Expect(fresh.Locator("#accountTitle")).ToContainTextAsync(Erhverv);
        await Assertions.Expect(Choice(fresh, "År")).ToHaveValueAsync("2014");
        await Assertions.Expect(Choice(fresh, "Runde")).ToHaveValueAsync("2");
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task A_long_remark_wraps_inside_the_account_view()
    {
        var remark = string.Join(' ', Enumerable.Repeat("Flere modtagere af kontanthjælp end budgetteret, især unge under 30 år uden uddannelse.", 10));
        using (var admin = Factory.CreateClient())
        {
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/1/estimates/{Erhverv}") { Content = Http.JsonBody(new { estimate = 1m, explanation = remark, outYears = new[] { 0m, 0m, 0m, 0m } }) };
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            (await admin.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var page = await SignedIn("Lise Læser", ["reader"]);
        await OpenAccount(page, "Erhverv", "Erhverv", $"{Erhverv} Erhverv");
        await Assertions.Expect(page.Locator("#accountView td.explanation").First).ToContainTextAsync("uden uddannelse");
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).Should().BeTrue("a remark wraps instead of widening the page");
        (await page.Locator("#accountView td.explanation").First.BoundingBoxAsync())!.Height.Should().BeGreaterThan(40, "900 characters take several lines");
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task Last_years_consumption_is_drawn_when_the_database_holds_it()
    {
        using (var admin = Factory.CreateClient())
        {
            var import = await admin.PostAsync("/api/budget-years/2013/dataset", Http.Dataset(
                ("accounts", $"committee,activity_area,account,name\n{Committee},Erhverv,6.48.67,Erhverv\n"),
                ("postings", "account,posted_on,amount\n6.48.67,2013-02-14,400000\n6.48.67,2013-12-31,1600000\n")));
            import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }

        var page = await SignedIn("Lise Læser", ["reader"]);
        // The latest year is chosen when the page opens (choosing it again would read the page's data once more).
        await Assertions.Expect(page.Locator("#year")).ToHaveValueAsync("2014");
        await page.GotoAsync(Root + "#konto=6.48.67");
        var chart = page.Locator("#accountView figure.chart");
        await Assertions.Expect(chart.Locator("polyline.last-year")).ToHaveCountAsync(1);
        await Assertions.Expect(chart.Locator("ul.legend")).ToContainTextAsync("Forbrug 2013");
        await chart.GetByText("Vis tallene bag grafen").ClickAsync();
        await Assertions.Expect(chart.Locator("tr", new() { HasText = "dec" })).ToContainTextAsync("2.000.000");
        await Assertions.Expect(chart.Locator("tr", new() { HasText = "mar" })).ToContainTextAsync("1.675.000");
        await Assertions.Expect(chart.Locator("svg")).ToHaveAttributeAsync("role", "img");
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task The_years_audit_trail_is_shown_to_signed_in_roles_and_every_export_is_linked()
    {
        using (var admin = Factory.CreateClient())
        {
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/2014/rounds/1/estimates/{Erhverv}") { Content = Http.JsonBody(new { estimate = 1m, explanation = "x", outYears = new[] { 0m, 0m, 0m, 0m } }) };
            put.Headers.TryAddWithoutValidation("If-Match", "*");
            (await admin.SendAsync(put)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var page = await SignedIn("Lise Læser", ["reader"]);
        await page.GetByText("Revisionsspor for 2014").ClickAsync();
        var audit = page.Locator("#auditBody");
        await Assertions.Expect(audit.Locator("tbody tr").First).ToContainTextAsync("Estimat registreret");
        await Assertions.Expect(audit.Locator("tbody tr").First).ToContainTextAsync("bootstrap-admin");
        await Assertions.Expect(audit).ToContainTextAsync("Import af datasæt");

        var links = page.Locator("#followUpExports a");
        (await links.CountAsync()).Should().Be(12);
        (await page.Locator("#exports a").CountAsync()).Should().Be(21);
        var csv = await links.Nth(2).GetAttributeAsync("href");
        csv.Should().Be("/api/budget-years/2014/follow-up?round=1&by=account&format=csv");
        using var anonymous = Factory.Anonymous();
        var response = await anonymous.GetAsync(csv);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        ShouldHaveNoPolicyViolation();
    }

    [Fact]
    public async Task Values_holding_markup_are_text_in_the_account_list_and_the_account_view()
    {
        const string payload = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script><b>fed</b>";
        static string Csv(string field) => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        using (var admin = Factory.CreateClient())
        {
            var import = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
                ("accounts", $"committee,activity_area,account,name,group\nTeknik,{Csv("Veje " + payload)},2.28.20,{Csv("Vej " + payload)},{Csv("Gruppe " + payload)}\n"),
                ("movements", $"account,kind,amount,decided_on,reference,decided_by\n2.28.20,original_budget,1000000,2013-10-09,{Csv("Sag " + payload)},{Csv("Besluttet " + payload)}\n"),
                ("estimates", $"round,account,estimate,explanation\n1,2.28.20,1200000,{Csv("Bemærkning " + payload)}\n")));
            import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        }

        // The server's Content-Security-Policy is switched off: what is tested is the page's own handling of values.
        var context = await Chromium.Browser.NewContextAsync(new() { BypassCSP = true, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Root);
        await Assertions.Expect(page.Locator("#exports a").First).ToBeVisibleAsync();
        await SignIn(page, await Users.Create(Factory, "Karin Konsulent", ["consultant"]), "Karin Konsulent");
        await page.Locator("#areaGrid").GetByRole(AriaRole.Link, new() { Name = "Veje " + payload, Exact = true }).ClickAsync();
        await page.Locator("#accountsPanel").GetByRole(AriaRole.Link, new() { Name = "Vej " + payload, Exact = true }).ClickAsync();

        var view = page.Locator("#accountView");
        await Assertions.Expect(page.Locator("#accountTitle")).ToHaveTextAsync("2.28.20 Vej " + payload);
        await Assertions.Expect(view).ToContainTextAsync("Sag " + payload);
        await Assertions.Expect(view).ToContainTextAsync("Besluttet " + payload);
        await Assertions.Expect(view.Locator("table.report td.explanation").First).ToHaveTextAsync("Bemærkning " + payload);
        await Assertions.Expect(page.GetByLabel("Bemærkning", new() { Exact = true })).ToHaveValueAsync("Bemærkning " + payload);
        (await page.EvaluateAsync<string>("typeof window.__xss")).Should().Be("undefined", "no payload may run as script");
        (await page.Locator("main img, main script, main b").CountAsync()).Should().Be(0, "no value may become an element");
    }

    [Fact]
    public async Task Danish_numbers_typed_in_kroner_read_back_to_the_same_decimal_text()
    {
        var page = await OpenPage();

        var parsed = await page.EvaluateAsync<string?[]>("""
            async () => {
              const { parseDanish } = await import('/numbers.js');
              return ['1.150.000', '1150000,50', '50.000', '-1.234,5', '−50.000', '0,01', '007', '1.15', '1,150,000', '1 150', '', '12.34.567', '-'].map(parseDanish);
            }
            """);
        parsed.Should().Equal("1150000", "1150000.50", "50000", "-1234.5", "-50000", "0.01", "7", null, null, null, null, null, null);

        // Every amount in øre the API accepts, shown as the page shows it and typed back, is the same number.
        var failures = await page.EvaluateAsync<string[]>("""
            async () => {
              const { kroner, parseDanish } = await import('/numbers.js');
              const failures = [];
              let seed = 20140331;
              const next = () => (seed = (seed * 48271) % 2147483647);
              for (let i = 0; i < 5000; i++) {
                const ore = (next() % 2 ? -1 : 1) * (next() * 46566 + next()) % 10000000000000;
                const text = parseDanish(kroner(ore / 100));
                const back = Math.round(Number(text) * 100);
                if (back !== ore) failures.push(`${ore} → ${kroner(ore / 100)} → ${text}`);
              }
              return failures;
            }
            """);
        failures.Should().BeEmpty();
    }
}

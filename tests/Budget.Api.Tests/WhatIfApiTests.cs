using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>POST /api/refusion/what-if (contract §11) over HTTP with the shipped rule data of data/rules.</summary>
public sealed class WhatIfApiTests(PublishedFiguresTests.DemoApi api) : IClassFixture<PublishedFiguresTests.DemoApi>
{
    private readonly HttpClient client = api.Factory.CreateClient();

    private async Task<JsonNode> WhatIf(params object[] scenarios)
    {
        using var response = await client.PostAsync("/api/refusion/what-if", Http.JsonBody(new { scenarios }));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Json();
    }

    private async Task<JsonNode> Refused(object body, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        using var response = await client.PostAsync("/api/refusion/what-if", Http.JsonBody(body));
        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return await response.Json();
    }

    private static object Benefit(string benefit, decimal persons, decimal monthly, string? ruleSet, string? activity = null, int? anciennityWeeks = null) =>
        new { kind = "benefit", benefit, persons, monthly, ruleSet, activity, anciennityWeeks };

    private static object Wage(decimal persons, decimal monthly) => new { kind = "wage", persons, monthly };

    [Fact]
    public async Task Ledighedsydelse_past_18_months_against_municipal_flexjobs_saves_37_000_per_person()
    {
        // domain.md §6 (Allerød 2015): ledighedsydelse past 78 weeks 13.900 a month, no refusion; a flexjob: wage 65.000
        // a year (service) and flexjob subsidy 185.000 a year with 65 % refusion (transfer). Monthly in øre: 5.416,67
        // and 15.416,67, so the year is 0,04 kr. more per person than the paper's round figures.
        var result = await WhatIf(
            new { name = "Ledighedsydelse", lines = new[] { Benefit("ledighedsydelse", 10, 13_900m, "pre2016", "passive", anciennityWeeks: 79) } },
            new { name = "Fleksjob", lines = new[] { Wage(10, 5_416.67m), Benefit("fleksloentilskud", 10, 15_416.67m, "pre2016") } });

        result["scenarios"]!.AsArray().Select(s => s!.Text()).Should().Equal(
            """{"name":"Ledighedsydelse","service":0,"transfer":1668000,"gross":1668000,"refusion":0,"net":1668000,"lines":[{"kind":"benefit","classification":"transfer","benefit":"ledighedsydelse","ruleSet":"pre2016","gross":1668000,"refusion":0,"net":1668000,"averageRate":0}]}""",
            """{"name":"Fleksjob","service":650000.4,"transfer":647500.14,"gross":2500000.8,"refusion":1202500.26,"net":1297500.54,"lines":[{"kind":"wage","classification":"service","benefit":null,"ruleSet":null,"gross":650000.4,"refusion":0,"net":650000.4,"averageRate":0},{"kind":"benefit","classification":"transfer","benefit":"fleksloentilskud","ruleSet":"pre2016","gross":1850000.4,"refusion":1202500.26,"net":647500.14,"averageRate":65}]}""");
        result["differences"]!.AsArray().Select(d => d!.Text()).Should().Equal(
            """{"name":"Ledighedsydelse","service":0,"transfer":0,"gross":0,"refusion":0,"net":0}""",
            """{"name":"Fleksjob","service":650000.4,"transfer":-1020499.86,"gross":832000.8,"refusion":1202500.26,"net":-370499.46}""");
        result["weeksInYear"]!.GetValue<int>().Should().Be(52);
    }

    [Fact]
    public async Task A_group_crossing_the_2016_staircase_steps_within_the_year()
    {
        // Anciennity 20 in week 1: 7 weeks at 40 %, 26 at 30 %, 19 at 20 % → 1.200.000 × 1.440 / 5.200 = 332.307,69.
        // New on the benefit (week 1): 4 at 80 %, 22 at 40 %, 26 at 30 % → 1.200.000 × 1.980 / 5.200 = 456.923,08.
        // From week 53 on: 20 % all year.
        var result = await WhatIf(
            new { name = "Uge 20", lines = new[] { Benefit("kontanthjaelp", 10, 10_000m, "2016", anciennityWeeks: 20) } },
            new { name = "Nye", lines = new[] { Benefit("kontanthjaelp", 10, 10_000m, "2016", anciennityWeeks: 1) } },
            new { name = "Langvarige", lines = new[] { Benefit("kontanthjaelp", 10, 10_000m, null, anciennityWeeks: 53) } });

        result["scenarios"]!.AsArray().Select(s => (s!["refusion"]!.GetValue<decimal>(), s["transfer"]!.GetValue<decimal>(), s["lines"]![0]!["averageRate"]!.GetValue<decimal>()))
            .Should().Equal((332_307.69m, 867_692.31m, 27.69m), (456_923.08m, 743_076.92m, 38.08m), (240_000m, 960_000m, 20m));
        ((string?)result["scenarios"]![2]!["lines"]![0]!["ruleSet"]).Should().Be("2016", "without a rule set the benefit's latest");
        result["differences"]![1]!["refusion"]!.GetValue<decimal>().Should().Be(124_615.39m);
        result["differences"]![2]!["net"]!.GetValue<decimal>().Should().Be(92_307.69m);
    }

    [Fact]
    public async Task Ledighedsydelse_refusion_stops_after_78_weeks_inside_the_year()
    {
        // Anciennity 60: weeks 60–78 at 30 %, then none: 13.900 × 12 × 19 × 30 / 5.200 = 18.283,85.
        var result = await WhatIf(
            new { name = "Uge 60", lines = new[] { Benefit("ledighedsydelse", 1, 13_900m, "pre2016", "passive", 60) } },
            new { name = "Uge 27", lines = new[] { Benefit("ledighedsydelse", 1, 13_900m, "pre2016", "passive", 27) } });

        result["scenarios"]![0]!["refusion"]!.GetValue<decimal>().Should().Be(18_283.85m);
        result["scenarios"]![1]!["refusion"]!.GetValue<decimal>().Should().Be(50_040m, "weeks 27–78 all at 30 %");
    }

    [Fact]
    public async Task Moving_kontanthjaelp_recipients_from_passive_to_active_refusion()
    {
        var result = await WhatIf(
            new { name = "Passiv", lines = new[] { Benefit("kontanthjaelp", 20, 11_000m, "pre2016", "passive") } },
            new { name = "Aktiv", lines = new[] { Benefit("kontanthjaelp", 20, 11_000m, "pre2016", "job-oriented"), Wage(1, 45_000m) } });

        result["differences"]![1]!.Text().Should().Be("""{"name":"Aktiv","service":540000,"transfer":-528000,"gross":540000,"refusion":528000,"net":12000}""");
    }

    [Fact]
    public async Task A_line_naming_what_the_rule_data_lacks_is_400_naming_the_line()
    {
        var unknown = await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Benefit("boligstoette", 1, 100m, "2016", anciennityWeeks: 1) } } } });
        unknown["errors"]!["Scenarios[0].Lines[0].Benefit"]![0]!.GetValue<string>().Should().Contain("'boligstoette' is not a benefit");

        var noAnciennity = await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1, 1m), Benefit("kontanthjaelp", 1, 100m, "2016") } } } });
        noAnciennity["errors"]!["Scenarios[0].Lines[1].AnciennityWeeks"]![0]!.GetValue<string>().Should().Contain("depends on the anciennity");

        var noActivity = await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Benefit("ledighedsydelse", 1, 100m, "pre2016", anciennityWeeks: 1) } } } });
        noActivity["errors"]!["Scenarios[0].Lines[0].Activity"].Should().NotBeNull();

        var unknownSet = await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Benefit("kontanthjaelp", 1, 100m, "2030", anciennityWeeks: 1) } } } });
        unknownSet["errors"]!["Scenarios[0].Lines[0].RuleSet"].Should().NotBeNull();
    }

    [Fact]
    public async Task Every_count_and_amount_is_bounded()
    {
        var line = Wage(1, 1m);
        (await Refused(new { scenarios = Array.Empty<object>() }))["errors"]!["Scenarios"].Should().NotBeNull();
        (await Refused(new { scenarios = Enumerable.Range(0, 21).Select(i => new { name = $"S{i}", lines = new[] { line } }).ToArray() }))["errors"]!["Scenarios"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = Enumerable.Repeat(line, 201).ToArray() } } }))["errors"]!["Scenarios[0].Lines"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { line } }, new { name = "A", lines = new[] { line } } } }))["errors"]!["Scenarios"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(-1, 1m) } } } }))["errors"]!["Scenarios[0].Lines[0].Persons"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1_000_001, 1m) } } } }))["errors"]!["Scenarios[0].Lines[0].Persons"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1.00001m, 1m) } } } }))["errors"]!["Scenarios[0].Lines[0].Persons"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1, 0.001m) } } } }))["errors"]!["Scenarios[0].Lines[0].Monthly"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1, 100_000_000_001m) } } } }))["errors"]!["Scenarios[0].Lines[0].Monthly"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1_000_000, 100_000m) } } } }))["errors"]!["Scenarios[0].Lines[0].Monthly"]![0]!.GetValue<string>()
            .Should().Contain("persons × monthly × 12");
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { new { kind = "wage", persons = 1, monthly = 1, benefit = "kontanthjaelp" } } } } }))["errors"]!["Scenarios[0].Lines[0].Kind"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { new { kind = "pension", persons = 1, monthly = 1 } } } } }))["errors"]!["Scenarios[0].Lines[0].Kind"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { new { kind = "wage", monthly = 1 } } } } }))["errors"]!["Scenarios[0].Lines[0].Persons"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Benefit("kontanthjaelp", 1, 1, "2016", anciennityWeeks: 0) } } } }))["errors"]!["Scenarios[0].Lines[0].AnciennityWeeks"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { new { kind = "wage", persons = 1, monthly = 1, classification = "income" } } } } }))["errors"]!["Scenarios[0].Lines[0].Classification"].Should().NotBeNull();
        (await Refused(new { scenarios = new object?[] { null } }))["errors"]!["Scenarios[0]"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new object?[] { null } } } }))["errors"]!["Scenarios[0].Lines[0]"].Should().NotBeNull();
        (await Refused(new { scenarios = new[] { new { name = "A", lines = new[] { Benefit(new string('x', 101), 1, 1, "2016", anciennityWeeks: 1) } } } }))["errors"]!["Scenarios[0].Lines[0].Benefit"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_null_case_of_the_calculation_is_400_not_500()
    {
        using var response = await client.PostAsync("/api/refusion/calculate", Http.JsonBody(new { cases = new object?[] { null } }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Json())["errors"]!["Cases[0]"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_classification_moves_a_line_between_service_and_transfer()
    {
        var result = await WhatIf(new { name = "A", lines = new object[] { new { kind = "wage", persons = 1, monthly = 1_000m, classification = "transfer" } } });

        result["scenarios"]![0]!.Text().Should().StartWith("""{"name":"A","service":0,"transfer":12000,"gross":12000,"refusion":0,"net":12000""");
    }

    [Fact]
    public async Task What_if_needs_a_signed_in_user_even_with_anonymous_reading_on()
    {
        using var open = new BudgetApiFactory(seedDemo: false, anonymousRead: true);
        using var anonymous = open.Anonymous();
        using var refused = await anonymous.PostAsync("/api/refusion/what-if", Http.JsonBody(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1, 1m) } } } }));
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var reader = open.WithKey(await Users.Create(open, "Læser", ["reader"]));
        using var allowed = await reader.PostAsync("/api/refusion/what-if", Http.JsonBody(new { scenarios = new[] { new { name = "A", lines = new[] { Wage(1, 1m) } } } }));
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Budget.Api.Tests;

/// <summary>Refusion-bearing benefit accounts: estimates given as gross payments and persons by anciennity band.</summary>
public sealed class BenefitEstimateTests : IDisposable
{
    private const string Kontanthjaelp = "5.57.73";
    private readonly BudgetApiFactory factory = new(seedDemo: true);
    private readonly HttpClient client;

    public BenefitEstimateTests() => client = factory.CreateClient();

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    private Task<HttpResponseMessage> Put(int year, int round, string account, object body) =>
        client.PutAsync($"/api/budget-years/{year}/rounds/{round}/estimates/{account}", Http.JsonBody(body));

    private async Task<JsonNode> Row(int year, int round, string by, string? account = null)
    {
        var report = await (await client.GetAsync($"/api/budget-years/{year}/follow-up?round={round}&by={by}")).Json();
        return account is null ? report["rows"]![0]! : report["rows"]!.AsArray().Single(r => (string?)r!["account"] == account)!;
    }

    [Fact]
    public async Task Before_2016_the_gross_is_split_over_persons_by_activity_and_the_net_enters_the_follow_up()
    {
        var response = await Put(2014, 2, Kontanthjaelp, new
        {
            explanation = "Flere i aktivering end forudsat.",
            outYears = new[] { 0m, 0m, 0m, 0m },
            gross = new
            {
                amount = 115_000_000m,
                persons = new object[]
                {
                    new { anciennityWeek = 1, activity = "passive", fullYearPersons = 520.5m },
                    new { anciennityWeek = 1, activity = "job-oriented", fullYearPersons = 310m },
                    new { anciennityWeek = 1, activity = "education", fullYearPersons = 69.5m },
                },
            },
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stored = await response.Json();
        // (520,5 × 30 % + 310 × 50 % + 69,5 × 50 %) / 900 = 38,4333… % of 115.000.000, rounded once to øre.
        stored["gross"]!.Text().Should().Be("{\"amount\":115000000,\"refusion\":44198333.33,\"net\":70801666.67,\"ruleSet\":\"pre2016\",\"persons\":[{\"anciennityWeek\":1,\"activity\":\"passive\",\"fullYearPersons\":520.5},{\"anciennityWeek\":1,\"activity\":\"job-oriented\",\"fullYearPersons\":310},{\"anciennityWeek\":1,\"activity\":\"education\",\"fullYearPersons\":69.5}]}");
        stored["estimate"]!.GetValue<decimal>().Should().Be(70_801_666.67m);

        var account = await Row(2014, 2, "account", Kontanthjaelp);
        account["estimate"]!.GetValue<decimal>().Should().Be(70_801_666.67m);
        account["benefitGross"]!.GetValue<decimal>().Should().Be(115_000_000m);
        account["benefitRefusion"]!.GetValue<decimal>().Should().Be(44_198_333.33m);
        account["varianceToCorrected"]!.GetValue<decimal>().Should().Be(70_801_666.67m - 79_082_600m);
        var committee = await Row(2014, 2, "committee");
        committee["benefitGross"]!.GetValue<decimal>().Should().Be(115_000_000m);
        (await Row(2014, 2, "account", "5.48.68")).AsObject().Select(p => p.Key).Should().NotContain("benefitGross");
        (await Row(2014, 1, "account", Kontanthjaelp)).AsObject().Select(p => p.Key).Should().NotContain("benefitGross", "round 1's estimate was given net");
    }

    [Fact]
    public async Task From_2016_each_band_of_the_staircase_has_its_rate()
    {
        var import = await client.PostAsync("/api/budget-years/2017/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,refusion_benefit\nBeskæftigelsesudvalget,Ydelser,5.57.73,Kontanthjælp,kontanthjaelp\n"),
            ("movements", "account,kind,amount,decided_on,reference\n5.57.73,original_budget,7000000,2016-10-05,Budget 2017\n")));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());

        var response = await Put(2017, 1, Kontanthjaelp, new
        {
            explanation = "Færre langvarige modtagere.",
            outYears = new[] { 0m, 0m, 0m, 0m },
            gross = new
            {
                amount = 10_000_000m,
                persons = new[]
                {
                    new { anciennityWeek = 1, fullYearPersons = 100m },
                    new { anciennityWeek = 5, fullYearPersons = 200m },
                    new { anciennityWeek = 27, fullYearPersons = 300m },
                    new { anciennityWeek = 53, fullYearPersons = 400m },
                },
            },
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var gross = (await response.Json())["gross"]!;
        ((string?)gross["ruleSet"]).Should().Be("2016");
        gross["refusion"]!.GetValue<decimal>().Should().Be(3_300_000m, "(100 × 80 + 200 × 40 + 300 × 30 + 400 × 20) / 1000 = 33 %");
        gross["net"]!.GetValue<decimal>().Should().Be(6_700_000m);
        (await Row(2017, 1, "account", Kontanthjaelp))["varianceToCorrected"]!.GetValue<decimal>().Should().Be(-300_000m);
    }

    [Fact]
    public async Task Budget_year_2016_is_wholly_on_the_staircase_so_dagpenge_need_no_activity()
    {
        // ISO week 1 of 2016 begins Monday 4 January, the staircase's first day: the pre-2016 rows (to 3 January) govern
        // none of the year's weeks, though they are in force on 1 January.
        var import = await client.PostAsync("/api/budget-years/2016/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,refusion_benefit\nBeskæftigelsesudvalget,Ydelser,5.57.78,Dagpenge,dagpenge\n"),
            ("movements", "account,kind,amount,decided_on,reference\n5.57.78,original_budget,5000000,2015-10-05,Budget 2016\n")));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());

        var response = await Put(2016, 1, "5.57.78", new
        {
            explanation = "Dagpenge på refusionstrappen.",
            outYears = new[] { 0m, 0m, 0m, 0m },
            gross = new
            {
                amount = 8_000_000.01m,
                persons = new[] { new { anciennityWeek = 1, fullYearPersons = 100m }, new { anciennityWeek = 53, fullYearPersons = 300m } },
            },
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var gross = (await response.Json())["gross"]!;
        ((string?)gross["ruleSet"]).Should().Be("2016");
        // Co-financing 20 % / 80 % → the state's share 80 % / 20 %: (100 × 80 + 300 × 20) / 400 = 35 % of 8.000.000,01
        // = 2.800.000,0035, rounded once to øre.
        gross["refusion"]!.GetValue<decimal>().Should().Be(2_800_000m);
        gross["net"]!.GetValue<decimal>().Should().Be(5_200_000.01m);
    }

    [Fact]
    public async Task A_gross_estimate_is_refused_naming_the_field_when_it_cannot_be_derived()
    {
        var notABenefit = await Put(2014, 2, "5.48.68", new { outYears = new[] { 0m, 0m, 0m, 0m }, gross = new { amount = 1m, persons = new[] { new { anciennityWeek = 1, activity = "passive", fullYearPersons = 1m } } } });
        var noActivity = await Put(2014, 2, Kontanthjaelp, new { outYears = new[] { 0m, 0m, 0m, 0m }, gross = new { amount = 1m, persons = new[] { new { anciennityWeek = 1, fullYearPersons = 1m } } } });
        var both = await Put(2014, 2, Kontanthjaelp, new { estimate = 5m, outYears = new[] { 0m, 0m, 0m, 0m }, gross = new { amount = 1m, persons = new[] { new { anciennityWeek = 1, activity = "passive", fullYearPersons = 1m } } } });
        var nobody = await Put(2014, 2, Kontanthjaelp, new { outYears = new[] { 0m, 0m, 0m, 0m }, gross = new { amount = 1m, persons = new[] { new { anciennityWeek = 1, activity = "passive", fullYearPersons = 0m } } } });

        foreach (var response in new[] { notABenefit, noActivity, both, nobody })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        ((string?)(await notABenefit.Json())["errors"]!["gross"]![0]).Should().Be("Account '5.48.68' is not marked as a refusion-bearing benefit (refusion_benefit in accounts.csv): give its net estimate.");
        ((string?)(await noActivity.Json())["errors"]!["gross.persons[0].activity"]![0]).Should().StartWith("The pre2016 rate for kontanthjaelp depends on the activity");
        ((string?)(await both.Json())["errors"]!["Estimate"]![0]).Should().Be("Give 'Estimate' or 'Gross', not both: with 'Gross' the estimate is derived.");
        (await nobody.Json())["errors"]!["gross.persons"].Should().NotBeNull();
        (await client.GetAsync($"/api/budget-years/2014/rounds/2/estimates/{Kontanthjaelp}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_account_naming_an_unknown_benefit_is_refused_at_import()
    {
        var response = await client.PostAsync("/api/budget-years/2031/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,refusion_benefit\nX,Y,1.01,Z,boligstoette\n")));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Json())["errors"]![0]!;
        ((string?)error["column"]).Should().Be("refusion_benefit");
        ((string?)error["message"]).Should().StartWith("'boligstoette' is not a benefit of the refusion rule data");
    }

    [Fact]
    public async Task The_demo_marks_its_benefit_accounts()
    {
        var accounts = (await (await client.GetAsync("/api/budget-years/2014/accounts")).Json()).AsArray();

        accounts.Where(a => a!["refusionBenefit"] is not null).Select(a => $"{a!["account"]}={a["refusionBenefit"]}")
            .Should().BeEquivalentTo("5.57.73=kontanthjaelp", "5.57.78=dagpenge", "5.57.71=sygedagpenge", "5.58.80=revalidering", "5.58.81=fleksloentilskud");
    }
}

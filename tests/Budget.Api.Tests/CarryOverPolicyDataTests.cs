using System.Text;
using Budget.Application.YearEnd;
using Budget.Domain.Accounts;
using Budget.Domain.YearEnd;
using Microsoft.AspNetCore.Hosting;
using NodaTime;

namespace Budget.Api.Tests;

/// <summary>
/// data/rules/carry-over-policies.csv is rule data like the refusion rules: validated as a whole when loaded, every
/// problem named by file, line and column, and an invalid file stops the start-up.
/// </summary>
public sealed class CarryOverPolicyDataTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "budget-rules", Guid.NewGuid().ToString("N"));

    public CarryOverPolicyDataTests()
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(Http.RepositoryRoot(), "data", "rules"), "*.csv"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    private string PolicyFile => Path.Combine(folder, CarryOverPolicyData.FileName + ".csv");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Append(string lines) => File.AppendAllText(PolicyFile, lines, Encoding.UTF8);

    private CarryOverPolicyDataException Failure() => ((Action)(() => CarryOverPolicyData.LoadFolder(folder))).Should().Throw<CarryOverPolicyDataException>().Which;

    [Fact]
    public void The_shipped_example_loads_and_says_it_is_an_example()
    {
        var policies = CarryOverPolicyData.LoadFolder(folder);

        policies.All.Select(p => (p.Selector.ToString(), p.Mode, p.UnderspendShare, p.OverspendShare, p.CapPercent)).Should().Equal(
            ("block=drift", CarryOverMode.Automatic, 1m, 1m, 5m),
            ("block=anlaeg", CarryOverMode.Automatic, 1m, 1m, (decimal?)null),
            ("class=transfer", CarryOverMode.ByDecision, (decimal?)null, (decimal?)null, (decimal?)null),
            ("chart-prefix=5.68", CarryOverMode.ByDecision, (decimal?)null, (decimal?)null, (decimal?)null));
        policies.All.Should().OnlyContain(p => p.Validity.Source.StartsWith("EXAMPLE, to be replaced by the municipality's own carry-over rules", StringComparison.Ordinal));
        var seniorjob = new Account(AccountId.Parse("5.68.97"), "Seniorjob", "Erhvervs- og Beskæftigelsesudvalget", "Beskæftigelse");
        policies.For(seniorjob, ExpenditureClass.Service, new LocalDate(2014, 12, 31))!.Name.Should().Be("Beskæftigelsesindsats: efter beslutning", "employment by decision, though seniorjob is service expenditure");
    }

    [Theory]
    [InlineData("x,street,Veje,automatic,1,1,,2014-01-01,,s\n", "selector", "'street' is not a selector (chart-prefix, activity-area, class, block)")]
    [InlineData("x,chart-prefix,5.6,automatic,1,1,,2014-01-01,,s\n", "value", "'5.6' is not a chart-number prefix like 5, 5.68, 5.68.90 or 5.68.90.001")]
    [InlineData("x,class,investment,automatic,1,1,,2014-01-01,,s\n", "value", "'investment' is not a class (service or transfer)")]
    [InlineData("x,block,drift2,automatic,1,1,,2014-01-01,,s\n", "value", "'drift2' is not a block (drift, anlaeg, ejendomssalg, renter, finansiering, finansforskydninger, afdrag, laan)")]
    [InlineData("x,activity-area,Veje,sometimes,1,1,,2014-01-01,,s\n", "mode", "'sometimes' is not a mode (automatic or by-decision)")]
    [InlineData("x,activity-area,Veje,automatic,1.5,1,,2014-01-01,,s\n", "underspend_share", "'1.5' is not a number from 0 to 1 with at most 4 decimals")]
    [InlineData("x,activity-area,Veje,automatic,1,0.12345,,2014-01-01,,s\n", "overspend_share", "'0.12345' is not a number from 0 to 1 with at most 4 decimals")]
    [InlineData("x,activity-area,Veje,automatic,1,1,101,2014-01-01,,s\n", "cap_percent", "'101' is not a number from 0 to 100 with at most 2 decimals")]
    [InlineData("x,activity-area,Veje,by-decision,1,,,2014-01-01,,s\n", "underspend_share", "a by-decision policy carries what the council decides: leave the shares and the cap empty")]
    [InlineData("x,activity-area,Veje,automatic,1,1,,2014-01-01,2013-12-31,s\n", "valid_to", "2013-12-31 is before valid_from 2014-01-01")]
    [InlineData("x,activity-area,Veje,automatic,1,1,,1.1.2014,,s\n", "valid_from", "'1.1.2014' is not a date in the form yyyy-MM-dd")]
    [InlineData("x,activity-area,Veje,automatic,1,1,,2014-01-01,,\n", "source", "a value is required")]
    [InlineData("x,block,drift,automatic,1,1,,2020-01-01,,a later rule\n", "valid_from", "block=drift valid 2020-01-01– overlaps line 2 (block=drift valid 2014-01-01–): one selector has one policy at a time")]
    public void An_invalid_policy_is_refused_with_file_line_column_and_reason(string line, string column, string message)
    {
        Append(line);

        var error = Failure().Errors.Should().ContainSingle().Which;

        error.File.Should().Be("carry-over-policies");
        error.Line.Should().Be(6, "the header and the four shipped policies come first");
        error.Column.Should().Be(column);
        error.Message.Should().Be(message);
    }

    [Fact]
    public void A_new_period_after_the_old_one_ends_needs_no_code()
    {
        var text = File.ReadAllText(PolicyFile).Replace("drift,automatic,1,1,5,2014-01-01,,", "drift,automatic,1,1,5,2014-01-01,2019-12-31,", StringComparison.Ordinal);
        File.WriteAllText(PolicyFile, text + "Drift: ±3 % fra 2020,block,drift,automatic,1,0.5,3,2020-01-01,,the council's decision of 2019\n");

        var policies = CarryOverPolicyData.LoadFolder(folder);

        var school = new Account(AccountId.Parse("3.22.01"), "Folkeskoler", "Børne- og Skoleudvalget", "Skoler");
        policies.For(school, ExpenditureClass.Service, CarryOverPolicies.InForceFor(2019))!.CapPercent.Should().Be(5m);
        policies.For(school, ExpenditureClass.Service, CarryOverPolicies.InForceFor(2020))!.Name.Should().Be("Drift: ±3 % fra 2020");
    }

    [Fact]
    public void A_rules_folder_without_the_policy_file_is_refused()
    {
        File.Delete(PolicyFile);

        Failure().Message.Should().Be("The carry-over policy data is invalid:\n  carry-over-policies.csv line 0: the file is missing");
    }

    [Fact]
    public void The_api_does_not_start_on_an_invalid_policy_file_and_says_why()
    {
        Append("x,block,drift,automatic,1,1,,2020-01-01,,a later rule\n");
        using var factory = new BudgetApiFactory(seedDemo: false);

        var start = () => factory.WithWebHostBuilder(b => b.UseSetting("Budget:RulesPath", folder)).CreateClient();

        start.Should().Throw<CarryOverPolicyDataException>().WithMessage(
            "The carry-over policy data is invalid:\n  carry-over-policies.csv line 6, valid_from: block=drift valid 2020-01-01– overlaps line 2 (block=drift valid 2014-01-01–): one selector has one policy at a time");
    }
}

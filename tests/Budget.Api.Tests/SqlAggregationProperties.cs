using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Budget.Api.FollowUp;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Api.Tests;

/// <summary>
/// The follow-up the API serves is aggregated by the store's SQL (movement sums per kind, posting month totals and
/// day sums, the round's estimates); the domain calculator sums raw rows in memory. On generated small years imported
/// over HTTP, both must give the same report for every grouping at random as-of dates and rounds, on the provider
/// the suite runs on (SQLite here, PostgreSQL in .ci/run).
/// </summary>
public sealed class SqlAggregationProperties : IDisposable
{
    private static readonly string[] Committees = ["Økonomiudvalget", "Erhvervs- og Beskæftigelsesudvalget"];
    private static readonly string[] Areas = ["Administration", "Beskæftigelse", "Erhverv"];
    private static readonly string[] Groups = ["Kontante ydelser", "Revalidering m.v.", ""];
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly BudgetApiFactory factory = new(seedDemo: false);
    private readonly HttpClient client;

    // Every case imports into a year of its own, so no case sees another's rows; 20 cases fit between 2000 and 2100.
    private int nextYear = BudgetYear.MinYear;

    public SqlAggregationProperties() => client = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    private sealed record GeneratedAccount(string Committee, string Area, string Group, Block Block);

    private sealed record GeneratedMovement(int Account, MovementKind Kind, long Ore, int Day);

    private sealed record GeneratedPosting(int Account, long Ore, int DayOfYear);

    private sealed record GeneratedEstimate(int Account, int Round, long Ore, long[] OutYears);

    /// <summary>
    /// A year's rows with dates as day numbers (decisions after 1 January of the year before, postings after 1 January of
    /// the year), so a dataset fits whichever year it is imported into.
    /// </summary>
    private sealed record Dataset(
        GeneratedAccount[] Accounts,
        GeneratedMovement[] Movements,
        GeneratedPosting[] Postings,
        GeneratedEstimate[] Estimates,
        (int Day, int Round)[] Reads)
    {
        public override string ToString() =>
            $"accounts: {string.Join("; ", Accounts.Select((a, i) => $"{i} {a}"))}\nmovements: {string.Join("; ", Movements.Select(m => m.ToString()))}\n"
            + $"postings: {string.Join("; ", Postings.Select(p => p.ToString()))}\nestimates: {string.Join("; ", Estimates.Select(e => $"{e.Account}/{e.Round} {e.Ore} [{string.Join(",", e.OutYears)}]"))}\n"
            + $"reads: {string.Join("; ", Reads)}";
    }

    // Decisions may lie from 1 January of the year before to 30 June of the year after (data-formats.md): 910 days
    // after 1 January of the year before is 30 June at the latest, whatever the leap years.
    private const int LastDecisionDay = 910;

    private static readonly Gen<long> Ore = Gen.Choose(-1_000_000_000, 1_000_000_000).Select(o => (long)o);

    private static readonly Gen<Dataset> Datasets =
        from accountCount in Gen.Choose(1, 6)
        from accounts in Gen.ArrayOf(
            from committee in Gen.Elements(Committees)
            from area in Gen.Elements(Areas)
            from grouping in Gen.Elements(Groups)
            from block in Gen.Elements(Enum.GetValues<Block>())
            select new GeneratedAccount(committee, area, grouping, block), accountCount)
        from movementCount in Gen.Choose(0, 15)
        from movements in Gen.ArrayOf(
            from account in Gen.Choose(0, accountCount - 1)
            from kind in Gen.Elements(Enum.GetValues<MovementKind>())
            from ore in Ore
            from day in Gen.Choose(0, LastDecisionDay)
            select new GeneratedMovement(account, kind, ore, day), movementCount)
        from postingCount in Gen.Choose(0, 30)
        from postings in Gen.ArrayOf(
            from account in Gen.Choose(0, accountCount - 1)
            from ore in Ore
            from day in Gen.Choose(0, 364)
            select new GeneratedPosting(account, ore, day), postingCount)
        from estimated in Gen.ArrayOf(Gen.Elements(false, true), accountCount * RoundNumber.Last)
        from estimateOre in Gen.ArrayOf(Ore, accountCount * RoundNumber.Last)
        from outYears in Gen.ArrayOf(Gen.ArrayOf(Ore, OutYearConsequences.Count), accountCount * RoundNumber.Last)
        let estimates = Enumerable.Range(0, accountCount * RoundNumber.Last)
            .Where(i => estimated[i])
            .Select(i => new GeneratedEstimate(i / RoundNumber.Last, i % RoundNumber.Last + 1, estimateOre[i], outYears[i]))
            .ToArray()
        // Reads fall anywhere from the year before to the autumn after, and often on a day on which something was
        // decided or posted, where "on or before" decides; a posting's day is written −1 − its day of the year.
        from reads in Gen.ArrayOf(
            from day in Gen.Frequency(
                (2, Gen.Choose(0, 1000)),
                (1, movements.Length == 0 ? Gen.Choose(0, 1000) : Gen.Elements(movements.Select(m => m.Day).ToArray())),
                (1, postings.Length == 0 ? Gen.Choose(0, 1000) : Gen.Elements(postings.Select(p => -p.DayOfYear - 1).ToArray())))
            from round in Gen.Choose(RoundNumber.First, RoundNumber.Last)
            select (day, round), 3)
        select new Dataset(accounts, movements, postings, estimates, reads);

    [Fact]
    public void The_follow_up_aggregated_in_sql_equals_the_in_memory_calculation_for_every_grouping() =>
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(20),
            Prop.ForAll(Datasets.ToArbitrary(), dataset => Task.Run(() => ImportAndCompare(dataset)).GetAwaiter().GetResult()));

    private static string AccountId(int index) => index % 2 == 0 ? $"5.57.{70 + index}" : $"Konto-{index}";

    private static string Kroner(long ore) => (ore / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<bool> ImportAndCompare(Dataset dataset)
    {
        var year = Interlocked.Increment(ref nextYear) - 1;
        var decisionsFrom = new LocalDate(year - 1, 1, 1);
        var postingsFrom = new LocalDate(year, 1, 1);

        var accounts = dataset.Accounts
            .Select((a, i) => new Account(Budget.Domain.Accounts.AccountId.Parse(AccountId(i)), $"Konto {i}", a.Committee, a.Area, a.Group, a.Block))
            .ToArray();
        var movements = dataset.Movements
            .Select(m => new AppropriationMovement(accounts[m.Account].Id, m.Kind, Amount.FromOre(m.Ore), decisionsFrom.PlusDays(m.Day)))
            .ToArray();
        var postings = dataset.Postings
            .Select(p => new Posting(accounts[p.Account].Id, postingsFrom.PlusDays(p.DayOfYear), Amount.FromOre(p.Ore)))
            .ToArray();
        var estimates = dataset.Estimates
            .Select(e => new AccountEstimate(RoundNumber.Of(e.Round), accounts[e.Account].Id, Amount.FromOre(e.Ore), "", OutYearConsequences.From(e.OutYears.Select(Amount.FromOre).ToArray())))
            .ToArray();
        var inMemory = new BudgetYear(year, accounts, movements, postings, estimates);

        var accountsCsv = "committee,activity_area,account,name,group,block\n" + string.Concat(accounts.Select(a =>
            $"{a.Committee},{a.ActivityArea},{a.Id.Value},{a.Name},{a.Group},{a.Block.ToCode()}\n"));
        var movementsCsv = "account,kind,amount,decided_on\n" + string.Concat(movements.Select(m =>
            $"{m.Account.Value},{m.Kind.ToCode()},{Kroner(m.Amount.Ore)},{Iso(m.DecidedOn)}\n"));
        string PostingsCsv(IEnumerable<Posting> rows) => "account,posted_on,amount\n" + string.Concat(rows.Select(p =>
            $"{p.Account.Value},{Iso(p.PostedOn)},{Kroner(p.Amount.Ore)}\n"));
        var estimatesCsv = "round,account,estimate,out_year_1,out_year_2,out_year_3,out_year_4\n" + string.Concat(estimates.Select(e =>
            $"{e.Round},{e.Account.Value},{Kroner(e.Estimate.Ore)},{string.Join(",", e.OutYears.ToList().Select(y => Kroner(y.Ore)))}\n"));

        // Two imports, so the posting aggregates are also added to, not only written once.
        var half = postings.Length / 2;
        await Import(year, ("accounts", accountsCsv), ("movements", movementsCsv), ("postings", PostingsCsv(postings.Take(half))));
        await Import(year, ("postings", PostingsCsv(postings.Skip(half))), ("estimates", estimatesCsv));

        foreach (var (day, roundValue) in dataset.Reads)
        {
            var asOf = day >= 0 ? decisionsFrom.PlusDays(day) : postingsFrom.PlusDays(-day - 1);
            var round = RoundNumber.Of(roundValue);
            foreach (var (code, grouping) in new[]
                     {
                         ("account", FollowUpGrouping.Account), ("activity-area", FollowUpGrouping.ActivityArea), ("committee", FollowUpGrouping.Committee),
                         ("group", FollowUpGrouping.Group), ("block", FollowUpGrouping.Block), ("municipality", FollowUpGrouping.Municipality),
                     })
            {
                var response = await client.GetAsync($"/api/budget-years/{year}/follow-up?round={round}&by={code}&asOf={Iso(asOf)}");
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                var served = await response.Json();
                var expected = FollowUpCalculator.Build(inMemory, round, grouping, asOf);

                var because = $"year {year}, round {round}, by {code}, as of {Iso(asOf)}";
                ((string?)served["asOf"]).Should().Be(Iso(asOf), because);
                served["rows"].Deserialize<FollowUpRowDto[]>(Web).Should().BeEquivalentTo(expected.Rows.Select(FollowUpRowDto.From), o => o.WithStrictOrdering(), because);
                served["total"].Deserialize<FollowUpRowDto>(Web).Should().BeEquivalentTo(FollowUpRowDto.From(expected.Total), because);
            }
        }

        return true;
    }

    private async Task Import(int year, params (string Name, string Csv)[] files)
    {
        var response = await client.PostAsync($"/api/budget-years/{year}/dataset", Http.Dataset(files));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}

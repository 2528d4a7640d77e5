using System.Globalization;
using Budget.Application;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Dapper;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// The facts a store keeps between reports (decision 0020) are the facts read from scratch: after every one of many
/// random writes — estimates saved, movements and postings added, imports, round approvals granting movements, writes
/// through a second store (another process or server) — a report from the keeping store equals a report from a new
/// store that has kept nothing, for reports of several rounds and dates read in between. A change made beside the
/// store (plain SQL, logging nothing) is also seen; the follow-up kept from those facts (KeptFollowUps, re-adding
/// only the changed accounts) equals the one built afresh. Seeded, so a failure names the seed and the step.
/// On PostgreSQL a write made elsewhere (the second store, plain SQL) reaches the keeping store by notification
/// (decision 0022): it must be seen within <see cref="NotifiedWithin"/>; the keeping store's own writes at once.
/// </summary>
public sealed class KeptFactsProperties(ProviderDatabases databases) : StoreContract(databases)
{
    private static readonly string[] Accounts = ["5.57.70", "5.57.71", "5.57.72", "5.68.90", "6.45.51", "6.45.52"];

    private static readonly int[] Seeds = [1, 2, 3, 4, 5, 6];

    private const int Steps = 30;

    private static readonly TimeSpan NotifiedWithin = TimeSpan.FromSeconds(5);

    [Theory, MemberData(nameof(Providers))]
    public async Task A_report_after_random_writes_equals_the_report_read_from_scratch(string provider)
    {
        foreach (var seed in Seeds)
        {
            await Run(provider, 2070 + seed, seed);
        }
    }

    private async Task Run(string provider, int year, int seed)
    {
        var random = new Random(seed);
        using var kept = Store(provider);
        using var other = Store(provider);
        await Import(kept, year, new ImportData
        {
            Accounts = Accounts.Select((a, i) => Account(a, i < 4 ? "Beskæftigelsesudvalget" : "Økonomiudvalget", i % 2 == 0 ? "Overførsler" : "Administration")).ToArray(),
            Movements = Accounts.Select(a => Movement(a, MovementKind.OriginalBudget, random.Next(1, 1_000_000) * 100L, Date(year - 1, 11, 1))).ToArray(),
            Postings = [Posting(Accounts[0], Date(year, 1, 10), 500_00)],
            Cutoffs = new Dictionary<RoundNumber, LocalDate> { [R1] = Date(year, 3, 31), [R2] = Date(year, 6, 30), [R3] = Date(year, 9, 30) },
        });

        var reports = new List<(RoundNumber Round, LocalDate AsOf)>();
        var keptReports = new KeptFollowUps();
        for (var step = 0; step < Steps; step++)
        {
            var (write, elsewhere) = await RandomWrite(provider, random.Next(8), random, kept, other, year);

            // Reports asked for before: each is now kept and must follow the write; now and then a new one.
            if (reports.Count == 0 || random.Next(3) == 0)
            {
                reports.Add((RoundNumber.Of(random.Next(1, 4)), Date(year, random.Next(1, 13), random.Next(1, 29))));
            }

            foreach (var (round, asOf) in reports)
            {
                using var fresh = Store(provider);
                var freshFacts = await ((IFollowUpReader)fresh).AccountFacts(year, round, asOf, None);
                var keptFacts = await ((IFollowUpReader)kept).AccountFacts(year, round, asOf, None);
                var waitUntil = DateTime.UtcNow + NotifiedWithin;
                while (provider == "postgres" && elsewhere && !keptFacts.SequenceEqual(freshFacts) && DateTime.UtcNow < waitUntil)
                {
                    await Task.Delay(10);
                    keptFacts = await ((IFollowUpReader)kept).AccountFacts(year, round, asOf, None);
                }

                keptFacts.Should().Equal(freshFacts, $"seed {seed}, step {step} ({write}): the kept report of round {round} as of {asOf} should equal the one read from scratch");

                // The follow-up kept with its figures (decision 0021), re-adding only what changed, is the one built afresh.
                foreach (var by in Enum.GetValues<FollowUpGrouping>())
                {
                    var incremental = keptReports.Build(year, round, asOf, by, keptFacts);
                    var built = FollowUpCalculator.Build(year, round, asOf, by, freshFacts);
                    incremental.Rows.Should().Equal(built.Rows, $"seed {seed}, step {step} ({write}): the kept follow-up by {by} should equal the one built afresh");
                    incremental.Total.Should().Be(built.Total, $"seed {seed}, step {step} ({write}): the kept total by {by}");
                }
            }
        }
    }

    /// <returns>What was written, and whether it was written elsewhere than through the keeping store.</returns>
    private async Task<(string What, bool Elsewhere)> RandomWrite(string provider, int kind, Random random, BudgetStore kept, BudgetStore other, int year)
    {
        var account = Accounts[random.Next(Accounts.Length)];
        var store = random.Next(4) == 0 ? other : kept; // a quarter of the writes come from elsewhere
        var date = Date(year, random.Next(1, 13), random.Next(1, 29));
        Clock.Advance(Duration.FromMinutes(1));
        switch (kind)
        {
            case 0 or 1:
            {
                var round = RoundNumber.Of(random.Next(1, 4));
                var stored = await ((IEstimateStore)store).FindEstimate(year, round, Id(account), None);
                var estimate = Estimate(round, account, random.Next(-1_000_000, 1_000_000) * 100L + random.Next(100));
                await ((IEstimateStore)store).SaveEstimate(year, estimate, stored?.Version, Clock.Now, Audit(year, "estimate.save", account), None);
                return ($"estimate of {account} in round {round}", store == other);
            }

            case 2:
                await ((IAppropriationStore)store).AddMovements(year, [Movement(account, MovementKind.CouncilDecision, random.Next(-100_000, 100_000) * 100L, date)], Audit(year, "movement.add", account), None);
                return ($"movement on {account} decided {date}", store == other);

            case 3 or 4:
            {
                var postings = Enumerable.Range(0, random.Next(1, 6))
                    .Select(_ => Posting(Accounts[random.Next(Accounts.Length)], Date(year, random.Next(1, 13), random.Next(1, 29)), random.Next(-50_000, 50_000)))
                    .ToArray();
                await ((IAppropriationStore)store).AddPostings(year, postings, Audit(year, "postings.add", "postings"), None);
                return ($"{postings.Length} postings", store == other);
            }

            case 5:
                await Import(store, year, new ImportData
                {
                    Postings = [Posting(account, date, random.Next(1, 90_000))],
                    Estimates = [Estimate(R3, account, random.Next(0, 1_000_000) * 100L)],
                });
                return ($"import on {account}", store == other);

            case 6:
            {
                // An approval of round 1 grants its requested appropriations as movements (then it is reopened, so
                // estimates of round 1 can go on being saved): the transition's own write path.
                var roundStore = (IRoundStore)store;
                var round = (await roundStore.FindRound(year, R1, None))!;
                if (round.State != RoundState.Open)
                {
                    return ("round 1 not open", false);
                }

                var grant = new[] { new AppropriationMovement(Id(account), MovementKind.EstimateAppropriation, Ore(random.Next(1, 100_000) * 100L), date, "bevilling", "byrådet") };
                var transition = new RoundTransition(round, RoundState.Approved) { Grants = grant, MovementWatermark = await roundStore.LastMovement(year, None) };
                var reopen = new RoundTransition(round with { State = RoundState.Approved }, RoundState.Open) { DropsRecommendations = true };
                var approved = await roundStore.Apply(year, transition, Audit(year, "round.approve", "1"), None);
                approved.Should().BeTrue();
                (await roundStore.Apply(year, reopen, Audit(year, "round.reopen", "1"), None)).Should().BeTrue();
                return ($"approval granting {account}", store == other);
            }

            default:
            {
                // A change beside the store, logging nothing: SQLite's data_version still moves, PostgreSQL's triggers notify.
                await using var connection = await Database(provider).Open();
                await connection.ExecuteAsync(
                    "UPDATE estimate SET estimate_ore = estimate_ore + 1 WHERE year = @Year",
                    new { Year = year });
                return ("plain SQL update of every estimate", true);
            }
        }
    }

    [Fact]
    public void The_seeds_are_distinct_years_within_the_model() =>
        Seeds.Select(s => 2070 + s).Should().OnlyHaveUniqueItems().And.OnlyContain(y => y >= 2000 && y <= 2100, string.Create(CultureInfo.InvariantCulture, $"years lie in budget_year's range"));
}

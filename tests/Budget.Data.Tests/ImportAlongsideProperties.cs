using System.Globalization;
using System.Text;
using Budget.Application;
using Budget.Application.Datasets;
using Budget.Application.FollowUp;
using Budget.Application.Users;
using Budget.Domain.Appropriations;
using Budget.Domain.FollowUp;
using Dapper;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// Reading the postings file on a second thread while the other files are written (decision 0035, the CLI) is only a
/// way of doing the same import: for random datasets — good and bad rows in every file, accounts the year lacks,
/// amounts past the input ceiling, rows outside the caller's committees, more than a thousand errors before or among
/// the postings (where a reading in turn stops its postings), postings in several batches, month rows that a second
/// import then extends — the import read alongside and the import read in turn give the same outcome (counts, or the
/// same errors in the same order, as many, the same 400-or-403 answer) and store the same rows: month rows, movements,
/// estimates with their versions, and the same follow-up report. Seeded, so a failure names the seed.
/// </summary>
public sealed class ImportAlongsideProperties(ProviderDatabases databases) : StoreContract(databases)
{
    private static readonly string[] Accounts = ["5.57.70", "5.57.71", "5.68.90", "6.45.51", "6.45.52", "0.22.01"];

    private static readonly string[] Committees = ["Økonomiudvalget", "Socialudvalget"];

    private const int Seeds = 24;

    [Theory, MemberData(nameof(Providers))]
    public async Task Reading_postings_alongside_gives_the_outcome_and_rows_of_reading_them_in_turn(string provider)
    {
        // One database per way of reading, so each import meets the same year as the other did.
        await using var inTurnDatabase = await ProviderDatabase.Create(provider);
        await using var alongsideDatabase = await ProviderDatabase.Create(provider);
        using var inTurn = inTurnDatabase.Store(Clock);
        using var alongside = alongsideDatabase.Store(Clock);
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var year = 2040 + seed;
            var random = new Random(seed);
            var heavy = (Heavy)(seed % 6);
            var actor = random.Next(4) == 0 || heavy == Heavy.BadMovements
                ? new Actor("konsulent", new HashSet<Role> { Role.Consultant }, false, new HashSet<string> { Committees[0] })
                : Actor.System;

            // A first dataset, then (when it was stored) a second one into the same year: month rows the year has already.
            for (var import = 0; import < 2; import++)
            {
                var files = Dataset(random, year, first: import == 0, heavy);
                var expected = await Run(inTurn, year, files, actor, readAlongside: false);
                var actual = await Run(alongside, year, files, actor, readAlongside: true);

                var because = $"seed {seed}, import {import + 1}";
                actual.Counts.Should().Be(expected.Counts, because);
                actual.OutOfScope.Should().Be(expected.OutOfScope, because);
                actual.Errors.Should().Equal(expected.Errors, because);
                actual.ErrorCount.Should().Be(expected.ErrorCount, because);

                (await Rows(alongsideDatabase, year)).Should().Equal(await Rows(inTurnDatabase, year), because);
                if (!expected.Succeeded)
                {
                    break;
                }
            }

            var report = await new FollowUpQuery(inTurn, inTurn).Report(year, R1, FollowUpGrouping.Account, null, None);
            var reportAlongside = await new FollowUpQuery(alongside, alongside).Report(year, R1, FollowUpGrouping.Account, null, None);
            reportAlongside.Should().BeEquivalentTo(report, $"seed {seed}");
        }
    }

    private async Task<ImportOutcome> Run(BudgetStore store, int year, IReadOnlyDictionary<string, string> files, Actor actor, bool readAlongside)
    {
        var streams = files.ToDictionary(f => f.Key, f => (Func<Stream>)(() => new MemoryStream(Encoding.UTF8.GetBytes(f.Value))));
        return await new DatasetImport(store, Clock) { ReadPostingsAlongside = readAlongside }.Run(year, streams, actor, None);
    }

    /// <summary>Everything the import writes that a report reads, as text, in key order.</summary>
    private static async Task<List<string>> Rows(ProviderDatabase database, int year)
    {
        await using var connection = await database.Open();
        var rows = new List<string>();
        foreach (var sql in new[]
        {
            "SELECT * FROM account WHERE year = @Year ORDER BY account_id",
            "SELECT * FROM posting_month WHERE year = @Year ORDER BY month, account_id",
            "SELECT account_id, kind, amount_ore, decided_on, reference, decided_by FROM movement WHERE year = @Year ORDER BY account_id, kind, decided_on, amount_ore, reference",
            "SELECT * FROM estimate WHERE year = @Year ORDER BY round, account_id",
            "SELECT * FROM estimate_version WHERE year = @Year ORDER BY round, account_id, version",
        })
        {
            foreach (IDictionary<string, object?> row in await connection.QueryAsync(sql, new { Year = year }))
            {
                rows.Add(string.Join(" | ", row.Select(c => $"{c.Key}={Convert.ToString(c.Value, CultureInfo.InvariantCulture)}")));
            }
        }

        return rows;
    }

    /// <summary>
    /// What some seeds add: more than a thousand bad movements before the postings (a reading in turn stops its
    /// postings where the error list fills, out-of-scope rows included), postings in several batches, or more than a
    /// thousand bad postings.
    /// </summary>
    private enum Heavy
    {
        None,
        BadMovements,
        ManyPostings,
        BadPostings,
        None2,
        None3,
    }

    /// <summary>
    /// A dataset of the four files, most rows good and about one in <c>bad</c> not (a first dataset brings the accounts,
    /// a second may bring one more); the files are sent in different orders of the dictionary.
    /// </summary>
    private static Dictionary<string, string> Dataset(Random random, int year, bool first, Heavy heavy)
    {
        var bad = heavy == Heavy.BadMovements ? 0 : random.Next(3) == 0 ? 0 : random.Next(8, 40); // 0: no bad rows by intent
        bool Bad() => bad > 0 && random.Next(bad) == 0;
        var accounts = new StringBuilder("committee,activity_area,account,name\n");
        var known = first ? Accounts[..4] : Accounts[..5];
        foreach (var (account, i) in (first ? Accounts[..4] : Accounts[4..5]).Select((a, i) => (a, i)))
        {
            accounts.Append(CultureInfo.InvariantCulture, $"{Committees[i % 2]},Område {i},{(Bad() ? "x" + account : account)},Konto {account}\n");
        }

        string Account() => Bad() ? Accounts[5] : known[random.Next(known.Length)];

        var movements = new StringBuilder("account,kind,amount,decided_on,reference\n");
        if (heavy == Heavy.BadMovements)
        {
            movements.Append(string.Concat(Enumerable.Repeat($"{known[0]},unknown,1,{year - 1}-12-01,\n", ErrorList.Limit + random.Next(-30, 30))));
        }

        for (var i = random.Next(1, 30); i > 0; i--)
        {
            var kind = Bad() ? "unknown" : random.Next(2) == 0 ? "original_budget" : "council_decision";
            movements.Append(CultureInfo.InvariantCulture, $"{Account()},{kind},{random.Next(-5_000_000, 5_000_000)}.{random.Next(100):00},{year - 1}-12-0{random.Next(1, 10)},ref {i}\n");
        }

        var estimates = new StringBuilder("round,account,estimate,explanation\n");
        foreach (var account in known.Where(_ => random.Next(3) > 0))
        {
            estimates.Append(CultureInfo.InvariantCulture, $"{(Bad() ? 4 : random.Next(1, 4))},{account},{random.Next(0, 9_000_000)},skøn\n");
        }

        var postings = new StringBuilder("account,posted_on,amount\n");
        var postingRows = heavy switch { Heavy.ManyPostings => random.Next(10_000, 16_000), Heavy.BadPostings or Heavy.BadMovements => random.Next(1_500, 2_500), _ => random.Next(0, 400) };
        var badPosting = heavy == Heavy.BadPostings ? 2 : bad;
        for (var i = postingRows; i > 0; i--)
        {
            var wrong = badPosting > 0 && random.Next(badPosting) == 0;
            var date = wrong && random.Next(2) == 0 ? $"{year + 1}-01-01" : new LocalDate(year, 1, 1).PlusDays(random.Next(365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var amount = wrong && random.Next(2) == 0 ? "100000000000000" : $"{random.Next(-2_000_000, 2_000_000)}.{random.Next(100):00}";
            postings.Append(CultureInfo.InvariantCulture, $"{(wrong && random.Next(3) == 0 ? Accounts[5] : known[random.Next(known.Length)])},{date},{amount}\n");
        }

        var files = new List<(string, string)>
        {
            (DatasetImport.AccountsFile, accounts.ToString()),
            (DatasetImport.MovementsFile, movements.ToString()),
            (DatasetImport.EstimatesFile, estimates.ToString()),
            (DatasetImport.PostingsFile, postings.ToString()),
        };
        return files.OrderBy(_ => random.Next()).ToDictionary(f => f.Item1, f => f.Item2);
    }
}

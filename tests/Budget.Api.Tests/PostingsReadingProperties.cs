using System.Text;
using Budget.Application;
using Budget.Application.Audit;
using Budget.Application.Datasets;
using Budget.Application.Users;
using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Api.Tests;

/// <summary>
/// The postings file has a hot path that turns a plain row into a posting without strings or row objects, and hands
/// every other row to the general checks (issue 20). Quoting a field takes a row off the hot path and changes nothing
/// else, so: whatever mix of good and bad rows, flavour and caller's scope, a file and the same file with every field
/// quoted give the same postings, in the same order, and the same outcome — counts, or the same errors on the same
/// lines and columns with the same messages.
/// </summary>
public sealed class PostingsReadingProperties
{
    private const int Year = 2025;

    private static readonly Account[] Known =
    [
        new(AccountId.Parse("6.45.51"), "Sekretariat og forvaltninger", "Økonomiudvalget", "Administration"),
        new(AccountId.Parse("5.57.70"), "Kontanthjælp", "Socialudvalget", "Overførsler"),
    ];

    // Each field is good, or (when the file may have bad rows) now and then bad or off the hot path. A file of good rows
    // only is stored, so its postings are compared too; one with a bad row stores nothing and its errors are compared.
    private static Gen<string> Accounts(bool withBad) => Gen.Frequency(
        (12, Gen.Elements("6.45.51", "5.57.70")),
        (withBad ? 1 : 0, Gen.Elements(" 6.45.51", "5.57.70 ", "9.99.99", "", "6.45.5")));

    private static Gen<string> Dates(bool withBad) => Gen.Frequency(
        (12, Gen.Elements("2025-01-01", "2025-03-31", "2025-12-31", "2025-02-28")),
        (withBad ? 1 : 0, Gen.Elements("2024-12-31", "2026-01-01", "2025-02-29", "2025-13-01", "25-01-2025", " 2025-01-15", "")));

    private static readonly Gen<decimal> Amounts = Gen.Frequency(
        (12, Gen.Choose(-10_000_000, 10_000_000).Select(ore => ore / 100m)),
        (1, Gen.Elements(99_999_999_999.99m, -99_999_999_999.99m, 0m)));

    private static Gen<string> AmountTexts(bool danish, bool withBad) => Gen.Frequency(
        (12, Amounts.Select(a => a.ToString("0.##", danish ? DanishNumbers : System.Globalization.CultureInfo.InvariantCulture))),
        (withBad ? 1 : 0, Gen.Elements("1e5", "12.345", "", " 7 ", "99999999999999999", danish ? "1.234,50" : "1'234.50", "-")));

    private static readonly System.Globalization.NumberFormatInfo DanishNumbers = new() { NumberDecimalSeparator = ",", NegativeSign = "-" };

    [Fact]
    public void Quoting_every_field_changes_neither_the_postings_nor_the_outcome()
    {
        var files = from danish in Gen.Elements(false, true)
                    from withBad in Gen.Elements(false, true)
                    from lines in Gen.NonEmptyListOf(from account in Accounts(withBad) from date in Dates(withBad) from amount in AmountTexts(danish, withBad) select new[] { account, date, amount }).Resize(60)
                    from crlf in Gen.Elements(false, true)
                    from scoped in Gen.Elements(false, false, true)
                    from blankLine in Gen.Choose(-1, 60)
                    select (lines: lines.ToArray(), danish, withBad, crlf, scoped, blankLine);

        Prop.ForAll(files.ToArbitrary(), file =>
        {
            var actor = file.scoped
                ? new Actor("konsulent", new HashSet<Role> { Role.Consultant }, false, new HashSet<string> { "Økonomiudvalget" })
                : Actor.System;
            var plain = Import(Write(file.lines, file.danish, file.crlf, file.blankLine, quoted: false), actor);
            var quoted = Import(Write(file.lines, file.danish, file.crlf, file.blankLine, quoted: true), actor);

            return (file.withBad || file.scoped || plain.Postings.Count == file.lines.Length)
                && plain.Postings.SequenceEqual(quoted.Postings)
                && plain.Outcome.Counts == quoted.Outcome.Counts
                && plain.Outcome.OutOfScope == quoted.Outcome.OutOfScope
                && plain.Outcome.ErrorCount == quoted.Outcome.ErrorCount
                && plain.Outcome.Errors.SequenceEqual(quoted.Outcome.Errors);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Plain_rows_and_rows_read_by_the_general_path_sum_to_the_same_postings_in_file_order()
    {
        // Line 3 is quoted and line 4 has a space before its account (and ends in CRLF): both leave the hot path.
        var text = "account,posted_on,amount\n6.45.51,2025-01-15,100\n\"5.57.70\",2025-01-15,-200.10\n 6.45.51,2025-06-30,0.01\r\n5.57.70,2025-12-31,12345678.9\n";
        var (outcome, postings) = Import(text, Actor.System);

        outcome.Errors.Should().BeEmpty();
        outcome.Counts!.Postings.Should().Be(4);
        postings.Should().Equal(
            new Posting(AccountId.Parse("6.45.51"), new LocalDate(2025, 1, 15), Amount.FromOre(100_00)),
            new Posting(AccountId.Parse("5.57.70"), new LocalDate(2025, 1, 15), Amount.FromOre(-200_10)),
            new Posting(AccountId.Parse("6.45.51"), new LocalDate(2025, 6, 30), Amount.FromOre(1)),
            new Posting(AccountId.Parse("5.57.70"), new LocalDate(2025, 12, 31), Amount.FromOre(12_345_678_90)));
    }

    [Fact]
    public void A_plain_row_that_would_cross_the_year_ceiling_is_refused_with_the_general_message()
    {
        // Each posting at the input ceiling (100.000.000.000 kr.), the year's sum of |amount| at its own ceiling after
        // 200.000 of them: the next one, on line 200.002, crosses it.
        var rows = (int)(AmountCeilings.MaxYearMagnitudeOre / AmountCeilings.MaxInputOre) + 1;
        var text = "account,posted_on,amount\n" + string.Concat(Enumerable.Repeat("6.45.51,2025-01-15,100000000000\n", rows));
        var (outcome, _) = Import(text, Actor.System);

        outcome.Counts.Should().BeNull();
        outcome.Errors.Should().Equal(new DatasetError("postings", rows + 1, "amount", AmountCeilings.YearProblem(Year, "postings") + " with this row"));
    }

    private static string Write(string[][] rows, bool danish, bool crlf, int blankLine, bool quoted)
    {
        var separator = danish ? ";" : ",";
        var newline = crlf ? "\r\n" : "\n";
        var text = new StringBuilder(danish ? "sep=;" + newline : "");
        text.Append(string.Join(separator, "account", "posted_on", "amount")).Append(newline);
        for (var r = 0; r < rows.Length; r++)
        {
            if (r == blankLine)
            {
                text.Append(newline);
            }

            text.Append(string.Join(separator, rows[r].Select(f => quoted ? "\"" + f + "\"" : f))).Append(newline);
        }

        return text.ToString();
    }

    private static (ImportOutcome Outcome, List<Posting> Postings) Import(string postings, Actor actor)
    {
        var store = new RecordingStore();
        var files = new Dictionary<string, Func<Stream>> { [DatasetImport.PostingsFile] = () => new MemoryStream(Encoding.UTF8.GetBytes(postings)) };
        var outcome = new DatasetImport(store, SystemClock.Instance).Run(Year, files, actor, CancellationToken.None).GetAwaiter().GetResult();
        return (outcome, store.Postings);
    }

    /// <summary>An import store that keeps what it is handed, to compare two readings of one file.</summary>
    private sealed class RecordingStore : IImportStore, IImportSession
    {
        public List<Posting> Postings { get; } = [];

        public IReadOnlyDictionary<AccountId, Account> ExistingAccounts { get; } = Known.ToDictionary(a => a.Id);

        public (long Movements, long Postings) Magnitudes => (0, 0);

        public IReadOnlyDictionary<RoundNumber, RoundState> RoundStates { get; } = new Dictionary<RoundNumber, RoundState>();

        public LocalDate? ClosedOn => null;

        public Task<IImportSession> BeginImport(int year, CancellationToken cancellationToken) => Task.FromResult<IImportSession>(this);

        public Task AddAccounts(IReadOnlyList<Account> accounts, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SetCutoff(RoundNumber round, LocalDate cutoff, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SetSetting(string key, Amount value, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AddMovements(IReadOnlyList<AppropriationMovement> movements, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AddPostings(IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
        {
            Postings.AddRange(postings);
            return Task.CompletedTask;
        }

        public void PostingsComplete()
        {
        }

        public Task SaveEstimates(IReadOnlyList<AccountEstimate> estimates, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task Commit(AuditEntry audit, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

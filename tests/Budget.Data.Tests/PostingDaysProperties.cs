using Budget.Domain.Accounts;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// An import sums its postings per (account, day) in memory (decision 0019) and SQLite's month rows are made from
/// those sums account by account (decision 0035), where PostgreSQL's are read month by month. Whatever the postings
/// — in any order, several on one day, sums of zero, a leap year, accounts given as different strings of one id — a
/// batch added in two passes gives the sums of adding them one by one, and the month rows made account by account are
/// the months' cumulative totals and days read month by month, and those are the postings' own sums.
/// </summary>
public sealed class PostingDaysProperties
{
    private static readonly string[] Accounts = ["5.57.70", "5.57.71", "6.45.51", "0.22.01", "1.10.01"];

    private static Gen<(int Year, (int Account, int Day, long Ore)[] Postings)> Batches =>
        from year in Gen.Elements(2023, 2024, 2025)
        from postings in Gen.ArrayOf(
            from account in Gen.Choose(0, Accounts.Length - 1)
            from day in Gen.Frequency((3, Gen.Choose(0, CalendarSystem.Iso.GetDaysInYear(year) - 1)), (1, Gen.Elements(0, 59, 364)))
            from ore in Gen.Frequency((4, Gen.Choose(-1_000_000, 1_000_000).Select(o => (long)o)), (1, Gen.Elements(0L, AmountCeilings.MaxInputOre, -AmountCeilings.MaxInputOre)))
            select (account, day, ore)).Resize(3000)
        select (year, postings);

    [Fact]
    public void Adding_a_batch_at_once_and_posting_by_posting_give_the_same_month_rows_and_they_are_the_postings_sums()
    {
        Prop.ForAll(Batches.ToArbitrary(), batch =>
        {
            var start = new LocalDate(batch.Year, 1, 1);
            // A fresh string per posting: the sums must not depend on the rows sharing one string per account.
            var postings = batch.Postings.Select(p => new Posting(AccountId.Parse(new string(Accounts[p.Account].AsSpan())), start.PlusDays(p.Day), Amount.FromOre(p.Ore))).ToList();

            var atOnce = new PostingDays(batch.Year);
            atOnce.AddRange(postings);
            var oneByOne = new PostingDays(batch.Year);
            postings.ForEach(oneByOne.Add);

            var rows = Rows(atOnce);
            rows.Should().Equal(Rows(oneByOne));
            rows.Should().Equal(MonthByMonth(atOnce));
            rows.Should().Equal(Expected(batch.Year, postings));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Rows_made_before_a_later_posting_are_not_kept()
    {
        var days = new PostingDays(2025);
        days.Add("6.45.51", new LocalDate(2025, 3, 1), 100);
        days.Keep("made");
        days.Kept<string>().Should().Be("made");

        days.AddRange([new Posting(AccountId.Parse("6.45.51"), new LocalDate(2025, 3, 2), Amount.FromOre(1))]);

        days.Kept<string>().Should().BeNull();
    }

    /// <summary>Each month row as text: account, month, cumulative total, and the days with postings (day:øre×postings).</summary>
    private static List<string> Rows(PostingDays days)
    {
        var rows = new List<string>();
        var accounts = days.Accounts();
        days.ForEachAccountMonth(accounts, (account, month, cumulative, ore, count) => rows.Add(Row(accounts[account], month, cumulative, ore, count)));
        return rows;
    }

    /// <summary>The same rows read as PostgreSQL's write reads them: month by month, each account's days looked up.</summary>
    private static List<string> MonthByMonth(PostingDays days)
    {
        var rows = new List<string>();
        foreach (var (month, account, cumulative) in days.CumulativeMonths().OrderBy(r => r.Account, StringComparer.Ordinal).ThenBy(r => r.Month))
        {
            var length = CalendarSystem.Iso.GetDaysInMonth(days.Year, month);
            var ore = new long[length];
            var count = new long[length];
            days.MonthDays(account, month, ore, count);
            rows.Add(Row(account, month, cumulative, ore, count));
        }

        return rows;
    }

    /// <summary>The rows from the postings themselves: from each account's first month with a posting through December.</summary>
    private static List<string> Expected(int year, List<Posting> postings)
    {
        var rows = new List<string>();
        foreach (var account in postings.Select(p => p.Account.Value).Distinct().Order(StringComparer.Ordinal))
        {
            var own = postings.Where(p => p.Account.Value == account).ToList();
            var first = own.Min(p => p.PostedOn.Month);
            for (var month = first; month <= 12; month++)
            {
                var length = CalendarSystem.Iso.GetDaysInMonth(year, month);
                var ore = new long[length];
                var count = new long[length];
                foreach (var p in own.Where(p => p.PostedOn.Month == month))
                {
                    ore[p.PostedOn.Day - 1] += p.Amount.Ore;
                    count[p.PostedOn.Day - 1]++;
                }

                var cumulative = own.Where(p => p.PostedOn.Month <= month).Sum(p => p.Amount.Ore);
                rows.Add(Row(account, month, cumulative, ore, count));
            }
        }

        return rows;
    }

    private static string Row(string account, int month, long cumulative, ReadOnlySpan<long> ore, ReadOnlySpan<long> count)
    {
        var days = new List<string>();
        for (var d = 0; d < ore.Length; d++)
        {
            if (count[d] > 0 || ore[d] != 0)
            {
                days.Add($"{d + 1}:{ore[d]}x{count[d]}");
            }
        }

        return $"{account} {month}: {cumulative} [{string.Join(" ", days)}] of {ore.Length}";
    }
}

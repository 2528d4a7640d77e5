using Budget.Application;
using Budget.Application.Forecast;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// The consumption reader's contract (forecasts, backtests, month comparisons): consumption as of several dates in
/// one read, and per month, from the day sums and the cumulative month rows, on every provider of the run.
/// </summary>
public sealed class ConsumptionReaderContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private const int Year = 2064; // a leap year

    private static readonly ImportData TheYear = new()
    {
        Accounts = TwoCommittees(),
        Postings =
        [
            Posting("5.57.70", Date(Year, 1, 1), 100_01),
            Posting("5.57.70", Date(Year, 2, 29), 50_00),
            Posting("5.57.70", Date(Year, 3, 1), 7_00),
            Posting("5.57.70", Date(Year, 3, 1), -2_00),
            Posting("5.57.70", Date(Year, 12, 31), 1_000_00),
            Posting("5.57.71", Date(Year, 6, 15), 300_00),
            Posting("5.57.71", Date(Year, 8, 1), -300_00),
        ],
    };

    private async Task<BudgetStore> Loaded(string provider)
    {
        var store = Store(provider);
        if ((await ((IYearStore)store).FindYear(Year, None)) is null)
        {
            await Import(store, Year, TheYear);
        }

        return store;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Consumption_as_of_several_dates_in_one_read_follows_the_postings(string provider)
    {
        using var store = await Loaded(provider);

        LocalDate[] dates = [Date(Year - 1, 12, 31), Date(Year, 1, 1), Date(Year, 2, 28), Date(Year, 2, 29), Date(Year, 3, 1), Date(Year, 7, 31), Date(Year, 12, 30), Date(Year, 12, 31), Date(Year + 1, 6, 1)];
        var read = await ((IConsumptionReader)store).ConsumptionAsOf(Year, dates, None);

        read.Select(a => a.Account).Should().Equal(await ((IYearStore)store).Accounts(Year, None), "every account, in the year's order");
        var byId = read.ToDictionary(a => a.Account.Id.Value, a => a.Amounts.Select(x => x.Ore).ToArray());
        byId["5.57.70"].Should().Equal(0, 100_01, 100_01, 150_01, 155_01, 155_01, 155_01, 1_155_01, 1_155_01);
        byId["5.57.71"].Should().Equal(0, 0, 0, 0, 0, 300_00, 0, 0, 0);
        byId["5.57.72"].Should().OnlyContain(o => o == 0);
        byId["5.68.90"].Should().OnlyContain(o => o == 0);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Consumption_by_month_is_each_months_own_total(string provider)
    {
        using var store = await Loaded(provider);

        var months = await ((IConsumptionReader)store).ConsumptionByMonth(Year, None);

        var byId = months.ToDictionary(a => a.Account.Id.Value, a => a.Amounts.Select(x => x.Ore).ToArray());
        byId["5.57.70"].Should().Equal(100_01, 50_00, 5_00, 0, 0, 0, 0, 0, 0, 0, 0, 1_000_00);
        byId["5.57.71"].Should().Equal(0, 0, 0, 0, 0, 300_00, 0, -300_00, 0, 0, 0, 0);
        byId["5.68.90"].Should().Equal(new long[12]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_year_that_does_not_exist_reads_as_no_accounts(string provider)
    {
        using var store = Store(provider);

        (await ((IConsumptionReader)store).ConsumptionAsOf(1999, [Date(1999, 3, 31)], None)).Should().BeEmpty();
        (await ((IConsumptionReader)store).ConsumptionByMonth(1999, None)).Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Postings_added_later_to_an_earlier_month_show_in_every_later_month_and_date(string provider)
    {
        using var store = Store(provider);
        const int year = 2065;
        await Import(store, year, new ImportData { Accounts = TwoCommittees(), Postings = [Posting("5.57.72", Date(year, 5, 10), 40_00)] });
        await ((IAppropriationStore)store).AddPostings(year, [Posting("5.57.72", Date(year, 2, 3), 2_50)], Audit(year, "postings", $"years/{year}/postings"), None);

        var months = await ((IConsumptionReader)store).ConsumptionByMonth(year, None);
        var asOf = await ((IConsumptionReader)store).ConsumptionAsOf(year, [Date(year, 2, 2), Date(year, 2, 28), Date(year, 5, 9), Date(year, 5, 31)], None);

        months.Single(a => a.Account.Id.Value == "5.57.72").Amounts.Should().Equal(
            Amount.Zero, Amount.FromOre(2_50), Amount.Zero, Amount.Zero, Amount.FromOre(40_00), Amount.Zero, Amount.Zero, Amount.Zero, Amount.Zero, Amount.Zero, Amount.Zero, Amount.Zero);
        asOf.Single(a => a.Account.Id.Value == "5.57.72").Amounts.Select(a => a.Ore).Should().Equal(0, 2_50, 2_50, 42_50);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task One_write_adds_to_an_account_s_stored_months_and_starts_another_s(string provider)
    {
        // PostgreSQL writes the month rows of accounts with nothing stored by COPY and adds the rest by upsert
        // (decision 0026): one write with both kinds must give each its own months.
        using var store = Store(provider);
        const int year = 2066;
        await Import(store, year, new ImportData { Accounts = TwoCommittees(), Postings = [Posting("5.57.72", Date(year, 3, 10), 40_00)] });
        await Import(store, year, new ImportData
        {
            Postings = [Posting("5.57.72", Date(year, 1, 5), 1_00), Posting("5.57.71", Date(year, 2, 3), 2_50), Posting("5.57.72", Date(year, 3, 31), 5)],
        });

        var months = (await ((IConsumptionReader)store).ConsumptionByMonth(year, None)).ToDictionary(a => a.Account.Id.Value, a => a.Amounts.Select(x => x.Ore).ToArray());
        var asOf = (await ((IConsumptionReader)store).ConsumptionAsOf(year, [Date(year, 1, 31), Date(year, 2, 28), Date(year, 12, 31)], None))
            .ToDictionary(a => a.Account.Id.Value, a => a.Amounts.Select(x => x.Ore).ToArray());

        months["5.57.72"].Should().Equal(1_00, 0, 40_05, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        months["5.57.71"].Should().Equal(0, 2_50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        asOf["5.57.72"].Should().Equal(1_00, 1_00, 41_05);
        asOf["5.57.71"].Should().Equal(0, 2_50, 2_50);
    }
}

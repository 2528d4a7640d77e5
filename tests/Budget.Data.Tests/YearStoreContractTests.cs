using Budget.Application;
using Budget.Domain.Appropriations;
using Budget.Domain.Money;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>The year store's contract: years, accounts, settings and the round calendar, as an import leaves them.</summary>
public sealed class YearStoreContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task An_import_creates_the_year_and_its_accounts_are_read_in_ordinal_committee_area_account_order(string provider)
    {
        using var store = Store(provider);
        IYearStore years = store;

        await Import(store, 2031, new ImportData { Accounts = TwoCommittees() });

        (await years.Years(None)).Should().Contain(2031);
        (await years.Accounts(2031, None)).Select(a => a.Id.Value).Should().Equal("5.68.90", "5.57.70", "5.57.71", "5.57.72");
        (await years.Accounts(2099, None)).Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FindAccount_returns_the_account_as_imported_or_null(string provider)
    {
        using var store = Store(provider);
        IYearStore years = store;
        var imported = new Budget.Domain.Accounts.Account(Id("5.57.73"), "Kontanthjælp", "Beskæftigelsesudvalget", "Overførsler", "Kontante ydelser", Budget.Domain.Accounts.Block.Drift)
        {
            RefusionBenefit = "kontanthjaelp",
        };
        await Import(store, 2032, new ImportData { Accounts = [imported, Account("0.01.01", "Økonomiudvalget", "Administration")] });

        (await years.FindAccount(2032, Id("5.57.73"), None)).Should().Be(imported);
        (await years.FindAccount(2032, Id("5.57.74"), None)).Should().BeNull();
        (await years.FindAccount(2033, Id("5.57.73"), None)).Should().BeNull("the account is in 2032, not 2033");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Settings_are_the_imported_amounts_and_a_later_import_replaces_a_key(string provider)
    {
        using var store = Store(provider);
        IYearStore years = store;
        await Import(store, 2034, new ImportData { Settings = new Dictionary<string, Amount> { ["service_frame"] = Ore(123_456_789_01), ["primo_cash"] = Ore(-5) } });
        await Import(store, 2034, new ImportData { Settings = new Dictionary<string, Amount> { ["primo_cash"] = Ore(700) } });

        (await years.Settings(2034, None)).Should().BeEquivalentTo(new Dictionary<string, Amount> { ["service_frame"] = Ore(123_456_789_01), ["primo_cash"] = Ore(700) });
        (await years.Settings(2098, None)).Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FindYear_gives_the_default_calendar_with_the_imported_cutoffs_in_place_and_null_for_an_unknown_year(string provider)
    {
        using var store = Store(provider);
        IYearStore years = store;
        await Import(store, 2035, new ImportData { Accounts = TwoCommittees() });
        await Import(store, 2036, new ImportData { Cutoffs = new Dictionary<RoundNumber, LocalDate> { [R2] = Date(2036, 7, 15) } });

        (await years.FindYear(2035, None)).Should().Be(RoundCalendar.Default(2035));
        var calendar = await years.FindYear(2036, None);
        calendar.Should().Be(RoundCalendar.Default(2036).WithCutoff(R2, Date(2036, 7, 15)));
        calendar!.CutoffOf(R1).Should().Be(Date(2036, 3, 31));
        calendar.CutoffOf(R2).Should().Be(Date(2036, 7, 15));
        calendar.CutoffOf(R3).Should().Be(Date(2036, 9, 30));
        (await years.FindYear(2097, None)).Should().BeNull();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Years_lists_every_imported_year_in_order(string provider)
    {
        using var store = Store(provider);
        IYearStore years = store;
        await Import(store, 2041, new ImportData());
        await Import(store, 2039, new ImportData());

        var listed = await years.Years(None);

        listed.Should().BeInAscendingOrder().And.Contain([2039, 2041]).And.OnlyHaveUniqueItems();
    }
}

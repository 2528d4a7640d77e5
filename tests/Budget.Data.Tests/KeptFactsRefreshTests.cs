using Budget.Application;
using Budget.Domain.Appropriations;

namespace Budget.Data.Tests;

/// <summary>
/// Right after the store's own estimate commits, the year's kept facts are refreshed in the background (decision
/// 0023): the report that follows finds the new estimate kept, without asking the database.
/// </summary>
public sealed class KeptFactsRefreshTests(ProviderDatabases databases) : StoreContract(databases)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task After_the_store_s_estimate_the_year_s_kept_facts_are_refreshed_before_a_report_asks(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2097, new ImportData { Accounts = TwoCommittees() });
        IFollowUpReader reader = store;
        var asOf = Date(2097, 3, 31);
        // Reports of two rounds, read until they are kept under a signal (PostgreSQL's listener starts with the first).
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (store.KeptFacts(2097, R1, asOf) is null || store.KeptFacts(2097, R2, asOf) is null)
        {
            DateTime.UtcNow.Should().BeBefore(until, "reports are kept once the change signal is known");
            (await reader.AccountFacts(2097, R1, asOf, None)).Should().OnlyContain(f => f.Estimate == null);
            (await reader.AccountFacts(2097, R2, asOf, None)).Should().OnlyContain(f => f.Estimate == null);
            await Task.Delay(10);
        }

        var saved = await ((IEstimateStore)store).SaveEstimate(2097, Estimate(R1, "5.57.70", 4_321_00), null, Clock.Now, Audit(2097, "estimate.save", "accounts/5.57.70/estimates/1"), None);
        saved.Status.Should().Be(EstimateSaveStatus.Saved);

        // Polled without a report: only the background refresh can bring the kept facts up to the estimate — of every
        // kept key of the year, not only the estimate's round (round 2's are current again, and unchanged).
        until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (store.KeptFacts(2097, R1, asOf)?.Single(f => f.Account.Id == Id("5.57.70")).Estimate?.Estimate != Ore(4_321_00)
            || store.KeptFacts(2097, R2, asOf) is null)
        {
            DateTime.UtcNow.Should().BeBefore(until, "the year's kept facts are refreshed after the store's own estimate");
            await Task.Delay(10);
        }

        store.KeptFacts(2097, R2, asOf).Should().OnlyContain(f => f.Estimate == null);
        (await reader.AccountFacts(2097, R1, asOf, None)).Single(f => f.Account.Id == Id("5.57.70")).Estimate!.Estimate.Should().Be(Ore(4_321_00));
    }
}

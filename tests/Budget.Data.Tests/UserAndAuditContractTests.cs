using Budget.Application;
using Budget.Application.Users;
using Budget.Domain;
using Budget.Domain.Appropriations;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>The user store's contract: unique names, keys found by hash until revoked.</summary>
public sealed class UserContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private Task<StoredUser> Create(IUserStore store, string name, string keyHash, IReadOnlyList<string>? committees = null) =>
        store.CreateUser(name, ["consultant", "finance"], committees, keyHash, Audit(null, "user.create", "users"), None);

    [Theory, MemberData(nameof(Providers))]
    public async Task A_created_user_is_found_by_key_hash_and_listed(string provider)
    {
        using var store = Store(provider);

        var created = await Create(store, "bodil", "hash-bodil", ["Økonomiudvalget", "Beskæftigelsesudvalget"]);
        var admin = await Create(store, "carl", "hash-carl");

        created.Should().BeEquivalentTo(new StoredUser(created.Id, "bodil", ["consultant", "finance"], ["Økonomiudvalget", "Beskæftigelsesudvalget"], Clock.Now, null), o => o.WithStrictOrdering());
        (await ((IUserStore)store).FindUserByKeyHash("hash-bodil", None)).Should().BeEquivalentTo(created, o => o.WithStrictOrdering());
        (await ((IUserStore)store).FindUserByKeyHash("hash-carl", None))!.Committees.Should().BeNull("no committees means every committee");
        (await ((IUserStore)store).FindUserByKeyHash("hash-nobody", None)).Should().BeNull();
        var listed = await ((IUserStore)store).Users(None);
        listed.Select(u => u.Id).Should().BeInAscendingOrder();
        listed.Where(u => u.Name is "bodil" or "carl").Should().BeEquivalentTo([created, admin]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_name_already_taken_is_refused_and_stores_nothing(string provider)
    {
        using var store = Store(provider);
        await Create(store, "dorte", "hash-dorte-1");
        var before = await ((IUserStore)store).Users(None);
        var audited = (await ((IAuditReader)store).Audit(null, null, null, "users", None)).Count;

        var again = () => Create(store, "dorte", "hash-dorte-2");

        await again.Should().ThrowAsync<UserNameTakenException>();
        (await ((IUserStore)store).Users(None)).Should().BeEquivalentTo(before);
        (await ((IUserStore)store).FindUserByKeyHash("hash-dorte-2", None)).Should().BeNull();
        (await ((IAuditReader)store).Audit(null, null, null, "users", None)).Should().HaveCount(audited);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_revoked_user_is_no_longer_found_by_key_and_revoking_twice_is_false(string provider)
    {
        using var store = Store(provider);
        var user = await Create(store, "erik", "hash-erik");
        Clock.Advance(Duration.FromDays(30));

        var first = await ((IUserStore)store).RevokeUser(user.Id, Audit(null, "user.revoke", $"users/{user.Id}"), None);
        var second = await ((IUserStore)store).RevokeUser(user.Id, Audit(null, "user.revoke", $"users/{user.Id}"), None);
        var unknown = await ((IUserStore)store).RevokeUser(987_654, Audit(null, "user.revoke", "users/987654"), None);

        first.Should().BeTrue();
        second.Should().BeFalse();
        unknown.Should().BeFalse();
        (await ((IUserStore)store).FindUserByKeyHash("hash-erik", None)).Should().BeNull();
        (await ((IUserStore)store).Users(None)).Single(u => u.Id == user.Id).Should().BeEquivalentTo(user with { RevokedAt = Clock.Now });
        var trail = await ((IAuditReader)store).Audit(null, null, null, $"users/{user.Id}", None);
        trail.Select(r => (r.Entry.Action, r.Entry.UserId)).Should().Equal(("user.create", UserId), ("user.revoke", UserId));
    }
}

/// <summary>The audit reader's contract: exactly one entry per accepted write, none for a refused one, and its filters.</summary>
public sealed class AuditContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task Every_accepted_write_has_exactly_one_entry_with_the_user_and_a_refused_write_none(string provider)
    {
        const int year = 2021;
        using var store = Store(provider);
        await Import(store, year, new ImportData { Accounts = TwoCommittees() });
        Clock.Advance(Duration.FromMinutes(1));
        await ((IAppropriationStore)store).AddMovements(year, [Movement("5.57.70", MovementKind.CouncilDecision, 1_00, Date(year, 2, 1))], Audit(year, "movements.add", "movements"), None);
        Clock.Advance(Duration.FromMinutes(1));
        await ((IAppropriationStore)store).AddPostings(year, [Posting("5.57.70", Date(year, 2, 1), 1_00)], Audit(year, "postings.add", "postings"), None);
        Clock.Advance(Duration.FromMinutes(1));
        await ((IEstimateStore)store).SaveEstimate(year, Estimate(R1, "5.57.70", 1_00), null, Clock.Now, Audit(year, "estimate.save", "accounts/5.57.70/estimates/1"), None);
        await ((IEstimateStore)store).SaveEstimate(year, Estimate(R1, "5.57.70", 2_00), null, Clock.Now, Audit(year, "refused.conflict", "accounts/5.57.70/estimates/1"), None);
        var open = (await ((IRoundStore)store).FindRound(year, R1, None))!;
        Clock.Advance(Duration.FromMinutes(1));
        await ((IRoundStore)store).Apply(year, open.Submit()!, Audit(year, "round.submit", "rounds/1"), None);
        await ((IRoundStore)store).Apply(year, open.Submit()!, Audit(year, "refused.stale", "rounds/1"), None);
        await ((IEstimateStore)store).SaveEstimate(year, Estimate(R1, "5.57.71", 2_00), null, Clock.Now, Audit(year, "refused.locked", "accounts/5.57.71/estimates/1"), None);
        var overCeiling = () => ((IAppropriationStore)store).AddMovements(year, [Movement("5.57.70", MovementKind.CouncilDecision, long.MaxValue / 2, Date(year, 2, 1))], Audit(year, "refused.ceiling", "movements"), None);
        await overCeiling.Should().ThrowAsync<BudgetRuleException>();
        await using (var aborted = await ((IImportStore)store).BeginImport(year, None))
        {
            await aborted.AddMovements([Movement("5.57.70", MovementKind.CarryOver, 1_00, Date(year, 3, 1))], None);
        }

        var trail = await ((IAuditReader)store).Audit(year, null, null, null, None);

        trail.Select(r => r.Entry.Action).Should().Equal("import", "movements.add", "postings.add", "estimate.save", "round.submit");
        trail.Should().OnlyContain(r => r.Entry.UserId == UserId && r.Entry.User == UserName && r.Entry.Year == year);
        trail.Select(r => r.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        trail[1].Entry.Should().Be(Audit(year, "movements.add", "movements") with { At = Clock.Now - Duration.FromMinutes(3) });
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task The_trail_filters_by_year_target_prefix_and_an_inclusive_time_range(string provider)
    {
        using var store = Store(provider);
        await Import(store, 2022, new ImportData { Accounts = TwoCommittees() });
        await Import(store, 2023, new ImportData { Accounts = TwoCommittees() });
        var t0 = Clock.Now;
        async Task Write(int year, string account, long ore)
        {
            Clock.Advance(Duration.FromSeconds(1));
            var estimate = Estimate(R1, account, ore);
            var current = await ((IEstimateStore)store).FindEstimate(year, R1, estimate.Account, None);
            var result = await ((IEstimateStore)store).SaveEstimate(year, estimate, current?.Version, Clock.Now, Audit(year, "estimate.save", $"accounts/{account}/estimates/1"), None);
            result.Status.Should().Be(EstimateSaveStatus.Saved);
        }

        await Write(2022, "5.57.70", 1);   // t0 + 1 s
        await Write(2022, "5.57.71", 2);   // t0 + 2 s
        await Write(2023, "5.57.70", 3);   // t0 + 3 s
        await Write(2022, "5.57.70", 4);   // t0 + 4 s
        await ((IAppropriationStore)store).AddMovements(2022, [Movement("5.57.70", MovementKind.CouncilDecision, 5, Date(2022, 5, 5))], Audit(2022, "movements.add", "accounts/5.57.70"), None);
        await ((IAppropriationStore)store).AddMovements(2022, [Movement("5.57.72", MovementKind.CouncilDecision, 5, Date(2022, 5, 5))], Audit(2022, "movements.add", "accounts/5.57.700"), None);

        async Task<IEnumerable<string>> Targets(int? year, Instant? since, Instant? until, string? target) =>
            (await ((IAuditReader)store).Audit(year, since, until, target, None)).Select(r => $"{r.Entry.Year}:{r.Entry.Target}");

        (await Targets(2023, null, null, null)).Should().Equal("2023:years/2023", "2023:accounts/5.57.70/estimates/1");
        (await Targets(2022, null, null, "accounts/5.57.70")).Should().Equal(
            "2022:accounts/5.57.70/estimates/1", "2022:accounts/5.57.70/estimates/1", "2022:accounts/5.57.70");
        (await Targets(null, null, null, "accounts/5.57.70/")).Should().Equal(
            ["2022:accounts/5.57.70/estimates/1", "2023:accounts/5.57.70/estimates/1", "2022:accounts/5.57.70/estimates/1", "2022:accounts/5.57.70"],
            "a trailing slash names the same target");
        (await Targets(null, t0 + Duration.FromSeconds(2), t0 + Duration.FromSeconds(3), "accounts")).Should().Equal(
            "2022:accounts/5.57.71/estimates/1", "2023:accounts/5.57.70/estimates/1");
        (await Targets(2022, t0 + Duration.FromSeconds(4), null, null)).Should().Equal(
            "2022:accounts/5.57.70/estimates/1", "2022:accounts/5.57.70", "2022:accounts/5.57.700");
        (await Targets(2022, null, t0, null)).Should().Equal("2022:years/2022");
        (await Targets(2024, null, null, null)).Should().BeEmpty();
    }
}

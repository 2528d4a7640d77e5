using System.Data.Common;
using Budget.Application;
using Budget.Application.Cases;
using Budget.Domain.Appropriations;
using Budget.Domain.Cases;
using Budget.Domain.Money;
using Dapper;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// The case store's contract on every provider: cases created all or none with unique references, revised by
/// compare-and-set on the version, approved once with their movements in the same transaction, every write audited,
/// and the four tables append-only in the database itself.
/// </summary>
public sealed class CaseContractTests(ProviderDatabases databases) : StoreContract(databases)
{
    private static CaseAmounts Kr(decimal a, decimal b, decimal c, decimal d) => new(Amount.Of(a), Amount.Of(b), Amount.Of(c), Amount.Of(d));

    private static AppropriationCase Case(int year, string reference, string? catalogue = null, string title = "Flere jobkonsulenter", decimal budgetYear = 500m) =>
        new(year, reference, title, true, true, catalogue, year,
        [
            new CaseRow(CaseRowKind.Line, Id("5.68.90"), Kr(budgetYear, 1_000m, 1_000m, 1_000m), CaseClass.Service) { Annual = Amount.Of(1_000m), From = new LocalDate(year, 7, 1) },
            new CaseRow(CaseRowKind.Financing, Id("5.57.70"), Kr(-budgetYear, -1_000m, -1_000m, -1_000m)) { Share = 0.3333333333m },
        ]);

    private static ICaseStore Cases(BudgetStore store) => store;

    private async Task<BudgetStore> Year(string provider, int year)
    {
        var store = Store(provider);
        await Import(store, year, new ImportData { Accounts = TwoCommittees() });
        return store;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Created_cases_read_back_whole_and_each_is_audited_under_its_id(string provider)
    {
        using var store = await Year(provider, 2081);

        var result = await Cases(store).CreateCases(2081, [(Case(2081, "BS-1"), Audit(2081, "case.create", "budget-years/2081/cases")), (Case(2081, "BS-2", "Katalog"), Audit(2081, "case.create", "budget-years/2081/cases"))], None);

        result.Status.Should().Be(CaseStoreStatus.Done);
        var (first, second) = (result.Ids![0], result.Ids[1]);
        var stored = (await Cases(store).FindCase(2081, first, null, None))!;
        stored.Case.Should().BeEquivalentTo(Case(2081, "BS-1"));
        stored.Case.Rows[1].Share.Should().Be(0.3333333333m);
        stored.Case.Rows[0].From.Should().Be(new LocalDate(2081, 7, 1));
        stored.Version.Should().Be(1);
        stored.Versions.Should().Equal(new CaseVersionInfo(1, Clock.Now, UserName));
        stored.Approval.Should().BeNull();
        (await Cases(store).Cases(2081, "Katalog", None)).Select(c => c.Id).Should().Equal(second);
        (await Cases(store).Cases(2081, null, None)).Select(c => c.Case.Reference).Should().Equal("BS-1", "BS-2");
        (await Cases(store).FindCase(2082, first, null, None)).Should().BeNull("a case belongs to its year");
        (await Trail(store, 2081)).Should().Equal(("import", "years/2081"), ("case.create", $"budget-years/2081/cases/{first}"), ("case.create", $"budget-years/2081/cases/{second}"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_batch_with_a_reference_already_taken_stores_nothing(string provider)
    {
        using var store = await Year(provider, 2083);
        await Cases(store).CreateCases(2083, [(Case(2083, "BS-1"), Audit(2083, "case.create", "budget-years/2083/cases"))], None);

        var result = await Cases(store).CreateCases(2083, [(Case(2083, "BS-2"), Audit(2083, "case.create", "budget-years/2083/cases")), (Case(2083, "BS-1"), Audit(2083, "case.create", "budget-years/2083/cases"))], None);

        result.Status.Should().Be(CaseStoreStatus.DuplicateReference);
        result.Reference.Should().Be("BS-1");
        (await Cases(store).Cases(2083, null, None)).Select(c => c.Case.Reference).Should().Equal("BS-1");
        (await Trail(store, 2083)).Should().HaveCount(2);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_revision_is_stored_only_over_the_latest_version_and_the_old_version_stays(string provider)
    {
        using var store = await Year(provider, 2084);
        var id = (await Cases(store).CreateCases(2084, [(Case(2084, "BS-1"), Audit(2084, "case.create", "budget-years/2084/cases"))], None)).Ids![0];
        Clock.Advance(Duration.FromMinutes(5));

        var revised = await Cases(store).ReviseCase(2084, id, 1, Case(2084, "BS-1", title: "Revideret", budgetYear: 400m), Audit(2084, "case.revise", $"budget-years/2084/cases/{id}"), None);
        var stale = await Cases(store).ReviseCase(2084, id, 1, Case(2084, "BS-1", title: "For sent"), Audit(2084, "case.revise", $"budget-years/2084/cases/{id}"), None);
        var unknown = await Cases(store).ReviseCase(2084, id + 100, 1, Case(2084, "BS-1"), Audit(2084, "case.revise", "x"), None);

        (revised.Status, revised.Version).Should().Be((CaseStoreStatus.Done, 2));
        stale.Status.Should().Be(CaseStoreStatus.VersionConflict);
        stale.Version.Should().Be(2);
        unknown.Status.Should().Be(CaseStoreStatus.NotFound);
        var latest = (await Cases(store).FindCase(2084, id, null, None))!;
        latest.Case.Title.Should().Be("Revideret");
        latest.Case.Rows[0].Amounts.BudgetYear.Should().Be(Amount.Of(400m));
        latest.Versions.Select(v => v.Version).Should().Equal(1, 2);
        (await Cases(store).FindCase(2084, id, 1, None))!.Case.Title.Should().Be("Flere jobkonsulenter");
        (await Cases(store).FindCase(2084, id, 3, None)).Should().BeNull();
        (await Trail(store, 2084)).Select(t => t.Action).Should().Equal("import", "case.create", "case.revise");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task An_approval_stores_its_movements_with_it_once_and_then_the_case_never_changes(string provider)
    {
        using var store = await Year(provider, 2085);
        var id = (await Cases(store).CreateCases(2085, [(Case(2085, "BS-1"), Audit(2085, "case.create", "budget-years/2085/cases"))], None)).Ids![0];
        var movements = Case(2085, "BS-1").Movements(new LocalDate(2085, 3, 20), "Kommunalbestyrelsen");

        var stale = await Cases(store).ApproveCase(2085, id, 2, new LocalDate(2085, 3, 20), null, movements, Audit(2085, "case.approve", "a"), None);
        var approved = await Cases(store).ApproveCase(2085, id, 1, new LocalDate(2085, 3, 20), "KB 20.03", movements, Audit(2085, "case.approve", $"budget-years/2085/cases/{id}"), None);
        var again = await Cases(store).ApproveCase(2085, id, 1, new LocalDate(2085, 3, 21), null, movements, Audit(2085, "case.approve", "a"), None);
        var revise = await Cases(store).ReviseCase(2085, id, 1, Case(2085, "BS-1"), Audit(2085, "case.revise", "a"), None);

        stale.Status.Should().Be(CaseStoreStatus.VersionConflict);
        approved.Status.Should().Be(CaseStoreStatus.Done);
        again.Status.Should().Be(CaseStoreStatus.AlreadyApproved);
        revise.Status.Should().Be(CaseStoreStatus.AlreadyApproved);
        var facts = (await ((IFollowUpReader)store).AccountFacts(2085, R1, new LocalDate(2085, 3, 31), None)).ToDictionary(f => f.Account.Id.Value);
        facts["5.68.90"].Appropriations.CouncilDecisions.Should().Be(Amount.Of(500m));
        facts["5.57.70"].Appropriations.CouncilDecisions.Should().Be(Amount.Of(-500m));
        var stored = (await Cases(store).FindCase(2085, id, null, None))!;
        stored.Approval.Should().Be(new CaseApprovalInfo(1, new LocalDate(2085, 3, 20), "KB 20.03", Clock.Now, UserName));
        (await ((IYearStore)store).History(2085, Id("5.68.90"), None)).Single().Reference.Should().Be("BS-1: Flere jobkonsulenter");
        (await Trail(store, 2085)).Select(t => t.Action).Should().Equal("import", "case.create", "case.approve");
    }

    public static TheoryData<string, string> ProvidersAndTables()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in TestProviders.Available)
        {
            foreach (var table in new[] { "budget_case", "case_version", "case_row", "case_approval" })
            {
                data.Add(provider, table);
            }
        }

        return data;
    }

    [Theory, MemberData(nameof(ProvidersAndTables))]
    public async Task The_case_tables_refuse_update_and_delete_in_the_database_itself(string provider, string table)
    {
        var year = 2086 + Array.IndexOf(new[] { "budget_case", "case_version", "case_row", "case_approval" }, table);
        using (var store = await Year(provider, year))
        {
            var id = (await Cases(store).CreateCases(year, [(Case(year, "BS-1"), Audit(year, "case.create", "c"))], None)).Ids![0];
            await Cases(store).ApproveCase(year, id, 1, new LocalDate(year, 3, 20), null, [], Audit(year, "case.approve", "c"), None);
        }

        await using var connection = await Database(provider).Open();
        var column = table == "budget_case" ? "reference" : table == "case_approval" ? "reference" : table == "case_version" ? "title" : "account_id";
        var where = $"case_id IN (SELECT case_id FROM budget_case WHERE year = {year})";
        async Task<long> Count() => await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}");
        var before = await Count();

        var update = () => connection.ExecuteAsync($"UPDATE {table} SET {column} = 'x' WHERE {where}");
        var delete = () => connection.ExecuteAsync($"DELETE FROM {table} WHERE {where}");

        before.Should().BeGreaterThan(0);
        await update.Should().ThrowAsync<DbException>().WithMessage("*append-only*");
        await delete.Should().ThrowAsync<DbException>().WithMessage("*append-only*");
        (await Count()).Should().Be(before);
    }
}

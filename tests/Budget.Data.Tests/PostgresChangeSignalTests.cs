using Budget.Application;
using Budget.Domain.Appropriations;
using Budget.Data.Postgres;
using Dapper;
using NodaTime;

namespace Budget.Data.Tests;

/// <summary>
/// PostgreSQL's change signal (decision 0022): it listens, moves with a commit made anywhere, reads null while it is
/// not listening and listens again after its connection is lost; while it stands still a report asks nothing.
/// </summary>
public sealed class PostgresChangeSignalTests(ProviderDatabases databases) : StoreContract(databases)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private static async Task<long> Eventually(Func<long?> read, Func<long, bool> condition, string what)
    {
        var until = DateTime.UtcNow + Within;
        while (DateTime.UtcNow < until)
        {
            if (read() is { } value && condition(value))
            {
                return value;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"the signal did not {what} within {Within}");
    }

    private async Task Sql(string sql)
    {
        await using var connection = await Database("postgres").Open();
        await connection.ExecuteAsync(sql);
    }

    [BothProvidersFact]
    public async Task The_signal_listens_and_moves_with_a_commit_made_beside_the_store()
    {
        using var signal = PostgresChangeSignal.For(Database("postgres").ConnectionString)!;

        signal.Read().Should().BeNull("nothing listens before the first read");
        var listening = await Eventually(signal.Read, _ => true, "listen");
        signal.Read().Should().Be(listening, "nothing was committed");

        await Sql("INSERT INTO budget_year (year, created_at) VALUES (2090, now())");
        await Eventually(signal.Read, value => value != listening, "move with a commit of another connection");
    }

    [BothProvidersFact]
    public async Task A_lost_listener_reads_null_and_then_listens_again_past_every_value_read_before()
    {
        using var signal = PostgresChangeSignal.For(Database("postgres").ConnectionString)!;
        var before = await Eventually(signal.Read, _ => true, "listen");

        await Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'budget change signal' AND datname = current_database()");
        await Eventually(() => signal.IsListening ? null : 0, _ => true, "notice the lost connection");
        var again = await Eventually(signal.Read, _ => true, "listen again");

        again.Should().BeGreaterThan(before, "what was committed while nobody listened must not pass for unchanged");
        await Sql("INSERT INTO budget_year (year, created_at) VALUES (2091, now())");
        await Eventually(signal.Read, value => value != again, "move after listening again");
    }

    [BothProvidersFact]
    public async Task While_the_signal_stands_still_a_report_asks_the_database_nothing()
    {
        using var store = Store("postgres");
        await ImportOneAccount(store, 2092, 12_345);
        await ShouldAnswerWithoutTheDatabase(store, 2092, 12_345);
    }

    [BothProvidersFact]
    public async Task The_store_s_own_write_moves_its_signal_once_not_again_when_its_notification_comes_back()
    {
        using var store = Store("postgres");
        await ImportOneAccount(store, 2093, 100_00);
        await ShouldAnswerWithoutTheDatabase(store, 2093, 100_00);

        // The write is seen at once; its own notification, arriving after, is not taken for a change beside the store.
        await ((IAppropriationStore)store).AddPostings(2093, [Posting("5.57.70", Date(2093, 3, 1), 1_00)], Audit(2093, "postings.add", "postings"), None);
        (await ((IYearStore)store).FindYear(2093, None)).Should().NotBeNull();
        (await ((IFollowUpReader)store).AccountFacts(2093, R1, Date(2093, 3, 31), None)).Single().Consumption.Should().Be(Ore(101_00));
        await Task.Delay(300);
        await ShouldAnswerWithoutTheDatabase(store, 2093, 101_00, listening: true);
    }

    [BothProvidersFact]
    public async Task Stores_of_one_process_with_different_connection_strings_see_each_other_s_writes()
    {
        // Two listeners in one process, each skipping only its own name: neither may skip the other's writes.
        using var store = Store("postgres");
        using var second = BudgetStores.Create("postgres", Database("postgres").ConnectionString + ";Command Timeout=31", Clock);
        await ImportOneAccount(store, 2094, 100_00);
        await ShouldAnswerWithoutTheDatabase(store, 2094, 100_00);

        await ((IAppropriationStore)second).AddPostings(2094, [Posting("5.57.70", Date(2094, 3, 1), 1_00)], Audit(2094, "postings.add", "postings"), None);
        var until = DateTime.UtcNow + Within;
        while ((await ((IFollowUpReader)store).AccountFacts(2094, R1, Date(2094, 3, 31), None)).Single().Consumption != Ore(101_00))
        {
            DateTime.UtcNow.Should().BeBefore(until, "the other store's write is notified");
            await Task.Delay(10);
        }
    }

    /// <summary>A year of one account with one posting on 3 February.</summary>
    private async Task ImportOneAccount(BudgetStore store, int year, long ore) =>
        await Import(store, year, new ImportData
        {
            Accounts = [Account("5.57.70", "Beskæftigelsesudvalget", "Overførsler")],
            Postings = [Posting("5.57.70", Date(year, 2, 3), ore)],
        });

    /// <param name="listening">
    /// The signal listens and nothing has been committed since the last read: the very first read must answer from
    /// what is kept. Otherwise the reads are repeated until the listener has started.
    /// </param>
    private async Task ShouldAnswerWithoutTheDatabase(BudgetStore store, int year, long consumption, bool listening = false)
    {
        IFollowUpReader reader = store;
        IYearStore years = store;
        var until = DateTime.UtcNow + Within;
        while (true)
        {
            if (!listening)
            {
                await years.FindYear(year, None);
                await reader.AccountFacts(year, R1, Date(year, 3, 31), None);
            }

            // The tables the calendar and the facts are read from are moved away (DDL notifies nothing): a report
            // that asked the database would fail.
            await Sql("ALTER TABLE budget_year RENAME TO budget_year_away; ALTER TABLE fact_change RENAME TO fact_change_away");
            try
            {
                (await years.FindYear(year, None))!.Year.Should().Be(year);
                (await reader.AccountFacts(year, R1, Date(year, 3, 31), None)).Single().Consumption.Should().Be(Ore(consumption));
                return;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == "42P01" && !listening && DateTime.UtcNow < until)
            {
                // Not listening yet: the store asked. Put the tables back and read again.
            }
            finally
            {
                await Sql("ALTER TABLE budget_year_away RENAME TO budget_year; ALTER TABLE fact_change_away RENAME TO fact_change");
            }
        }
    }

    [BothProvidersFact]
    public async Task A_year_s_calendar_stays_kept_through_the_store_s_estimates_not_through_its_imports()
    {
        using var store = Store("postgres");
        IYearStore years = store;
        await ImportOneAccount(store, 2095, 100_00);
        await ShouldAnswerWithoutTheDatabase(store, 2095, 100_00);

        // An estimate of this process changes no calendar: the next report asks the year's table nothing (decision 0023).
        (await ((IEstimateStore)store).SaveEstimate(2095, Estimate(R1, "5.57.70", 5_00), null, Clock.Now, Audit(2095, "estimate.save", "accounts/5.57.70/estimates/1"), None)).Status.Should().Be(EstimateSaveStatus.Saved);
        await Sql("ALTER TABLE budget_year RENAME TO budget_year_away");
        try
        {
            (await years.FindYear(2095, None))!.CutoffOf(R1).Should().Be(Date(2095, 3, 31));
        }
        finally
        {
            await Sql("ALTER TABLE budget_year_away RENAME TO budget_year");
        }

        // An import of this process may move a cut-off: seen at once, not when its notification comes back.
        await Import(store, 2095, new ImportData { Cutoffs = new Dictionary<RoundNumber, LocalDate> { [R1] = Date(2095, 4, 30) } });
        (await years.FindYear(2095, None))!.CutoffOf(R1).Should().Be(Date(2095, 4, 30));
    }

    [BothProvidersFact]
    public async Task An_import_leaves_the_planner_statistics_of_what_it_filled()
    {
        using var store = Store("postgres");
        await ImportOneAccount(store, 2096, 1_00);

        await using var connection = await Database("postgres").Open();
        var unanalysed = await connection.QueryAsync<string>(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN ('account', 'estimate', 'movement', 'posting_month') AND COALESCE(last_analyze, last_autoanalyze) IS NULL");
        unanalysed.Should().BeEmpty("a year read right after its import is planned with statistics");
    }

    [BothProvidersFact]
    public void Connections_prepare_their_statements_unless_the_connection_string_says_otherwise()
    {
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresDialect.Configured("Host=db;Username=budget", "budget 123")) { }
            .Should().BeEquivalentTo(new { MaxAutoPrepare = PostgresDialect.AutoPrepared, ApplicationName = "budget 123" }, o => o.ExcludingMissingMembers());
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresDialect.Configured("Host=db;Max Auto Prepare=0", null)).MaxAutoPrepare.Should().Be(0, "0 turns preparation off, as behind a pooler in transaction mode");
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresDialect.Configured("Host=db;MaxAutoPrepare=5", null)).MaxAutoPrepare.Should().Be(5);
    }
}

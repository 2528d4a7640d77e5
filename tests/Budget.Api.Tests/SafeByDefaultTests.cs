using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Budget.Application.Datasets;
using Microsoft.Extensions.DependencyInjection;

namespace Budget.Api.Tests;

/// <summary>
/// Contract §7 over HTTP on the real host (both providers in CI): amount and year ceilings, date windows, CSV
/// limits, malformed multipart, committee scope on every write, keys, user names, audit user ids, anonymous read.
/// </summary>
public sealed class SafeByDefaultTests : IDisposable
{
    private const string Employment = "Erhvervs- og Beskæftigelsesudvalget";
    private const string Technical = "Teknik- og Miljøudvalget";
    private const string Kontanthjaelp = "5.57.73";
    private const string Roads = "2.28.20";

    private readonly BudgetApiFactory factory = new(seedDemo: true);

    public void Dispose() => factory.Dispose();

    private async Task AddTechnicalCommittee()
    {
        using var admin = factory.CreateClient();
        var response = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("accounts", $"committee,activity_area,account,name\n{Technical},Veje,{Roads},Vejvedligeholdelse\n"),
            ("movements", $"account,kind,amount,decided_on\n{Roads},original_budget,1000000,2013-10-09\n")));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Movement(string account, decimal amount, string decidedOn) =>
        Http.JsonBody(new { account, kind = "council_decision", amount, decidedOn, reference = "KB test" });

    private static async Task<decimal> CorrectedBudgetTotal(HttpClient client)
    {
        var response = await client.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee&asOf=2015-06-30");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Json())["total"]!["correctedBudget"]!.GetValue<decimal>();
    }

    [Fact]
    public async Task An_amount_above_100_billion_kroner_is_refused_naming_the_field_and_the_row()
    {
        using var admin = factory.CreateClient();
        var before = await CorrectedBudgetTotal(admin);

        var single = await admin.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, 100_000_000_000.01m, "2014-05-01"));
        single.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await single.Content.ReadAsStringAsync()).Should().Contain("Amount").And.Contain("100.000.000.000 kr.");

        var file = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("movements", $"account,kind,amount,decided_on\n{Kontanthjaelp},council_decision,1,2014-05-01\n{Kontanthjaelp},council_decision,-100000000000.01,2014-05-01\n")));
        file.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await file.Json())["errors"]![0]!;
        ((string)error["file"]!, (int)error["line"]!, (string)error["column"]!).Should().Be(("movements", 3, "amount"));

        var largest = await admin.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, -100_000_000_000m, "2014-05-01"));
        largest.StatusCode.Should().Be(HttpStatusCode.Created, "the ceiling itself is an amount");
        (await CorrectedBudgetTotal(admin)).Should().Be(before - 100_000_000_000m);
    }

    [Fact]
    public async Task A_year_filled_to_its_ceiling_still_reports_and_refuses_one_more_ore()
    {
        using var admin = factory.CreateClient();
        // 2 × 10^18 øre of movements and as much of postings in a new year: the ceiling, reached exactly. Before it,
        // 9.300 movements of 10^13 kr. broke every report of a year for good (the sum overflowed in SQL).
        const int rows = 200_000;
        var movements = new StringBuilder("account,kind,amount,decided_on\n");
        var postings = new StringBuilder("account,posted_on,amount\n");
        for (var i = 0; i < rows; i++)
        {
            movements.Append(i % 2 == 0 ? "9.99.1,council_decision,100000000000,2031-02-01\n" : "9.99.2,council_decision,-100000000000,2031-02-01\n");
            postings.Append(i % 2 == 0 ? "9.99.1,2031-02-01,100000000000\n" : "9.99.2,2031-02-02,100000000000\n");
        }

        var import = await admin.PostAsync("/api/budget-years/2031/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name\nFyldt,Fyldt,9.99.1,Fyldt 1\nFyldt,Fyldt,9.99.2,Fyldt 2\n"),
            ("movements", movements.ToString()),
            ("postings", postings.ToString())));
        import.StatusCode.Should().Be(HttpStatusCode.OK, await import.Content.ReadAsStringAsync());

        async Task<JsonNode> Full() =>
            (await (await admin.GetAsync("/api/budget-years/2031/follow-up?round=1&by=account&asOf=2031-12-31")).Json())["rows"]!.AsArray().Single(r => (string)r!["account"]! == "9.99.1")!;
        var full = await Full();
        full["correctedBudget"]!.GetValue<decimal>().Should().Be(10_000_000_000_000_000m);
        full["consumption"]!.GetValue<decimal>().Should().Be(10_000_000_000_000_000m);
        foreach (var kind in new[] { "committee-table", "area-grid", "area-accounts", "out-years", "appropriation-changes", "service-frame", "overview" })
        {
            (await admin.GetAsync($"/api/budget-years/2031/reports/{kind}?round=1&format=csv")).StatusCode.Should().Be(HttpStatusCode.OK, kind);
        }

        var oneMore = await admin.PostAsync("/api/budget-years/2031/movements", Movement("9.99.1", 0.01m, "2031-05-01"));
        oneMore.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await oneMore.Content.ReadAsStringAsync()).Should().Contain("movements of 2031").And.Contain("account 9.99.1");
        var onePosting = await admin.PostAsync("/api/budget-years/2031/postings", Http.JsonBody(new[] { new { account = "9.99.1", postedOn = "2031-05-01", amount = 0.01m } }));
        onePosting.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var oneRow = await admin.PostAsync("/api/budget-years/2031/dataset", Http.Dataset(("postings", "account,posted_on,amount\n9.99.2,2031-05-01,0\n9.99.2,2031-05-01,-0.01\n")));
        oneRow.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await oneRow.Json())["errors"]![0]!;
        ((string)error["file"]!, (int)error["line"]!, (string)error["column"]!).Should().Be(("postings", 3, "amount"));

        (await Full())["consumption"]!.GetValue<decimal>().Should().Be(10_000_000_000_000_000m, "nothing refused was stored");
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2012-12-31")]
    [InlineData("2015-07-01")]
    public async Task A_movement_decided_outside_the_years_decision_window_is_refused(string decidedOn)
    {
        using var admin = factory.CreateClient();
        var single = await admin.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, 1000m, decidedOn));
        single.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await single.Json())["errors"]!["decidedOn"]![0]!.ToString().Should().Contain("2013-01-01 to 2015-06-30");

        var file = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("movements", $"account,kind,amount,decided_on\n{Kontanthjaelp},carry_over,1000,{decidedOn}\n")));
        file.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string)(await file.Json())["errors"]![0]!["column"]!).Should().Be("decided_on");
    }

    [Theory]
    [InlineData("2013-01-01")]
    [InlineData("2015-06-30")]
    public async Task The_ends_of_the_decision_window_are_inside_it(string decidedOn)
    {
        using var admin = factory.CreateClient();
        (await admin.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, 1000m, decidedOn))).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_5_MiB_field_is_refused_naming_file_and_line_and_the_echo_is_cut()
    {
        using var admin = factory.CreateClient();
        var huge = new string('x', 5 * 1024 * 1024);
        var response = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("accounts", $"committee,activity_area,account,name\nA,B,9.1.1,{huge}\n")));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.Length.Should().BeLessThan(2_000);
        var error = (await response.Json())["errors"]![0]!;
        ((string)error["file"]!, (int)error["line"]!).Should().Be(("accounts", 2));
        ((string)error["message"]!).Should().Contain("Budget:MaxCsvField");

        var header = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("accounts", new string('c', 60_000) + "\n")));
        header.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await header.Content.ReadAsStringAsync()).Length.Should().BeLessThan(2_000, "an unknown column name is echoed cut to 200 characters");
    }

    [Fact]
    public void The_reader_stops_reading_a_field_at_its_limit_so_memory_does_not_grow_with_it()
    {
        var stream = new CountingStream(new string('x', 50 * 1024 * 1024));
        using var reader = new CsvRecordReader(stream, new CsvLimits(MaxField: 64 * 1024, MaxRecord: 1024 * 1024));
        var act = () => reader.Read();
        act.Should().Throw<CsvFormatException>().Which.Message.Should().Contain("65536");
        stream.Served.Should().BeLessThan(256 * 1024, "the reader asked for no more than the limit and one buffer");

        var records = new CountingStream(string.Concat(Enumerable.Repeat("a,", 600_000)));
        using var recordReader = new CsvRecordReader(records, new CsvLimits(MaxField: 64 * 1024, MaxRecord: 1024 * 1024));
        ((Action)(() => recordReader.Read())).Should().Throw<CsvFormatException>().Which.Message.Should().Contain("Budget:MaxCsvRecord");
    }

    [Theory]
    [InlineData("missing-final-boundary")]
    [InlineData("garbage-part-header")]
    [InlineData("garbage-boundary")]
    [InlineData("no-boundary")]
    public async Task A_malformed_multipart_body_is_a_400_problem(string shape)
    {
        using var admin = factory.CreateClient();
        var body = shape switch
        {
            "missing-final-boundary" => "--b\r\nContent-Disposition: form-data; name=\"accounts\"; filename=\"accounts.csv\"\r\n\r\ncommittee,activity_area,account,name\r\n",
            "garbage-part-header" => "--b\r\n\u0001\u0002garbage\r\n\r\nx\r\n--b--\r\n",
            "garbage-boundary" => "--b" + new string('\u00ff', 200) + "\r\n\r\n--b--",
            _ => "whatever",
        };
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", shape == "no-boundary" ? "multipart/form-data" : "multipart/form-data; boundary=b");
        var response = await admin.PostAsync("/api/budget-years/2014/dataset", content);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_scoped_finance_user_writes_only_inside_its_committee_and_never_for_the_whole_municipality()
    {
        await AddTechnicalCommittee();
        using var admin = factory.CreateClient();
        using var scoped = factory.WithKey(await Users.Create(factory, "Økonomi, EBU", ["finance", "consultant"], [Employment]));
        var before = await CorrectedBudgetTotal(admin);

        (await scoped.PostAsync("/api/budget-years/2014/movements", Movement(Roads, 5000m, "2014-05-01"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await scoped.PostAsync("/api/budget-years/2014/postings", Http.JsonBody(new object[]
        {
            new { account = Kontanthjaelp, postedOn = "2014-05-01", amount = 1m },
            new { account = Roads, postedOn = "2014-05-01", amount = 1m },
        }))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var import = await scoped.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("movements", $"account,kind,amount,decided_on\n{Kontanthjaelp},council_decision,7000,2014-05-01\n{Roads},council_decision,7000,2014-05-01\n")));
        import.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var violation = (await import.Json())["errors"]![0]!;
        ((string)violation["file"]!, (int)violation["line"]!).Should().Be(("movements", 3));
        var newCommittee = await scoped.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("accounts", $"committee,activity_area,account,name\n{Technical},Parker,2.28.21,Parker\n")));
        newCommittee.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        foreach (var (file, csv) in new[] { ("rounds", "round,cutoff\n1,2014-04-30\n"), ("settings", "key,value\nservice_frame,1\n") })
        {
            (await scoped.PostAsync("/api/budget-years/2014/dataset", Http.Dataset((file, csv)))).StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{file}.csv is the whole municipality's");
        }

        (await (await admin.GetAsync("/api/budget-years/2014/rounds/1")).Json())["cutoff"]!.ToString().Should().Be("2014-03-31");
        (await CorrectedBudgetTotal(admin)).Should().Be(before, "nothing of a refused write is stored");

        (await scoped.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, 5000m, "2014-05-01"))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await scoped.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("movements", $"account,kind,amount,decided_on\n{Kontanthjaelp},council_decision,7000,2014-05-01\n")))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await CorrectedBudgetTotal(admin)).Should().Be(before + 12_000m);

        foreach (var transition in new[] { "submit", "reopen" })
        {
            var refused = await scoped.PostAsync($"/api/budget-years/2014/rounds/1/{transition}", null);
            refused.StatusCode.Should().Be(HttpStatusCode.Forbidden, transition);
        }

        (await admin.PostAsync("/api/budget-years/2014/rounds/1/submit", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await scoped.PostAsync("/api/budget-years/2014/rounds/1/reopen", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "reopening opens every committee's estimates");
        (await (await admin.GetAsync("/api/budget-years/2014/rounds/1")).Json())["state"]!.ToString().Should().Be("submitted");
    }

    [Theory]
    [InlineData("council")]
    [InlineData("reader")]
    [InlineData("admin")]
    public async Task A_committee_scope_on_a_role_that_acts_for_the_whole_municipality_is_refused(string role)
    {
        using var admin = factory.CreateClient();
        var response = await admin.PostAsync("/api/users", Http.JsonBody(new { name = "scoped " + role, roles = new[] { role }, committees = new[] { Employment } }));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Json())["errors"]!["Committees"].Should().NotBeNull();
    }

    [Fact]
    public async Task User_names_are_unique_and_the_audit_trails_own_names_are_reserved()
    {
        using var admin = factory.CreateClient();
        (await admin.PostAsync("/api/users", Http.JsonBody(new { name = "Mette", roles = new[] { "reader" } }))).StatusCode.Should().Be(HttpStatusCode.Created);
        var twice = await admin.PostAsync("/api/users", Http.JsonBody(new { name = "Mette", roles = new[] { "finance" } }));
        twice.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await twice.Content.ReadAsStringAsync()).Should().Contain("Mette");
        // Also as a reader of the audit trail would take them: fullwidth letters, a zero-width space, a line break.
        foreach (var refused in new[] { "system", "bootstrap-admin", " System ", "ｓｙｓｔｅｍ", "sys\u200btem", "Bootstrap Admin", "Mette\nØkonomi", "Mette\u0001" })
        {
            (await admin.PostAsync("/api/users", Http.JsonBody(new { name = refused, roles = new[] { "reader" } }))).StatusCode.Should().Be(HttpStatusCode.BadRequest, refused);
        }

        var users = await (await admin.GetAsync("/api/users")).Json();
        users.AsArray().Count(u => (string)u!["name"]! == "Mette").Should().Be(1);
    }

    [Fact]
    public async Task Audit_entries_carry_the_users_id_and_null_for_the_bootstrap_key()
    {
        using var admin = factory.CreateClient();
        var created = await (await admin.PostAsync("/api/users", Http.JsonBody(new { name = "Økonomichef", roles = new[] { "finance" } }))).Json();
        using var finance = factory.WithKey((string)created["apiKey"]!);
        (await finance.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, 1000m, "2014-05-01"))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsync("/api/budget-years/2014/movements", Movement(Kontanthjaelp, 2000m, "2014-05-01"))).StatusCode.Should().Be(HttpStatusCode.Created);

        var audit = (await (await admin.GetAsync("/api/budget-years/2014/audit")).Json()).AsArray().Where(e => (string)e!["action"]! == "movement.add").ToArray();
        audit.Select(e => ((string)e!["user"]!, e["userId"]?.GetValue<long>())).Should().Equal(("Økonomichef", (long)created["id"]!), ("bootstrap-admin", null));
    }

    [Fact]
    public async Task Sixty_one_failed_keys_from_one_address_are_throttled_while_a_valid_key_still_gets_through()
    {
        using var wrong = factory.WithKey("bfk_guessing-" + Guid.NewGuid());
        using var valid = factory.WithKey(await Users.Create(factory, "Læser", ["reader"]));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 61; i++)
        {
            statuses.Add((await wrong.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee")).StatusCode);
            if (i % 20 == 0)
            {
                (await valid.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee")).StatusCode.Should().Be(HttpStatusCode.OK);
            }
        }

        statuses.Take(30).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        statuses.Skip(30).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests);
        var throttled = await wrong.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee");
        throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
        (await valid.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee")).StatusCode.Should().Be(HttpStatusCode.OK, "a valid key is never slowed");
    }

    [Fact]
    public void A_bootstrap_key_shorter_than_32_characters_stops_the_start_up_naming_the_setting()
    {
        using var shortKey = new ShortKeyFactory();
        var act = () => shortKey.CreateClient();
        act.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("Auth:BootstrapKey").And.Contain("32");
    }

    private sealed class ShortKeyFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly string directory = Directory.CreateTempSubdirectory("budget-short-key").FullName;

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Budget", $"Data Source={Path.Combine(directory, "b.db")}");
            builder.UseSetting("Auth:BootstrapKey", "a");
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Serves a long text as UTF-8, counting what it handed out.</summary>
    private sealed class CountingStream(string text) : Stream
    {
        private readonly byte[] bytes = Encoding.UTF8.GetBytes(text);

        public long Served { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, bytes.Length - Served);
            Array.Copy(bytes, Served, buffer, offset, n);
            Served += n;
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Anonymous reading (contract §7): reports and the follow-up only, and what the page needs for them.</summary>
public sealed class AnonymousReadScopeTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: true, anonymousRead: true);

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("/api/budget-years")]
    [InlineData("/api/budget-years/2014")]
    [InlineData("/api/budget-years/2014/committees")]
    [InlineData("/api/budget-years/2014/rounds/1")]
    [InlineData("/api/budget-years/2014/follow-up?round=1&by=committee")]
    [InlineData("/api/budget-years/2014/round-comparison?by=committee")]
    [InlineData("/api/budget-years/2014/reports")]
    [InlineData("/api/budget-years/2014/reports/committee-table?round=1")]
    public async Task Reports_and_what_the_page_needs_for_them_are_readable_without_a_key(string path)
    {
        using var anonymous = factory.Anonymous();
        (await anonymous.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("GET", "/api/budget-years/2014/accounts")]
    [InlineData("GET", "/api/budget-years/2014/accounts/5.57.73/history")]
    [InlineData("GET", "/api/budget-years/2014/rounds/1/estimates/5.57.73")]
    [InlineData("GET", "/api/budget-years/2014/audit")]
    [InlineData("GET", "/api/users")]
    [InlineData("POST", "/api/refusion/calculate")]
    [InlineData("POST", "/api/refusion/operating-cap")]
    [InlineData("POST", "/api/refusion/central")]
    [InlineData("POST", "/api/refusion/mentor-frame")]
    public async Task History_explanations_users_audit_and_refusion_need_a_key(string method, string path)
    {
        using var anonymous = factory.Anonymous();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Http.JsonBody(new { }) : null });
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_round_comparison_read_anonymously_carries_no_explanations()
    {
        using var anonymous = factory.Anonymous();
        using var admin = factory.CreateClient();
        static IEnumerable<string?> Explanations(JsonNode comparison) =>
            comparison["rows"]!.AsArray().SelectMany(r => r!["rounds"]!.AsArray()).Select(r => (string?)r?["explanation"]);
        Explanations(await (await admin.GetAsync("/api/budget-years/2014/round-comparison?by=account")).Json()).Should().Contain(e => e != null && e.Contains("helårspersoner"));
        Explanations(await (await anonymous.GetAsync("/api/budget-years/2014/round-comparison?by=account")).Json()).Should().OnlyContain(e => e == null);
    }

    [Fact]
    public async Task A_report_read_anonymously_carries_the_figures_but_not_the_explanations()
    {
        using var anonymous = factory.Anonymous();
        using var admin = factory.CreateClient();
        const string path = "/api/budget-years/2014/reports/area-accounts?round=1&format=csv";
        var withKey = await admin.GetStringAsync(path);
        var without = await anonymous.GetStringAsync(path);
        withKey.Should().Contain("helårspersoner", "the demo explanations are in the paper for users with a role");
        without.Should().NotContain("helårspersoner").And.NotContain("Bemærkning");
        without.Should().Contain("Kontanthjælp");
    }
}

/// <summary>The configurable import limits of contract §7: upload size and imports at once.</summary>
public sealed class ImportLimitTests : IDisposable
{
    private readonly BudgetApiFactory factory = new(seedDemo: true, settings: new Dictionary<string, string>
    {
        ["Budget:MaxUploadBytes"] = "100000",
        ["Budget:MaxConcurrentImports"] = "1",
    });

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task An_upload_over_the_configured_limit_is_413_and_stores_nothing()
    {
        using var admin = factory.CreateClient();
        var rows = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"5.57.73,2014-05-01,{i}\n"));
        var response = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("postings", "account,posted_on,amount\n" + rows)));
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Budget:MaxUploadBytes");
        var audit = await (await admin.GetAsync("/api/budget-years/2014/audit")).Json();
        audit.AsArray().Count(e => (string)e!["action"]! == "dataset.import").Should().Be(1, "only the demo's own import");
    }

    [Fact]
    public async Task One_import_more_than_the_configured_number_at_once_is_told_to_retry_later()
    {
        using var admin = factory.CreateClient();
        // The one slot is taken as a running import takes it (deterministic, unlike timing a slow upload).
        var gate = factory.Services.GetRequiredService<Budget.Api.Datasets.ImportGate>();
        gate.TryEnter().Should().BeTrue();
        try
        {
            var refused = await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("postings", "account,posted_on,amount\n5.57.73,2014-05-01,20\n")));
            refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            refused.Headers.RetryAfter!.Delta.Should().BePositive();
            (await refused.Content.ReadAsStringAsync()).Should().Contain("Budget:MaxConcurrentImports");
        }
        finally
        {
            gate.Leave();
        }

        (await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("postings", "account,posted_on,amount\n5.57.73,2014-05-01,20\n")))).StatusCode.Should().Be(HttpStatusCode.OK, "the slot is free again");
        (await admin.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(("postings", "account,posted_on,amount\n5.57.73,2014-05-01,20\n")))).StatusCode.Should().Be(HttpStatusCode.OK, "an import gives its slot back");
    }
}

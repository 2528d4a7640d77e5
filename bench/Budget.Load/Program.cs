// A bounded load generator on loopback: readers fetch the follow-up report, writers change estimates with
// If-Match. Prints throughput and p50/p99 per kind, then checks that no update was lost: every writer's account ends
// at the version its successful writes imply, and the audit trail grew by exactly the number of successful writes.
// usage: Budget.Load URL API_KEY YEAR READERS WRITERS SECONDS ACCOUNT...   (writers take the accounts round-robin)
// BUDGET_LOAD_BY (default account) is the readers' grouping; BUDGET_LOAD_WRITE_ROUND (default 2) the round written;
// BUDGET_LOAD_WARMUP (default 5) seconds of reads before the measured run.
// BUDGET_LOAD_RATE (default 0: closed loop, each client sends its next request when the last one is answered) paces
// the clients instead (open loop): together they send that many requests per second, each client at fixed intervals,
// and a request's latency counts from when it was due, so a server that falls behind is charged for the requests it
// delayed (no coordinated omission). A closed loop of N clients at X requests/s has a mean latency of N/X whatever the
// server does (Little's law); a latency target at a given rate is measured paced (decision 0024).
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

var (url, key, year, readers, writers, seconds) = (args[0], args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]));
var accounts = args[6..];
var by = Environment.GetEnvironmentVariable("BUDGET_LOAD_BY") is { Length: > 0 } grouping ? grouping : "account";
var writeRound = Environment.GetEnvironmentVariable("BUDGET_LOAD_WRITE_ROUND") is { Length: > 0 } written ? int.Parse(written, System.Globalization.CultureInfo.InvariantCulture) : 2;
if (accounts.Length == 0)
{
    Console.Error.WriteLine("give at least one account; writers share them round-robin (fewer accounts than writers = contention)");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = readers + writers + 4 }) { BaseAddress = new Uri(url) };
http.DefaultRequestHeaders.Add("X-Api-Key", key);
async Task<int> AuditCount() => (await http.GetFromJsonAsync<JsonArray>($"/api/budget-years/{year}/audit"))!.Count;

async Task<long> Version(string account)
{
    using var response = await http.GetAsync($"/api/budget-years/{year}/rounds/{writeRound}/estimates/{account}");
    if (response.StatusCode == HttpStatusCode.NotFound) return 0; // no estimate yet
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<long>();
}
// A warm-up of the same mix first (BUDGET_LOAD_WARMUP seconds, default 5), not counted: a server runs for days, and
// its first seconds are spent compiling (tiered JIT) rather than serving. The versions and the audit count that the
// lost-update check starts from are read after it.
int[] noOutYearConsequences = [0, 0, 0, 0];
var warmup = Environment.GetEnvironmentVariable("BUDGET_LOAD_WARMUP") is { Length: > 0 } warm ? int.Parse(warm, System.Globalization.CultureInfo.InvariantCulture) : 5;
if (warmup > 0)
{
    var until = DateTime.UtcNow.AddSeconds(warmup);
    await Task.WhenAll(Enumerable.Range(0, readers + writers).Select(i => Task.Run(async () =>
    {
        while (DateTime.UtcNow < until)
        {
            if (i < readers)
            {
                using var report = await http.GetAsync($"/api/budget-years/{year}/follow-up?round=1&by={by}");
                await report.Content.ReadAsByteArrayAsync();
                continue;
            }

            // Writers write in the warm-up too (their path compiled like the readers'); what they write is not counted.
            var estimate = $"/api/budget-years/{year}/rounds/{writeRound}/estimates/{accounts[i % accounts.Length]}";
            using var current = await http.GetAsync(estimate);
            using var write = new HttpRequestMessage(HttpMethod.Put, estimate)
            {
                Content = JsonContent.Create(new { estimate = 999_999m, explanation = "opvarmning", outYears = noOutYearConsequences }),
            };
            if (current.Headers.ETag?.Tag is { } tag) write.Headers.TryAddWithoutValidation("If-Match", tag);
            using var response = await http.SendAsync(write);
            await response.Content.ReadAsByteArrayAsync();
        }
    })));
}

var rate = Environment.GetEnvironmentVariable("BUDGET_LOAD_RATE") is { Length: > 0 } paced ? double.Parse(paced, System.Globalization.CultureInfo.InvariantCulture) : 0;
var streams = readers + writers;
var interval = rate > 0 ? streams / rate * 1000 : 0; // ms between one client's requests when paced

var versionsBefore = new long[accounts.Length];
for (var a = 0; a < accounts.Length; a++) versionsBefore[a] = await Version(accounts[a]);
var auditBefore = await AuditCount();
var clock = Stopwatch.StartNew();
var end = seconds * 1000.0;

// When the client's next request is due (ms on the run's clock), after waiting for it when paced; null when the run is over.
async Task<double?> Due(Pace pace)
{
    if (interval <= 0) return clock.Elapsed.TotalMilliseconds < end ? clock.Elapsed.TotalMilliseconds : null;
    var due = pace.Next;
    if (due >= end) return null;
    pace.Next += interval;
    var wait = due - clock.Elapsed.TotalMilliseconds;
    if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait));
    return due;
}
var readLatencies = new List<double>[readers];
// How late each paced request left this generator (from its due time to its send): the generator's own share of the
// latencies above (its timers, its GC, its threads waiting for a core), which a server cannot do anything about.
var lateness = new List<double>[readers + writers];
var writeLatencies = new List<double>[writers];
var saved = new int[writers];
var conflicts = new int[writers];
var failures = 0;

var tasks = new List<Task>();
for (var r = 0; r < readers; r++)
{
    var mine = readLatencies[r] = [];
    var late = lateness[r] = [];
    var pace = new Pace(interval * r / streams); // the clients' first requests spread over one interval
    tasks.Add(Task.Run(async () =>
    {
        while (await Due(pace) is { } due)
        {
            late.Add(clock.Elapsed.TotalMilliseconds - due);
            using var response = await http.GetAsync($"/api/budget-years/{year}/follow-up?round=1&by={by}");
            await response.Content.ReadAsByteArrayAsync();
            mine.Add(clock.Elapsed.TotalMilliseconds - due);
            if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
        }
    }));
}

for (var w = 0; w < writers; w++)
{
    var index = w;
    var mine = writeLatencies[w] = [];
    var late = lateness[readers + w] = [];
    var pace = new Pace(interval * (readers + w) / streams);
    tasks.Add(Task.Run(async () =>
    {
        var account = accounts[index % accounts.Length];
        var etag = (await http.GetAsync($"/api/budget-years/{year}/rounds/{writeRound}/estimates/{account}")).Headers.ETag?.Tag;
        var value = 1_000_000m + index;
        while (await Due(pace) is { } due)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/{year}/rounds/{writeRound}/estimates/{account}")
            {
                Content = JsonContent.Create(new { estimate = value++, explanation = "belastningstest", outYears = noOutYearConsequences }),
            };
            if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
            late.Add(clock.Elapsed.TotalMilliseconds - due);
            using var response = await http.SendAsync(request);
            mine.Add(clock.Elapsed.TotalMilliseconds - due);
            if (response.StatusCode == HttpStatusCode.OK) { saved[index]++; etag = response.Headers.ETag!.Tag; }
            else if (response.StatusCode == HttpStatusCode.PreconditionFailed) { conflicts[index]++; etag = (await http.GetAsync($"/api/budget-years/{year}/rounds/{writeRound}/estimates/{account}")).Headers.ETag?.Tag; }
            else Interlocked.Increment(ref failures);
        }
    }));
}

await Task.WhenAll(tasks);
static string Stats(string name, IEnumerable<List<double>> samples, int seconds)
{
    var all = samples.SelectMany(s => s).Order().ToArray();
    if (all.Length == 0) return $"{name}: none";
    double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
    return $"{name}: {all.Length} requests, {all.Length / (double)seconds:0} /s, p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {all[^1]:0.0} ms";
}

if (rate > 0) Console.WriteLine($"paced: {rate:0} requests/s offered by {streams} clients, one every {interval:0.0} ms each; latency from when each was due");
Console.WriteLine(Stats($"reports by {by}", readLatencies, seconds));
Console.WriteLine(Stats("estimate writes", writeLatencies, seconds));
Console.WriteLine(Stats("all requests", readLatencies.Concat(writeLatencies), seconds));
if (rate > 0) Console.WriteLine(Stats("sent late by the generator", lateness, seconds));
var lost = 0;
for (var a = 0; a < Math.Min(accounts.Length, writers); a++)
{
    // Every successful write bumps the version by one, so an account's final version is the sum of its writers' 200s.
    var expected = Enumerable.Range(0, writers).Where(w => w % accounts.Length == a).Sum(w => saved[w]);
    if (await Version(accounts[a]) - versionsBefore[a] != expected) lost++;
}

var auditAfter = await AuditCount();
Console.WriteLine($"writers: {saved.Sum()} saved, {conflicts.Sum()} stale-ETag retries, {failures} other failures; accounts whose version != their writers' 200s: {lost}; audit grew {auditAfter - auditBefore} (expected {saved.Sum()})");
return lost == 0 && failures == 0 && auditAfter - auditBefore == saved.Sum() ? 0 : 1;

/// <summary>When a paced client's next request is due, in ms on the run's clock.</summary>
internal sealed class Pace(double first)
{
    public double Next { get; set; } = first;
}

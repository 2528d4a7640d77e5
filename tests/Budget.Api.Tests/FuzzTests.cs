using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace Budget.Api.Tests;

/// <summary>
/// A small bounded fuzzer (fixed seed): malformed bodies, headers and query values to every endpoint. No input may
/// produce a 5xx, and every 4xx must be ProblemDetails; no CSV answer may hold a field a spreadsheet would run as a
/// formula, and an oversized refusion calculation is never answered 200. The full-size run belongs to the benchmark
/// scripts.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private static readonly string[] Fragments =
    [
        "", "{", "}", "[]", "null", "\"", "\\u0000", "1e400", "-0", "9999999999999999999999999", "0.001", "\"2014-02-30\"",
        "{\"account\":null}", "{\"estimate\":1,\"outYears\":[1,2,3,4,5]}", "æøå", "\u2028", "NaN", "true", "'; DROP TABLE account; --",
        "{\"account\":\"5.57.73\",\"kind\":\"carry_over\",\"amount\":1e30,\"decidedOn\":\"2014-01-01\"}",
        "[{\"account\":\"5.57.73\",\"postedOn\":\"2014-01-01\",\"amount\":99999999999999}]",
        "{\"estimate\":1,\"explanation\":\"a\\u0001\\u0000b\",\"outYears\":[0,0,0,0]}",
        "{\"estimate\":-9999999999999.99,\"outYears\":[9999999999999.99,9999999999999.99,9999999999999.99,9999999999999.99]}",
    ];

    // Texts a spreadsheet would take as formulas, for the imported data that the CSV reports then carry.
    private static readonly string[] FormulaTexts = ["=1+1", "@SUM(1)", "+29 personer", "-x", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""];

    // Texts XML cannot carry as they are, for the XLSX and HTML exports of what was imported (contract §7).
    private static readonly string[] ControlTexts = ["a\u0001b", "\u0000", "x\u001f", "_x0041_", "\uFFFE"];

    // A CSV field that is a number (an amount may start with its minus); any other field is text and must be defused.
    private static readonly System.Text.RegularExpressions.Regex CsvNumber = new("^-?[0-9]+(,[0-9]+)?$");

    private static readonly HttpRequestOptionsKey<bool> TooManyCaseWeeks = new("fuzz-too-many-case-weeks");

    private static readonly string[] QueryValues = ["", "0", "-1", "4", "1.5", "x", "%00", "2014-02-30", "99999-01-01", "account%27", "activity-area", "1 OR 1=1"];

    // TestServer throws on a decoded NUL in the path (Kestrel answers 400 itself), so path segments do without it.
    private static readonly string[] PathValues = QueryValues.Where(v => v != "%00").ToArray();

    // Its own database: the fuzzer may well submit, recommend and approve rounds.
    private readonly BudgetApiFactory factory = new(seedDemo: true);
    private readonly HttpClient client;
    private readonly ITestOutputHelper output;

    public FuzzTests(ITestOutputHelper output)
    {
        this.output = output;
        client = factory.CreateClient();
    }

    public void Dispose()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task Malformed_requests_to_every_endpoint_get_no_5xx_and_only_problem_details()
    {
        var random = new Random(20141);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        // bench/fuzz.sh runs the full size (BUDGET_FUZZ_REQUESTS=20000) with the same seed.
        var count = int.TryParse(Environment.GetEnvironmentVariable("BUDGET_FUZZ_REQUESTS"), out var n) ? n : 1000;
        var seeded = await client.PostAsync("/api/budget-years/2014/dataset", Http.Dataset(
            ("accounts", "committee,activity_area,account,name,group,block\nErhvervs- og Beskæftigelsesudvalget,=1+1,5.57.99,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@SUM(1),drift\n"),
            ("movements", "account,kind,amount,decided_on,reference\n5.57.99,original_budget,-1234.50,2013-10-09,-Budget\n"),
            ("estimates", "round,account,estimate,explanation\n1,5.57.99,-2000,+29 personer\n")));
        seeded.StatusCode.Should().Be(HttpStatusCode.OK, await seeded.Content.ReadAsStringAsync());
        for (var i = 0; i < count; i++)
        {
            var request = Next(random);
            switch (random.Next(8))
            {
                case 0:
                    request.Headers.Remove("X-Api-Key");
                    break;
                case 1:
                    request.Headers.Remove("X-Api-Key");
                    request.Headers.TryAddWithoutValidation("X-Api-Key", Pick(random, ["", " ", "bfk_", "x", "test-bootstrap-key-at-least-32-characters ", "\u0000", new string('k', 5000)]));
                    break;
                case 2:
                    request.Headers.TryAddWithoutValidation("X-Api-Key", "second");
                    break;
            }

            var description = $"{request.Method} {request.RequestUri}";
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                failures.Add($"{status} for {description}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{status} without ProblemDetails for {description}");
            }
            else if (status == 200 && request.Options.TryGetValue(TooManyCaseWeeks, out _))
            {
                failures.Add($"200 for more case-weeks than the limit: {description}");
            }
            else if (status == 200 && response.Content.Headers.ContentType?.MediaType == "text/csv")
            {
                var formula = CsvRecords.Parse(await response.Content.ReadAsStringAsync()).SelectMany(r => r)
                    .FirstOrDefault(f => f.Length > 0 && "=+-@\t\r".Contains(f[0], StringComparison.Ordinal) && !CsvNumber.IsMatch(f));
                if (formula is not null)
                {
                    failures.Add($"CSV field '{formula}' would run as a formula, for {description}");
                }
            }
        }

        // bench/fuzz.sh quotes this line in docs/reliability.md.
        output.WriteLine($"fuzz: {count} requests, seed 20141; statuses " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")) + $"; failures {failures.Count}");
        failures.Should().BeEmpty();
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static HttpRequestMessage Next(Random random)
    {
        string Pick(string[] values) => FuzzTests.Pick(random, values);
        string Garbage() => string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(Fragments)));
        var year = random.Next(4) == 0 ? Pick(["0", "-5", "2014x", "99999999999", "2014"]) : "2014";
        var account = Uri.EscapeDataString(Pick(["5.57.73", "", "x", new string('9', 80), "5.57.73%2F..", "æ"]));
        switch (random.Next(16))
        {
            case 11 when random.Next(8) == 0:
            {
                // Around the case-weeks limit (contract §7): 520-week cases plus a rest; beyond the limit must be 413.
                var total = int.Parse(Pick(["99999", "100000", "100001", "150000"]), System.Globalization.CultureInfo.InvariantCulture);
                var weeks = "[" + string.Join(",", Enumerable.Repeat("1", 520)) + "]";
                var body = new StringBuilder("{\"cases\":[");
                for (var left = total; left > 0; left -= 520)
                {
                    body.Append(left == total ? "" : ",").Append("{\"id\":\"c\",\"benefit\":\"sygedagpenge\",\"ruleSet\":\"2016\",\"firstWeekAnciennity\":1,\"weeklyAmounts\":")
                        .Append(left >= 520 ? weeks : "[" + string.Join(",", Enumerable.Repeat("1", left)) + "]").Append('}');
                }

                var request = new HttpRequestMessage(HttpMethod.Post, "/api/refusion/calculate" + Pick(["", "?detail=weeks"]))
                {
                    Content = new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json"),
                };
                if (total > 100_000)
                {
                    request.Options.Set(TooManyCaseWeeks, true);
                }

                return request;
            }

            case 11:
                return new HttpRequestMessage(HttpMethod.Post, $"/api/refusion/{Pick(["calculate", "operating-cap", "central", "x"])}{Pick(["", "", "?detail=weeks", "?detail=x", "?detail="])}")
                {
                    Content = new StringContent(Pick([
                        "{\"cases\":[{\"id\":" + Garbage() + ",\"benefit\":" + Pick(["\"kontanthjaelp\"", "\"x\"", "null", "1"]) + ",\"ruleSet\":" + Pick(["\"2016\"", "\"pre2016\"", "\"1999\"", "[]"]) + ",\"firstWeekAnciennity\":" + Pick(QueryValues.Append("1").Append("99999999999").ToArray()) + ",\"activity\":" + Pick(["\"passive\"", "\"x\"", "7"]) + ",\"weeklyAmounts\":[" + Garbage() + "]}],\"date\":" + Pick(["\"2016-01-04\"", "\"2016-02-30\"", "0"]) + "}",
                        "{\"year\":" + Pick(PathValues.Append("2014").ToArray()) + ",\"group\":" + Pick(["\"kontanthjaelp-dagpenge\"", "\"x\"", "null"]) + ",\"fullYearPersons\":" + Garbage() + ",\"costs\":" + Garbage() + "}",
                        "{\"year\":2014,\"costs\":" + Garbage() + ",\"scheme\":" + Garbage() + "}",
                        Garbage(),
                    ]), Encoding.UTF8, Pick(["application/json", "text/plain"])),
                };
            case 12:
                return new HttpRequestMessage(HttpMethod.Get, Pick([
                    "/api/budget-years", $"/api/budget-years/{year}", $"/api/budget-years/{year}/accounts", $"/api/budget-years/{year}/committees",
                    $"/api/budget-years/{year}/reports", $"/api/refusion/rules?date={Pick(QueryValues)}", $"/api/audit?from={Pick(QueryValues)}&to={Pick(QueryValues)}", "/health",
                ]));
            case 13:
                return new HttpRequestMessage(HttpMethod.Get, random.Next(2) == 0
                    ? $"/api/budget-years/{year}/rounds/{Pick(PathValues)}"
                    : $"/api/budget-years/{year}/rounds/{Pick(PathValues)}/estimates{Pick(["", "/" + account])}");
            case 14 when random.Next(4) == 0:
            {
                // Contract §7 shapes: malformed multipart, amounts past the ceiling, absurd dates, oversized fields.
                var shape = random.Next(4);
                if (shape == 0)
                {
                    var raw = new ByteArrayContent(Encoding.Latin1.GetBytes(Pick([
                        "--b\r\nContent-Disposition: form-data; name=\"movements\"; filename=\"m.csv\"\r\n\r\naccount,kind\r\n",
                        "--b\r\n\u0001garbage\r\n\r\nx\r\n--b--\r\n",
                        "--b" + new string('\u00ff', 100) + "\r\n\r\n--b--",
                        Garbage(),
                    ])));
                    raw.Headers.TryAddWithoutValidation("Content-Type", Pick(["multipart/form-data; boundary=b", "multipart/form-data", "multipart/form-data; boundary="]));
                    return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/dataset") { Content = raw };
                }

                if (shape == 1)
                {
                    return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/{Pick(["movements", "postings"])}")
                    {
                        Content = new StringContent(Pick([
                            "{\"account\":\"5.57.73\",\"kind\":\"council_decision\",\"amount\":" + Pick(["100000000000.01", "-100000000000", "9223372036854775807", "1e11"]) + ",\"decidedOn\":\"" + Pick(["0001-01-01", "9999-12-31", "2014-05-01", "2015-07-01"]) + "\"}",
                            "[{\"account\":\"5.57.73\",\"postedOn\":\"" + Pick(["2014-05-01", "9999-12-31"]) + "\",\"amount\":" + Pick(["100000000000.01", "99999999999.99"]) + "}]",
                        ]), Encoding.UTF8, "application/json"),
                    };
                }

                var csv = shape == 2
                    ? ("movements", "account,kind,amount,decided_on\n" + string.Concat(Enumerable.Repeat($"5.57.73,council_decision,{Pick(["100000000000", "100000000000.01", "-99999999999999999999"])},{Pick(["2014-05-01", "0001-01-01", "9999-12-31"])}\n", random.Next(1, 50))))
                    : ("accounts", "committee,activity_area,account,name\n" + new string('x', new[] { 1000, 70_000, 2_000_000 }[random.Next(3)]) + ",A,9.9.9,N\n");
                return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/dataset")
                {
                    Content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.Item2)), csv.Item1, csv.Item1 + ".csv" } },
                };
            }

            case 14:
            {
                // CSV files with a real header and malformed rows: the importer's own validation, not just the parser's.
                var file = Pick([
                    "accounts:committee,activity_area,account,name,group,block,refusion_benefit", "postings:account,posted_on,amount",
                    "movements:account,kind,amount,decided_on,reference,decided_by", "estimates:round,account,estimate,explanation,out_year_1,out_year_2,out_year_3,out_year_4",
                    "rounds:round,cutoff", "settings:key,value",
                ]).Split(':');
                var (part, header) = (file[0], file[1]);
                var rows = string.Join("\n", Enumerable.Range(0, random.Next(1, 5)).Select(_ => string.Join(",", Enumerable.Range(0, random.Next(1, 9)).Select(_ => Pick(Fragments.Concat(QueryValues).Append("5.57.73").Append("2014-03-31").Append("1.234,50").Append("\"a,\"\"b\"").Concat(FormulaTexts).Concat(ControlTexts).ToArray())))));
                var content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(header + "\n" + rows)), part, part + ".csv" } };
                return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/dataset") { Content = content };
            }

            case 15:
                return new HttpRequestMessage(HttpMethod.Get, $"/api/budget-years/{year}/reports/{Pick(["committee-table", "overview", "area-accounts"])}?round={Pick(["1", "2", "3"])}&format={Pick(["json", "csv", "xlsx", "html"])}&unit={Pick(["kr", "thousands"])}&committee={Pick(["", "Erhverv", "x"])}");

            case 10:
                return new HttpRequestMessage(HttpMethod.Get, $"/api/budget-years/{year}/reports/{Pick(["committee-table", "area-grid", "area-accounts", "out-years", "appropriation-changes", "service-frame", "overview", "x", "%2e%2e"])}?round={Pick(QueryValues)}&format={Pick(["json", "csv", "xlsx", "html", "pdf", ""])}&unit={Pick(["kr", "thousands", "x"])}&keepTotals={Pick(["true", "false", "1"])}&rounding={Pick(["half-to-even", "half-away-from-zero", "up"])}&committee={Pick(QueryValues)}&by={Pick(QueryValues)}");
            case 6:
                return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/rounds/{Pick(PathValues)}/{Pick(["submit", "recommend", "approve", "reopen", "x"])}")
                {
                    Content = random.Next(2) == 0 ? null : new StringContent(Pick(["{\"committee\":", "{\"decidedOn\":", "{\"reference\":"]) + Garbage() + "}", Encoding.UTF8, "application/json"),
                };
            case 7:
                return new HttpRequestMessage(random.Next(3) == 0 ? HttpMethod.Get : HttpMethod.Post, "/api/users")
                {
                    Content = new StringContent("{\"name\":" + Garbage() + ",\"roles\":" + Pick(["[]", "[\"reader\"]", "[\"x\"]", "null", "\"admin\""]) + ",\"committees\":" + Garbage() + "}", Encoding.UTF8, "application/json"),
                };
            case 8:
                return new HttpRequestMessage(random.Next(4) == 0 ? HttpMethod.Delete : HttpMethod.Get, random.Next(4) == 0 ? $"/api/users/{Pick(PathValues)}" : $"/api/budget-years/{year}/audit?from={Pick(QueryValues)}&to={Pick(QueryValues)}&target={Pick(QueryValues)}");
            case 9:
                return new HttpRequestMessage(HttpMethod.Get, $"/api/budget-years/{year}/round-comparison?by={Pick(QueryValues)}");

            case 0:
                return new HttpRequestMessage(HttpMethod.Get, $"/api/budget-years/{year}/follow-up?round={Pick(QueryValues)}&by={Pick(QueryValues)}&asOf={Pick(QueryValues)}");
            case 1:
                return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/movements") { Content = new StringContent(Garbage(), Encoding.UTF8, Pick(["application/json", "text/plain", "application/xml"])) };
            case 2:
                return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/postings") { Content = new StringContent(Garbage(), Encoding.UTF8, "application/json") };
            case 3:
            {
                var request = new HttpRequestMessage(HttpMethod.Put, $"/api/budget-years/{year}/rounds/{Pick(PathValues)}/estimates/{account}") { Content = new StringContent(Garbage(), Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("If-Match", Pick(["", "*", "\"1\"", "W/\"1\"", "garbage", "\"1\", \"2\""]));
                return request;
            }

            case 4:
            {
                var content = new MultipartFormDataContent();
                content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(Garbage() + "\n" + Garbage())), Pick(["accounts", "postings", "movements", "estimates", "rounds", "x"]), "f.csv");
                return new HttpRequestMessage(HttpMethod.Post, $"/api/budget-years/{year}/dataset") { Content = content };
            }

            default:
                return new HttpRequestMessage(new HttpMethod(Pick(["GET", "DELETE", "PATCH"])), $"/api/budget-years/{year}/accounts/{account}/history");
        }
    }
}

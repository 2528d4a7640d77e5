using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Budget.Api.Tests;

/// <summary>
/// The built server started as a new user starts it (<c>dotnet Budget.Api.dll</c>, a process of its own, its
/// output read as a person reads it): the defaults of contract §7 that depend on how it is started.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("budget-startup").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task A_short_bootstrap_key_stops_the_server_with_a_message_naming_the_setting()
    {
        using var server = Start(["--urls", $"http://127.0.0.1:{FreePort()}"], ("Auth__BootstrapKey", "short"));
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().BeTrue("the server must not start");
        server.ExitCode.Should().NotBe(0);
        server.Output.Should().Contain("Auth:BootstrapKey").And.Contain("32");
    }

    [Fact]
    public async Task The_embedded_database_on_loopback_reads_reports_anonymously_and_says_so()
    {
        var port = FreePort();
        using var server = Start(["--urls", $"http://127.0.0.1:{port}"]);
        (await server.WaitForLine("Auth:AnonymousRead", TimeSpan.FromSeconds(90))).Should().Contain("Auth:AnonymousRead is on");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        (await client.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/api/budget-years/2014/accounts/5.57.73/history")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_embedded_database_listening_beyond_loopback_needs_a_key_for_everything()
    {
        var port = FreePort();
        using var server = Start(["--urls", $"http://0.0.0.0:{port}"]);
        (await server.WaitForLine("Auth:AnonymousRead", TimeSpan.FromSeconds(90))).Should().Contain("Auth:AnonymousRead is off");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        (await client.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_built_server_started_from_another_folder_serves_the_page()
    {
        var port = FreePort();
        using var server = Start(["--urls", $"http://127.0.0.1:{port}"]);
        await server.WaitForLine("Auth:AnonymousRead", TimeSpan.FromSeconds(90));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var page = await client.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.OK, "the page travels beside the server, not in the folder it is started from");
        (await page.Content.ReadAsStringAsync()).Should().Contain("<title>Budgetopfølgning</title>");
        (await client.GetAsync("/app.js")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_published_server_started_from_another_folder_serves_the_page()
    {
        // What a service manager does: dotnet publish, then start the published assembly from elsewhere.
        var published = Path.Combine(home, "published");
        var project = Path.Combine(Http.RepositoryRoot(), "src", "Budget.Api", "Budget.Api.csproj");
        using (var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", published, "--nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            var output = publish.StandardOutput.ReadToEndAsync();
            var errors = publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            publish.ExitCode.Should().Be(0, await output + await errors);
        }

        var port = FreePort();
        // Workstation GC, as the project asks (a misspelt property once left it on server GC unnoticed; decision 0022).
        using var runtimeConfig = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(published, "Budget.Api.runtimeconfig.json")));
        runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.Server").GetBoolean().Should().BeFalse();
        using var server = Start(Path.Combine(published, "Budget.Api.dll"), ["--urls", $"http://127.0.0.1:{port}"]);
        await server.WaitForLine("Auth:AnonymousRead", TimeSpan.FromSeconds(90));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        (await client.GetStringAsync("/")).Should().Contain("<title>Budgetopfølgning</title>");
        (await client.GetAsync("/api/budget-years/2014/follow-up?round=1&by=committee")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://[::1]:80", true)]
    [InlineData("http://0.0.0.0:80", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://*:80", false)]
    [InlineData("http://budget.kommune.dk:80", false)]
    public void Loopback_addresses_are_recognised(string address, bool loopback) =>
        Security.AuthSettings.IsLoopback(address).Should().Be(loopback);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Server Start(string[] arguments, params (string Name, string Value)[] environment)
    {
        // The test's own bin folder is …/tests/Budget.Api.Tests/bin/<Configuration>/net10.0/: the server was built beside it.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Start(Path.Combine(Http.RepositoryRoot(), "src", "Budget.Api", "bin", configuration, "net10.0", "Budget.Api.dll"), arguments, environment);
    }

    private Server Start(string dll, string[] arguments, params (string Name, string Value)[] environment)
    {
        File.Exists(dll).Should().BeTrue($"the server is built at {dll}");
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = home,
        };
        // The embedded default database lives under the user's local application data: a home of its own.
        start.Environment["HOME"] = home;
        start.Environment["XDG_DATA_HOME"] = Path.Combine(home, "data");
        foreach (var name in new[] { "ConnectionStrings__Budget", "Auth__BootstrapKey", "Auth__AnonymousRead", "Budget__Provider", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new Server(Process.Start(start)!);
    }

    private sealed class Server : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly object gate = new();

        public Server(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (gate)
                {
                    return output.ToString();
                }
            }
        }

        public int ExitCode => process.ExitCode;

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.AppendLine(line);
                }
            }
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
                process.WaitForExit(); // drains the redirected output
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        /// <summary>The first line of output containing <paramref name="text"/>; fails with the whole output after the timeout.</summary>
        public async Task<string> WaitForLine(string text, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until && !process.HasExited)
            {
                var line = Output.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line;
                }

                await Task.Delay(100);
            }

            throw new Xunit.Sdk.XunitException($"no line with '{text}' within {timeout}; output:\n{Output}");
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}

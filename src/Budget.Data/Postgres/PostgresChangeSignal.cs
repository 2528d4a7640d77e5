using Npgsql;

namespace Budget.Data.Postgres;

/// <summary>
/// PostgreSQL's counterpart of SQLite's data_version (decision 0022): a counter that moves on every notification of
/// the channel <c>budget_change</c>, which the tables a report reads notify at each commit (migration 0011) — from
/// another server, the CLI or psql — and on every write this process commits. A process is one server: its stores of
/// one database share one listener and one counter, their connections carry the process's
/// <see cref="WriterName"/>, and the notifications carrying it back are skipped (the write moved the counter when it
/// committed; its own notification, a moment later, would look like a change made beside the store). The listener
/// listens on a connection of its own, opened at the first read; while it is not listening (not yet, lost,
/// reconnecting) the signal reads null and the store asks the database as it does without a signal. A report on
/// another server may keep its facts for the moment a notification travels (about a millisecond on one network):
/// the price of asking the database nothing.
/// </summary>
internal sealed class PostgresChangeSignal : IChangeSignal
{
    /// <summary>Set to <c>off</c> to ask the database on every report (one round trip), as before decision 0022.</summary>
    public const string DisableVariable = "BUDGET_POSTGRES_CHANGE_SIGNAL";

    public const string Channel = "budget_change";

    /// <summary>
    /// The application_name of this process's connections (20 characters, within PostgreSQL's 63): notifications
    /// carrying it are this process's own writes.
    /// </summary>
    public static readonly string WriterName = $"budget {Guid.NewGuid():N}"[..20];

    private static readonly Lock Registry = new();
    private static readonly Dictionary<string, Listener> Listeners = new(StringComparer.Ordinal);

    private readonly string connectionString;
    private readonly Listener listener;
    private int disposed;

    private PostgresChangeSignal(string connectionString, Listener listener)
    {
        this.connectionString = connectionString;
        this.listener = listener;
    }

    /// <summary>A lease on the process's listener of a database; null when the signal is switched off.</summary>
    public static PostgresChangeSignal? For(string connectionString)
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "off")
        {
            return null;
        }

        lock (Registry)
        {
            if (!Listeners.TryGetValue(connectionString, out var listener))
            {
                Listeners[connectionString] = listener = new Listener(connectionString);
            }

            listener.Leases++;
            return new PostgresChangeSignal(connectionString, listener);
        }
    }

    /// <summary>True while the listener is known to be listening (tests wait for it).</summary>
    public bool IsListening => listener.IsListening;

    public long? Read() => listener.Read();

    /// <summary>A write of this process committed: move at once rather than when its notification comes back.</summary>
    public void Moved() => listener.Moved();

    /// <summary>Ends the lease; the last lease of a database stops its listener.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return; // a store registered under several services is disposed once by each
        }

        Listener? last = null;
        lock (Registry)
        {
            if (--listener.Leases == 0)
            {
                Listeners.Remove(connectionString);
                last = listener;
            }
        }

        last?.Dispose();
    }

    private sealed class Listener : IDisposable
    {
        /// <summary>How often an idle listener checks that its connection still answers.</summary>
        private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

        private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

        private readonly string connectionString;
        private readonly CancellationTokenSource stop = new();
        private readonly Lock gate = new();
        private Task? running;
        private bool stopped;
        private long counter;
        private int listening;

        public Listener(string connectionString) =>
            this.connectionString = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Pooling = false, // lives as long as the process's stores of the database; never handed to a writer
                KeepAlive = 0,
                TcpKeepAlive = true,
                ApplicationName = "budget change signal",
            }.ToString();

        /// <summary>Guarded by <see cref="Registry"/>.</summary>
        public int Leases { get; set; }

        public bool IsListening => Volatile.Read(ref listening) == 1;

        public long? Read()
        {
            if (running is null)
            {
                Start();
            }

            // The flag is read before the counter: a lost listener clears the flag, then moves the counter, so a
            // value read while listening is never taken for one read after a gap.
            return IsListening ? Interlocked.Read(ref counter) : null;
        }

        public void Moved() => Interlocked.Increment(ref counter);

        private void Start()
        {
            lock (gate)
            {
                if (!stopped)
                {
                    running ??= Task.Run(Listen);
                }
            }
        }

        private async Task Listen()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(connectionString);
                    connection.Notification += (_, e) =>
                    {
                        if (!string.Equals(e.Payload, WriterName, StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref counter);
                        }
                    };
                    await connection.OpenAsync(stop.Token);
                    await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    {
                        await command.ExecuteNonQueryAsync(stop.Token);
                    }

                    // Whatever was committed while nobody listened: one move, then the notifications tell the rest.
                    Interlocked.Increment(ref counter);
                    Volatile.Write(ref listening, 1);
                    while (true)
                    {
                        if (!await connection.WaitAsync(Heartbeat, stop.Token))
                        {
                            await using var ping = new NpgsqlCommand("SELECT 1", connection);
                            await ping.ExecuteScalarAsync(stop.Token);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or OperationCanceledException)
                {
                    // Lost or never reached: reports ask the database until the listener is back.
                }
                finally
                {
                    Volatile.Write(ref listening, 0);
                    Interlocked.Increment(ref counter);
                }

                try
                {
                    await Task.Delay(RetryAfter, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public void Dispose()
        {
            Task? ending;
            lock (gate)
            {
                stopped = true;
                ending = running;
            }

            stop.Cancel();
            try
            {
                ending?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // Ended with the cancellation.
            }

            stop.Dispose();
        }
    }
}

using Npgsql;

namespace Budget.Data.Postgres;

/// <summary>
/// PostgreSQL's counterpart of SQLite's data_version (decision 0022): a counter that moves on every notification of
/// the channel <c>budget_change</c>, which the tables a report reads notify at each commit (migration 0011) — from
/// another server, the CLI or psql — and on every write this process commits. A process is one server: its stores of
/// one connection string share one listener and one counter, their connections carry the listener's
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

    /// <summary>
    /// The application_name of this process's connections to the database (20 characters, within PostgreSQL's 63):
    /// notifications carrying it are this process's own writes. One per listener, so that two connection strings to
    /// one database never skip each other's writes.
    /// </summary>
    public string WriterName => listener.Name;

    public long? Read() => listener.Read();

    public long? ReadCalendar() => listener.ReadCalendar();

    /// <summary>
    /// A write of this process committed: move at once rather than when its notification comes back; the calendars'
    /// counter too when the write may have changed a calendar.
    /// </summary>
    public void Moved(bool calendars) => listener.Moved(calendars);

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
        private readonly string probe = $"probe {Guid.NewGuid():N}";
        private readonly CancellationTokenSource stop = new();
        private readonly Lock gate = new();
        private Task? running;
        private bool stopped;
        private long counter;

        /// <summary>
        /// Moves with every notification but the process's own, with every change of listening, and with each write
        /// of the process that may change a calendar: what a kept calendar is checked against (decision 0023).
        /// </summary>
        private long calendarCounter;
        private int listening;

        public Listener(string connectionString) =>
            this.connectionString = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Pooling = false, // lives as long as the process's stores of the database; never handed to a writer
                KeepAlive = 0,
                TcpKeepAlive = true,
                ApplicationName = "budget change signal",
                // A connection that died without a word (a half-open socket) fails its heartbeat within seconds.
                CommandTimeout = 3,
            }.ToString();

        public string Name { get; } = $"budget {Guid.NewGuid():N}"[..20];

        /// <summary>Guarded by <see cref="Registry"/>.</summary>
        public int Leases { get; set; }

        public bool IsListening => Volatile.Read(ref listening) == 1;

        public long? Read() => ReadListening(ref counter);

        public long? ReadCalendar() => ReadListening(ref calendarCounter);

        private long? ReadListening(ref long value)
        {
            if (running is null)
            {
                Start();
            }

            // The flag is read before the counter: a lost listener clears the flag, then moves the counters, so a
            // value read while listening is never taken for one read after a gap.
            return IsListening ? Interlocked.Read(ref value) : null;
        }

        public void Moved(bool calendars)
        {
            if (calendars)
            {
                Interlocked.Increment(ref calendarCounter);
            }

            Interlocked.Increment(ref counter);
        }

        /// <summary>Someone else committed, or listening began or ended: both counters move.</summary>
        private void MovedBeside() => Moved(calendars: true);

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
                    var probed = false;
                    connection.Notification += (_, e) =>
                    {
                        if (string.Equals(e.Payload, probe, StringComparison.Ordinal))
                        {
                            probed = true;
                        }
                        else if (!string.Equals(e.Payload, Name, StringComparison.Ordinal))
                        {
                            MovedBeside();
                        }
                    };
                    await connection.OpenAsync(stop.Token);
                    await using (var command = new NpgsqlCommand($"LISTEN {Channel}; SELECT pg_notify('{Channel}', @Probe)", connection))
                    {
                        command.Parameters.AddWithValue("Probe", probe);
                        await command.ExecuteNonQueryAsync(stop.Token);
                    }

                    // Listening only once a notification has come back (behind a pooler that hands each transaction
                    // another server connection, LISTEN succeeds and nothing ever arrives).
                    for (var waited = 0; !probed && waited < 5; waited++)
                    {
                        await connection.WaitAsync(TimeSpan.FromSeconds(1), stop.Token);
                    }

                    if (!probed)
                    {
                        throw new TimeoutException("no notification came back to the listener");
                    }

                    // Whatever was committed while nobody listened: one move, then the notifications tell the rest.
                    MovedBeside();
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
                catch (Exception e) when (!stop.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    // Lost, never reached, or refused: reports ask the database until the listener is back (whatever
                    // went wrong, the listener tries again rather than end and leave the signal null for good).
                }
                finally
                {
                    Volatile.Write(ref listening, 0);
                    MovedBeside();
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

            // A listener still ending (past the wait) reads the token after this; it is left to the collector then.
            if (ending is null || ending.IsCompleted)
            {
                stop.Dispose();
            }
        }
    }
}

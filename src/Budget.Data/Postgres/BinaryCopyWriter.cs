using System.Buffers.Binary;
using System.Text;
using Npgsql;
using NodaTime;

namespace Budget.Data.Postgres;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
/// Format") into a raw COPY stream, for the import's bulk tables. Npgsql's <c>NpgsqlBinaryImporter</c> binds a
/// parameter for every value it writes; on a 2M-posting import's 1,15M day rows of five values that was over a second
/// of the client's CPU beside the server's COPY on the same two cores (issue 20). Here a row is a few big-endian
/// stores into a buffer. Only the types the import writes: bigint, integer, date, text (UTF-8, the connection's
/// client encoding) and bigint[] of a month's days.
/// </summary>
internal sealed class BinaryCopyWriter : IAsyncDisposable
{
    private const int BufferSize = 1 << 16;

    /// <summary>The most elements an array here holds: the days of a month.</summary>
    public const int MaxArrayLength = 31;

    /// <summary>
    /// The largest row a caller may write: the field count, up to six fixed-width fields, one text of an account id's
    /// length in UTF-8 and two arrays of a month's days.
    /// </summary>
    private const int MaxRowBytes = 2 + (6 * (4 + 8)) + 4 + (Budget.Domain.Accounts.AccountId.MaxLength * 4) + (2 * (4 + 20 + (MaxArrayLength * 12)));

    /// <summary>The type of a bigint array's elements (pg_type's oid of int8).</summary>
    private const int Int8Oid = 20;

    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>PostgreSQL's date epoch: dates travel as days since 1 January 2000.</summary>
    private static readonly LocalDate PostgresEpoch = new(2000, 1, 1);

    private readonly NpgsqlRawCopyStream stream;
    private readonly byte[] buffer = new byte[BufferSize];
    private int used;
    private bool completed;

    private BinaryCopyWriter(NpgsqlRawCopyStream stream)
    {
        this.stream = stream;
        Header.CopyTo(buffer, 0);
        used = Header.Length;
    }

    /// <summary>Starts <paramref name="copyCommand"/> (<c>COPY table (columns) FROM STDIN (FORMAT BINARY)</c>).</summary>
    public static async Task<BinaryCopyWriter> Begin(NpgsqlConnection connection, string copyCommand, CancellationToken cancellationToken) =>
        new(await connection.BeginRawBinaryCopyAsync(copyCommand, cancellationToken));

    public void StartRow(short fields)
    {
        if (used + MaxRowBytes > buffer.Length)
        {
            Flush();
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), fields);
        used += 2;
    }

    public void Bigint(long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), 8);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(used + 4), value);
        used += 12;
    }

    public void Integer(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), 4);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used + 4), value);
        used += 8;
    }

    /// <summary>A date, given as <see cref="EpochDays"/> (worked out once per day of the year by the caller).</summary>
    public void Date(int epochDays) => Integer(epochDays);

    /// <summary>A date as PostgreSQL's binary format holds it: days since 1 January 2000.</summary>
    public static int EpochDays(LocalDate date) => Period.DaysBetween(PostgresEpoch, date);

    /// <summary>A one-dimensional bigint[] (lower bound 1, no nulls) of at most <see cref="MaxArrayLength"/> elements.</summary>
    public void BigintArray(ReadOnlySpan<long> values)
    {
        if (values.Length > MaxArrayLength)
        {
            throw new ArgumentOutOfRangeException(nameof(values), $"at most {MaxArrayLength} elements are written here");
        }

        var span = buffer.AsSpan(used);
        BinaryPrimitives.WriteInt32BigEndian(span, 20 + (values.Length * 12));
        BinaryPrimitives.WriteInt32BigEndian(span[4..], 1); // dimensions
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0); // no nulls
        BinaryPrimitives.WriteInt32BigEndian(span[12..], Int8Oid);
        BinaryPrimitives.WriteInt32BigEndian(span[16..], values.Length);
        BinaryPrimitives.WriteInt32BigEndian(span[20..], 1); // lower bound
        var at = 24;
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], 8);
            BinaryPrimitives.WriteInt64BigEndian(span[(at + 4)..], value);
            at += 12;
        }

        used += at;
    }

    public void Text(string value)
    {
        if (value.Length > Budget.Domain.Accounts.AccountId.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "only texts as long as an account id are written here");
        }

        var length = Encoding.UTF8.GetBytes(value, buffer.AsSpan(used + 4));
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), length);
        used += 4 + length;
    }

    /// <summary>Ends the data (the trailer) and the COPY; the server's answer, e.g. a key violation, is thrown here.</summary>
    public async Task Complete(CancellationToken cancellationToken)
    {
        if (used + 2 > buffer.Length)
        {
            Flush();
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
        used += 2;
        await stream.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
        used = 0;
        completed = true;
        await stream.DisposeAsync();
    }

    // Synchronous writes into the connection's buffer, as the importer's own: an awaited call per 64 KB is not the cost.
    private void Flush()
    {
        stream.Write(buffer, 0, used);
        used = 0;
    }

    /// <summary>Without <see cref="Complete"/> (an exception on the way), the COPY is cancelled: nothing of it is stored.</summary>
    public async ValueTask DisposeAsync()
    {
        if (completed)
        {
            return;
        }

        completed = true;
        try
        {
            await stream.CancelAsync();
            await stream.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
        {
            // Already unwinding from the error that stopped the COPY (often a broken connection): that one is reported,
            // and the transaction it ran in is rolled back with it.
        }
    }
}

using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Budget.Data.Commands;

/// <summary>
/// A command's text, its parameters (an object whose public properties the text names as <c>@Name</c>, or
/// <see cref="DynamicParameters"/>), its transaction, timeout (seconds; 0 = none) and cancellation — the shape of the
/// call sites the store had with Dapper, which this replaces (decision 0034).
/// </summary>
internal readonly record struct CommandDefinition
{
    public CommandDefinition(string commandText, object? parameters = null, DbTransaction? transaction = null, int? commandTimeout = null, CancellationToken cancellationToken = default)
    {
        CommandText = commandText;
        Parameters = parameters;
        Transaction = transaction;
        CommandTimeout = commandTimeout;
        CancellationToken = cancellationToken;
    }

    public string CommandText { get; init; }

    public object? Parameters { get; init; }

    public DbTransaction? Transaction { get; init; }

    public int? CommandTimeout { get; init; }

    public CancellationToken CancellationToken { get; init; }
}

/// <summary>Parameters given one by one with their database type (the estimate writes).</summary>
internal sealed class DynamicParameters
{
    private readonly List<(string Name, object? Value, DbType Type)> values = [];

    public void Add(string name, object? value, DbType type) => values.Add((name, value, type));

    internal IReadOnlyList<(string Name, object? Value, DbType Type)> Values => values;
}

/// <summary>
/// The store's commands on ADO.NET: parameters bound from an object's properties, rows read into scalars, value
/// tuples (by position) or records (by their constructor's parameter names), as Dapper did — without generating code
/// at run time (decision 0034). Dapper emitted IL for every parameter type and row shape on first use, which a
/// command-line process paid ~20 ms a statement for (four statements: ~80 ms against ~15 ms on plain ADO.NET), and
/// which rules out Native AOT. Reflection here is read once per type and kept.
/// </summary>
internal static class DbCommands
{
    public static async Task<int> ExecuteAsync(this DbConnection connection, CommandDefinition definition)
    {
        // A list of parameter objects runs the command once for each, as Dapper did.
        if (definition.Parameters is IEnumerable list and not string)
        {
            var total = 0;
            foreach (var item in list)
            {
                total += await connection.ExecuteAsync(definition with { Parameters = item });
            }

            return total;
        }

        await using var command = Create(connection, definition);
        return await command.ExecuteNonQueryAsync(definition.CancellationToken);
    }

    public static Task<int> ExecuteAsync(this DbConnection connection, string sql) => connection.ExecuteAsync(new CommandDefinition(sql));

    public static async Task<T> ExecuteScalarAsync<T>(this DbConnection connection, CommandDefinition definition)
    {
        await using var command = Create(connection, definition);
        return Convert<T>(await command.ExecuteScalarAsync(definition.CancellationToken));
    }

    public static async Task<IEnumerable<T>> QueryAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this DbConnection connection, CommandDefinition definition)
    {
        await using var command = Create(connection, definition);
        await using var reader = await command.ExecuteReaderAsync(definition.CancellationToken);
        var rows = new List<T>();
        var read = RowReader<T>.For(reader);
        while (await reader.ReadAsync(definition.CancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static async Task<T> QuerySingleAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this DbConnection connection, CommandDefinition definition)
    {
        var rows = (List<T>)await connection.QueryAsync<T>(definition);
        return rows.Count == 1 ? rows[0] : throw new InvalidOperationException($"the query gave {rows.Count} rows, not one");
    }

    public static async Task<T?> QuerySingleOrDefaultAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this DbConnection connection, CommandDefinition definition)
    {
        var rows = (List<T>)await connection.QueryAsync<T>(definition);
        return rows.Count switch
        {
            0 => default,
            1 => rows[0],
            _ => throw new InvalidOperationException($"the query gave {rows.Count} rows, not one or none"),
        };
    }

    /// <summary>The command's reader; disposing it disposes the command.</summary>
    public static async Task<DbDataReader> ExecuteReaderAsync(this DbConnection connection, CommandDefinition definition)
    {
        var command = Create(connection, definition);
        try
        {
            return new CommandReader(await command.ExecuteReaderAsync(definition.CancellationToken), command);
        }
        catch
        {
            await command.DisposeAsync();
            throw;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Parameter objects are the store's anonymous types and records, in Budget.Data, which the compiled-ahead CLI keeps whole (Budget.Cli.csproj).")]
    private static DbCommand Create(DbConnection connection, CommandDefinition definition)
    {
        var command = connection.CreateCommand();
        command.CommandText = definition.CommandText;
        command.Transaction = definition.Transaction;
        if (definition.CommandTimeout is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        switch (definition.Parameters)
        {
            case null:
                break;
            case DynamicParameters dynamic:
                foreach (var (name, value, type) in dynamic.Values)
                {
                    Add(command, name, value, type);
                }

                break;
            default:
                foreach (var property in ParameterProperties.Named(definition.CommandText, definition.Parameters.GetType()))
                {
                    Add(command, property.Name, property.Getter.GetValue(definition.Parameters), property.Type);
                }

                break;
        }

        return command;
    }

    private static void Add(DbCommand command, string name, object? value, DbType? type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (type is { } known)
        {
            parameter.DbType = known;
        }

        command.Parameters.Add(parameter);
    }

    /// <summary>A database value as <typeparamref name="T"/>: null and DBNull as its default (as Dapper read them), numbers converted, checked.</summary>
    internal static T Convert<T>(object? value) => value is null or DBNull ? default! : (T)Convert(value, typeof(T))!;

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "The default of a value type the store reads (long, int, bool).")]
    internal static object? Convert(object? value, Type type)
    {
        if (value is null or DBNull)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        return System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The public properties of a parameter type that a command's text names (<c>@Name</c>, any case), kept per text and type.</summary>
    private static class ParameterProperties
    {
        private static readonly ConcurrentDictionary<(string Sql, Type Type), Property[]> Kept = new();

        public static Property[] Named(string sql, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
            Kept.GetOrAdd((sql, type), static key => Read(key.Sql, key.Type));

        [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "The key's type came from GetType() of a parameter object the code built: its properties are read, not created.")]
        private static Property[] Read(string sql, Type type) =>
            [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && Names(sql, p.Name))
                .Select(p => new Property(p.Name, p, DbTypeOf(p.PropertyType)))];

        /// <summary>Whether <c>@name</c> stands in the text as a whole name (not the start of a longer one).</summary>
        private static bool Names(string sql, string name)
        {
            var at = 0;
            while ((at = sql.IndexOf("@" + name, at, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                var end = at + name.Length + 1;
                if (end == sql.Length || !(char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
                {
                    return true;
                }

                at = end;
            }

            return false;
        }

        /// <summary>The parameter's type from the property's, so that a null still says what it is (PostgreSQL needs to know).</summary>
        private static DbType? DbTypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => DbType.String,
            var t when t == typeof(long) => DbType.Int64,
            var t when t == typeof(int) => DbType.Int32,
            var t when t == typeof(short) => DbType.Int16,
            var t when t == typeof(bool) => DbType.Boolean,
            var t when t == typeof(decimal) => DbType.Decimal,
            var t when t == typeof(byte[]) => DbType.Binary,
            _ => null, // arrays and the rest: the provider infers the type from the value (PostgreSQL arrays)
        };

        public sealed record Property(string Name, PropertyInfo Getter, DbType? Type);
    }

    /// <summary>How a row becomes a <typeparamref name="T"/>: a scalar from the first column, a value tuple by position, a record by its constructor's parameter names.</summary>
    private static class RowReader<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>
    {
        private static Func<DbDataReader, T>? positional;
        private static ConstructorInfo? constructor;

        /// <summary>Scalars and tuples are read by position (kept); a record by its columns' names, which each query gives anew.</summary>
        public static Func<DbDataReader, T> For(DbDataReader reader) => positional ?? Build(reader);

        [UnconditionalSuppressMessage("Trimming", "IL2090", Justification = "Row types are the store's own records and value tuples, constructed through the constructors they declare.")]
        [UnconditionalSuppressMessage("Trimming", "IL2080", Justification = "As above.")]
        private static Func<DbDataReader, T> Build(DbDataReader reader)
        {
            var type = typeof(T);
            var target = Nullable.GetUnderlyingType(type) ?? type;
            if (target.IsPrimitive || target == typeof(string) || target == typeof(decimal) || target == typeof(byte[]))
            {
                return positional = static r => Convert<T>(r.GetValue(0));
            }

            if (type.IsValueType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
            {
                return positional = r => (T)Tuple(type, r, 0)!;
            }

            var ctor = constructor ??= type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var parameters = ctor.GetParameters();
            var columns = Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => i, StringComparer.OrdinalIgnoreCase);
            var ordinals = parameters.Select(p => columns.TryGetValue(p.Name!, out var i) ? i : throw new InvalidOperationException($"{type.Name}'s {p.Name} has no column")).ToArray();
            return r =>
            {
                var values = new object?[parameters.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Convert(r.GetValue(ordinals[i]), parameters[i].ParameterType);
                }

                return (T)ctor.Invoke(values);
            };
        }

        /// <summary>A value tuple from the columns from <paramref name="first"/> on; past seven, its Rest is a tuple of the next.</summary>
        [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Value tuples keep their public constructors.")]
        [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = "The Rest of the store's two nine-column rows, kept by the DynamicDependency attributes here.")]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ValueTuple<long, string>))] // an estimate's history (BudgetStore.cs)
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ValueTuple<string, long?>))] // the audit trail (BudgetStore.Users.cs)
        private static object? Tuple([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type, DbDataReader reader, int first)
        {
            var items = type.GetGenericArguments();
            var values = new object?[items.Length];
            for (var i = 0; i < items.Length; i++)
            {
                values[i] = i == 7 ? Tuple(items[i], reader, first + 7) : Convert(reader.GetValue(first + i), items[i]);
            }

            return Activator.CreateInstance(type, values);
        }
    }

    /// <summary>A reader that disposes its command with itself (the command's statements are released at once).</summary>
    private sealed class CommandReader(DbDataReader reader, DbCommand command) : DbDataReader
    {
        public override object this[int ordinal] => reader[ordinal];

        public override object this[string name] => reader[name];

        public override int Depth => reader.Depth;

        public override int FieldCount => reader.FieldCount;

        public override bool HasRows => reader.HasRows;

        public override bool IsClosed => reader.IsClosed;

        public override int RecordsAffected => reader.RecordsAffected;

        public override int VisibleFieldCount => reader.VisibleFieldCount;

        public override bool GetBoolean(int ordinal) => reader.GetBoolean(ordinal);

        public override byte GetByte(int ordinal) => reader.GetByte(ordinal);

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => reader.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);

        public override char GetChar(int ordinal) => reader.GetChar(ordinal);

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => reader.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);

        public override string GetDataTypeName(int ordinal) => reader.GetDataTypeName(ordinal);

        public override DateTime GetDateTime(int ordinal) => reader.GetDateTime(ordinal);

        public override decimal GetDecimal(int ordinal) => reader.GetDecimal(ordinal);

        // GetDouble and GetFloat are DbDataReader's to forward; the store binds and reads no floating point (money is øre).
        public override double GetDouble(int ordinal) => reader.GetDouble(ordinal);

        [return: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)]
        public override Type GetFieldType(int ordinal) => reader.GetFieldType(ordinal);

        public override T GetFieldValue<T>(int ordinal) => reader.GetFieldValue<T>(ordinal);

        public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) => reader.GetFieldValueAsync<T>(ordinal, cancellationToken);

        public override float GetFloat(int ordinal) => reader.GetFloat(ordinal);

        public override Guid GetGuid(int ordinal) => reader.GetGuid(ordinal);

        public override short GetInt16(int ordinal) => reader.GetInt16(ordinal);

        public override int GetInt32(int ordinal) => reader.GetInt32(ordinal);

        public override long GetInt64(int ordinal) => reader.GetInt64(ordinal);

        public override string GetName(int ordinal) => reader.GetName(ordinal);

        public override int GetOrdinal(string name) => reader.GetOrdinal(name);

        public override string GetString(int ordinal) => reader.GetString(ordinal);

        public override Stream GetStream(int ordinal) => reader.GetStream(ordinal);

        public override object GetValue(int ordinal) => reader.GetValue(ordinal);

        public override int GetValues(object[] values) => reader.GetValues(values);

        public override bool IsDBNull(int ordinal) => reader.IsDBNull(ordinal);

        public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) => reader.IsDBNullAsync(ordinal, cancellationToken);

        public override bool NextResult() => reader.NextResult();

        public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => reader.NextResultAsync(cancellationToken);

        public override bool Read() => reader.Read();

        public override Task<bool> ReadAsync(CancellationToken cancellationToken) => reader.ReadAsync(cancellationToken);

        public override IEnumerator GetEnumerator() => ((IEnumerable)reader).GetEnumerator();

        public override DataTable? GetSchemaTable() => reader.GetSchemaTable();

        public override void Close()
        {
            if (!disposed)
            {
                reader.Close();
            }
        }

        // Once: base.DisposeAsync calls Dispose, which calls Close (Npgsql reuses its reader object per connection).
        private bool disposed;

        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                reader.Dispose();
                command.Dispose();
            }

            base.Dispose(disposing); // Close, which does nothing once disposed
        }

        public override async ValueTask DisposeAsync()
        {
            if (!disposed)
            {
                disposed = true;
                await reader.DisposeAsync();
                await command.DisposeAsync();
            }

            await base.DisposeAsync(); // Dispose: nothing left to do
        }
    }
}

using System.Text;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// One chDB session on a data folder. Calls on one connection run one at a time (the engine
/// serialises them); open several connections to the same folder to run statements in parallel
/// (<see cref="ChDbConnectionPool"/>). The engine keeps one data folder per process: every
/// connection must be closed before connections to another folder can be opened.
/// </summary>
public sealed unsafe class ChDbConnection : IDisposable
{
    private static readonly Lock EngineLock = new();
    private static string? _enginePath;
    private static int _openConnections;

    private readonly Lock _callLock = new();
    private nint _connectionSlot; // chdb_connection*: what chdb_connect returns and chdb_close_conn takes
    private nint _connection;     // chdb_connection: what the query functions take

    private ChDbConnection(string dataPath, nint slot)
    {
        DataPath = dataPath;
        _connectionSlot = slot;
        _connection = *(nint*)slot;
    }

    public string DataPath { get; }

    /// <summary>The settings applied to this session, in a canonical form; empty for a pristine session.</summary>
    public string SessionKey { get; internal set; } = string.Empty;

    /// <summary>Set once readonly was applied: the engine then refuses to set it again.</summary>
    public bool IsReadOnly { get; internal set; }

    /// <summary>The database unqualified names resolve to, as far as this connection was told.</summary>
    public string CurrentDatabase { get; internal set; } = "default";

    /// <summary>
    /// Opens a connection on <paramref name="dataPath"/> (created when missing). Loads the
    /// library at <paramref name="libraryPath"/> first; see <see cref="ChDbLibrary.EnsureAsync"/>.
    /// </summary>
    public static ChDbConnection Open(string libraryPath, string dataPath)
    {
        ChDbNative.EnsureLoaded(libraryPath);
        var fullPath = Path.GetFullPath(dataPath);
        Directory.CreateDirectory(fullPath);
        lock (EngineLock)
        {
            if (_openConnections > 0 && !string.Equals(_enginePath, fullPath, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"chDB already has connections open on '{_enginePath}'; one process serves one data folder at a time, so close those before opening '{fullPath}'.");
            }

            var slot = ConnectNative(["chdb", "--path=" + fullPath]);
            if (slot == 0 || *(nint*)slot == 0)
            {
                throw new ChDbException(new ClickHouseError(ClickHouseError.UnknownException,
                    $"chdb_connect failed for data folder '{fullPath}' (is it writable, and is no other process using it?)"));
            }

            _enginePath = fullPath;
            _openConnections++;
            return new ChDbConnection(fullPath, slot);
        }
    }

    /// <summary>Runs one statement and returns its output in <paramref name="format"/> (the default when the SQL has no FORMAT clause).</summary>
    public ChDbResult Query(string sql, string format = "TabSeparated", IReadOnlyList<KeyValuePair<string, string>>? parameters = null) =>
        Query(Encoding.UTF8.GetBytes(sql), format, parameters);

    /// <summary>
    /// Runs one statement given as UTF-8. Parameters fill <c>{name:Type}</c> placeholders
    /// inside the engine (chdb_query_with_params): values are never pasted into the SQL.
    /// </summary>
    public ChDbResult Query(ReadOnlySpan<byte> sql, string format, IReadOnlyList<KeyValuePair<string, string>>? parameters = null) =>
        Call(sql, format, parameters, ChDbNative.QueryWithParamsN, ChDbNative.QueryN, static result => result == 0
            ? ChDbResult.Failed(new ClickHouseError(ClickHouseError.UnknownException, "chDB returned no result"))
            : new ChDbResult(result));

    /// <summary>
    /// Starts a streaming INSERT: <paramref name="insertSql"/> names the table and columns
    /// without FORMAT or data (<c>INSERT INTO t (a, b)</c>); the data, in <paramref name="format"/>,
    /// is then appended in chunks. Binary-safe, unlike data inlined after FORMAT in the SQL.
    /// The connection runs nothing else until the insert is completed or disposed.
    /// </summary>
    public ChDbInsert BeginInsert(string insertSql, string format, IReadOnlyList<KeyValuePair<string, string>>? parameters = null) =>
        Call(Encoding.UTF8.GetBytes(insertSql), format, parameters, ChDbNative.StreamInsertWithParamsN, withoutParameters: null, static stream => new ChDbInsert(stream));

    /// <summary>
    /// One engine call on this connection: the statement, the format and the parameters pinned, under the call lock
    /// (the engine serialises a connection's calls), and what it returned read by <paramref name="read"/> still under it.
    /// <paramref name="withoutParameters"/>, when there is one, is the cheaper call used when no parameter is bound.
    /// </summary>
    private T Call<T>(ReadOnlySpan<byte> sql, string format, IReadOnlyList<KeyValuePair<string, string>>? parameters,
        delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte**, nuint*, byte**, nuint*, nuint, nint> withParameters,
        delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nint> withoutParameters, Func<nint, T> read)
    {
        var formatBytes = Encoding.UTF8.GetBytes(format);
        using var bound = new NativeStrings(parameters);
        lock (_callLock)
        {
            var open = OpenHandle();
            fixed (byte* query = sql)
            fixed (byte* fmt = formatBytes)
            {
                var result = bound.Count == 0 && withoutParameters != null
                    ? withoutParameters(open, query, (nuint)sql.Length, fmt, (nuint)formatBytes.Length)
                    : withParameters(open, query, (nuint)sql.Length, fmt, (nuint)formatBytes.Length,
                        bound.Names, bound.NameLengths, bound.Values, bound.ValueLengths, (nuint)bound.Count);
                return read(result);
            }
        }
    }

    public void Dispose()
    {
        lock (_callLock)
        {
            var slot = Interlocked.Exchange(ref _connectionSlot, 0);
            if (slot == 0)
            {
                return;
            }

            _connection = 0;
            lock (EngineLock)
            {
                ChDbNative.CloseConnection(slot);
                _openConnections--;
            }
        }
    }

    private nint OpenHandle() => _connection != 0
        ? _connection
        : throw new ObjectDisposedException(nameof(ChDbConnection), "the chDB connection is closed");

    private static nint ConnectNative(string[] arguments)
    {
        using var argv = new NativeStrings(arguments.Select(a => new KeyValuePair<string, string>(a, string.Empty)).ToList());
        return ChDbNative.Connect(arguments.Length, argv.Names);
    }

    /// <summary>UTF-8, NUL-terminated copies of names and values in native memory, with pointer and length arrays.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly List<nint> _allocations = [];

        public NativeStrings(IReadOnlyList<KeyValuePair<string, string>>? pairs)
        {
            Count = pairs?.Count ?? 0;
            if (Count == 0)
            {
                return;
            }

            Names = (byte**)Allocate(sizeof(byte*) * Count);
            Values = (byte**)Allocate(sizeof(byte*) * Count);
            NameLengths = (nuint*)Allocate(sizeof(nuint) * Count);
            ValueLengths = (nuint*)Allocate(sizeof(nuint) * Count);
            for (var i = 0; i < Count; i++)
            {
                Names[i] = Copy(pairs![i].Key, out NameLengths[i]);
                Values[i] = Copy(pairs[i].Value, out ValueLengths[i]);
            }
        }

        public int Count { get; }

        public byte** Names { get; }

        public nuint* NameLengths { get; }

        public byte** Values { get; }

        public nuint* ValueLengths { get; }

        public void Dispose()
        {
            foreach (var allocation in _allocations)
            {
                System.Runtime.InteropServices.NativeMemory.Free((void*)allocation);
            }
        }

        private byte* Copy(string text, out nuint byteLength)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            var target = (byte*)Allocate(length + 1);
            Encoding.UTF8.GetBytes(text, new Span<byte>(target, length));
            target[length] = 0;
            byteLength = (nuint)length;
            return target;
        }

        private void* Allocate(int bytes)
        {
            var block = System.Runtime.InteropServices.NativeMemory.Alloc((nuint)Math.Max(bytes, 1));
            _allocations.Add((nint)block);
            return block;
        }
    }
}

using System.Buffers;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// The outcome of one statement: either the engine's output (kept in native memory until
/// disposed, so a large result is never copied) with its counters, or an error.
/// </summary>
public sealed unsafe class ChDbResult : IDisposable
{
    private nint _handle;
    private readonly NativeMemory _memory;

    internal ChDbResult(nint handle)
    {
        this._handle = handle;
        var error = ChDbNative.StringAt(ChDbNative.ResultError(handle));
        Error = error is null ? null : ClickHouseError.FromEngineMessage(error);
        var buffer = ChDbNative.ResultBuffer(handle);
        var length = buffer is null ? 0 : (int)ChDbNative.ResultLength(handle);
        _memory = new NativeMemory(buffer, length);
        Elapsed = TimeSpan.FromSeconds(ChDbNative.ResultElapsed(handle));
        ResultRows = ChDbNative.ResultRowsRead(handle);
        RowsRead = ChDbNative.ResultStorageRowsRead(handle);
        BytesRead = ChDbNative.ResultStorageBytesRead(handle);
        RowsWritten = ChDbNative.ResultRowsWritten(handle);
        BytesWritten = ChDbNative.ResultBytesWritten(handle);
    }

    private ChDbResult(ClickHouseError error)
    {
        Error = error;
        _memory = new NativeMemory(null, 0);
    }

    /// <summary>Null when the statement succeeded.</summary>
    public ClickHouseError? Error { get; }

    public bool Succeeded => Error is null;

    /// <summary>The output in the requested format; valid until the result is disposed.</summary>
    public ReadOnlyMemory<byte> Data => _memory.Memory;

    public TimeSpan Elapsed { get; }

    /// <summary>Rows in the output.</summary>
    public ulong ResultRows { get; }

    /// <summary>Rows read from storage.</summary>
    public ulong RowsRead { get; }

    public ulong BytesRead { get; }

    public ulong RowsWritten { get; }

    public ulong BytesWritten { get; }

    /// <summary>The output as UTF-8 text (for small results, tests and tools).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Data.Span);

    public ChDbResult ThrowIfFailed() => Error is null ? this : throw new ChDbException(Error);

    internal static ChDbResult Failed(ClickHouseError error) => new(error);

    public void Dispose()
    {
        var owned = Interlocked.Exchange(ref _handle, 0);
        if (owned != 0)
        {
            _memory.Release();
            ChDbNative.DestroyQueryResult(owned);
        }
    }

    /// <summary>Exposes the engine's result buffer as Memory without copying it.</summary>
    private sealed class NativeMemory(byte* pointer, int length) : MemoryManager<byte>
    {
        private bool _released;

        public void Release() => _released = true;

        public override Span<byte> GetSpan() => _released
            ? throw new ObjectDisposedException(nameof(ChDbResult), "the chDB result was disposed; copy the data before disposing it")
            : new Span<byte>(pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}

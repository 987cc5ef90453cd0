namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// A streaming INSERT in progress (chdb_stream_insert): data chunks are appended as they arrive
/// and committed by <see cref="Complete"/>. Disposing without completing cancels it.
/// </summary>
public sealed unsafe class ChDbInsert : IDisposable
{
    private nint _stream;
    private bool _finished;

    internal ChDbInsert(nint stream)
    {
        this._stream = stream;
        Error = ReadError();
    }

    /// <summary>Set once the engine refused the insert (at start or while appending).</summary>
    public ClickHouseError? Error { get; private set; }

    /// <summary>Appends one chunk in the insert's format; false (and <see cref="Error"/> set) once the insert failed.</summary>
    public bool Append(ReadOnlySpan<byte> chunk)
    {
        if (Error is not null)
        {
            return false;
        }

        if (chunk.IsEmpty)
        {
            return true;
        }

        fixed (byte* data = chunk)
        {
            if (ChDbNative.StreamAppend(Handle(), data, (nuint)chunk.Length) == 0)
            {
                return true;
            }
        }

        Error = ReadError() ?? new ClickHouseError(ClickHouseError.UnknownException, "chdb_stream_append failed");
        return false;
    }

    /// <summary>Ends the input and commits; the result carries rows and bytes written, or the error.</summary>
    public ChDbResult Complete()
    {
        if (Error is not null)
        {
            return ChDbResult.Failed(Error);
        }

        _finished = true;
        var result = ChDbNative.StreamDone(Handle());
        return result == 0
            ? ChDbResult.Failed(ReadError() ?? new ClickHouseError(ClickHouseError.UnknownException, "chdb_stream_done returned no result"))
            : new ChDbResult(result);
    }

    public void Dispose()
    {
        var owned = Interlocked.Exchange(ref _stream, 0);
        if (owned == 0)
        {
            return;
        }

        if (!_finished)
        {
            ChDbNative.StreamCancelInsert(owned);
        }

        ChDbNative.DestroyInsertStream(owned);
    }

    private nint Handle() => _stream != 0 ? _stream : throw new ObjectDisposedException(nameof(ChDbInsert));

    private ClickHouseError? ReadError()
    {
        var message = ChDbNative.StringAt(ChDbNative.StreamInsertError(_stream));
        return message is null ? null : ClickHouseError.FromEngineMessage(message);
    }
}

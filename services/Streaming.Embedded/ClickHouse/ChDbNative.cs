using System.Runtime.InteropServices;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// The C API of libchdb.so (chdb.h of chDB 26.7), bound through function pointers resolved
/// once from the library located by <see cref="ChDbLibrary"/>. The library is loaded at most
/// once per process: the engine behind it is a process-wide singleton anyway.
/// </summary>
internal static unsafe class ChDbNative
{
    private static readonly Lock LoadLock = new();
    private static string? _loadedPath;

    // Connections and results are opaque pointers; see chdb.h.
    public static delegate* unmanaged<int, byte**, nint> Connect;                       // chdb_connection* chdb_connect(argc, argv)
    public static delegate* unmanaged<nint, void> CloseConnection;                      // chdb_close_conn(chdb_connection*)
    public static delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nint> QueryN;    // chdb_query_n
    public static delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte**, nuint*, byte**, nuint*, nuint, nint> QueryWithParamsN; // chdb_query_with_params_n
    public static delegate* unmanaged<nint, void> DestroyQueryResult;                   // chdb_destroy_query_result
    public static delegate* unmanaged<nint, byte*> ResultBuffer;
    public static delegate* unmanaged<nint, nuint> ResultLength;
    public static delegate* unmanaged<nint, double> ResultElapsed;
    public static delegate* unmanaged<nint, ulong> ResultRowsRead;
    public static delegate* unmanaged<nint, ulong> ResultBytesRead;
    public static delegate* unmanaged<nint, ulong> ResultStorageRowsRead;
    public static delegate* unmanaged<nint, ulong> ResultStorageBytesRead;
    public static delegate* unmanaged<nint, ulong> ResultRowsWritten;
    public static delegate* unmanaged<nint, ulong> ResultBytesWritten;
    public static delegate* unmanaged<nint, byte*> ResultError;
    public static delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte**, nuint*, byte**, nuint*, nuint, nint> StreamInsertWithParamsN; // chdb_stream_insert_with_params_n
    public static delegate* unmanaged<nint, void*, nuint, int> StreamAppend;            // chdb_state chdb_stream_append
    public static delegate* unmanaged<nint, nint> StreamDone;                           // chdb_result* chdb_stream_done
    public static delegate* unmanaged<nint, void> StreamCancelInsert;
    public static delegate* unmanaged<nint, byte*> StreamInsertError;
    public static delegate* unmanaged<nint, void> DestroyInsertStream;
    public static delegate* unmanaged<int, void> SetSignalHandlersEnabled;
    public static delegate* unmanaged<byte*> Version;

    /// <summary>Loads the library once; later calls with another path are refused.</summary>
    public static void EnsureLoaded(string libraryPath)
    {
        lock (LoadLock)
        {
            if (_loadedPath is not null)
            {
                if (!string.Equals(Path.GetFullPath(_loadedPath), Path.GetFullPath(libraryPath), StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"libchdb.so is already loaded from '{_loadedPath}'; a process can load only one chDB library (asked for '{libraryPath}').");
                }

                return;
            }

            var handle = NativeLibrary.Load(libraryPath);
            Connect = (delegate* unmanaged<int, byte**, nint>)Export(handle, "chdb_connect");
            CloseConnection = (delegate* unmanaged<nint, void>)Export(handle, "chdb_close_conn");
            QueryN = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nint>)Export(handle, "chdb_query_n");
            QueryWithParamsN = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte**, nuint*, byte**, nuint*, nuint, nint>)Export(handle, "chdb_query_with_params_n");
            DestroyQueryResult = (delegate* unmanaged<nint, void>)Export(handle, "chdb_destroy_query_result");
            ResultBuffer = (delegate* unmanaged<nint, byte*>)Export(handle, "chdb_result_buffer");
            ResultLength = (delegate* unmanaged<nint, nuint>)Export(handle, "chdb_result_length");
            ResultElapsed = (delegate* unmanaged<nint, double>)Export(handle, "chdb_result_elapsed");
            ResultRowsRead = (delegate* unmanaged<nint, ulong>)Export(handle, "chdb_result_rows_read");
            ResultBytesRead = (delegate* unmanaged<nint, ulong>)Export(handle, "chdb_result_bytes_read");
            ResultStorageRowsRead = (delegate* unmanaged<nint, ulong>)Export(handle, "chdb_result_storage_rows_read");
            ResultStorageBytesRead = (delegate* unmanaged<nint, ulong>)Export(handle, "chdb_result_storage_bytes_read");
            ResultRowsWritten = (delegate* unmanaged<nint, ulong>)Export(handle, "chdb_result_rows_written");
            ResultBytesWritten = (delegate* unmanaged<nint, ulong>)Export(handle, "chdb_result_bytes_written");
            ResultError = (delegate* unmanaged<nint, byte*>)Export(handle, "chdb_result_error");
            StreamInsertWithParamsN = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte**, nuint*, byte**, nuint*, nuint, nint>)Export(handle, "chdb_stream_insert_with_params_n");
            StreamAppend = (delegate* unmanaged<nint, void*, nuint, int>)Export(handle, "chdb_stream_append");
            StreamDone = (delegate* unmanaged<nint, nint>)Export(handle, "chdb_stream_done");
            StreamCancelInsert = (delegate* unmanaged<nint, void>)Export(handle, "chdb_stream_cancel_insert");
            StreamInsertError = (delegate* unmanaged<nint, byte*>)Export(handle, "chdb_stream_insert_error");
            DestroyInsertStream = (delegate* unmanaged<nint, void>)Export(handle, "chdb_destroy_insert_stream");
            SetSignalHandlersEnabled = (delegate* unmanaged<int, void>)Export(handle, "chdb_set_signal_handlers_enabled");
            Version = (delegate* unmanaged<byte*>)Export(handle, "chdb_version");

            // chDB's own SIGSEGV/SIGBUS handlers fight the .NET runtime's (which turns them into
            // NullReferenceException): with them installed the first managed exception hangs the
            // process. They must be off before the first chdb_connect.
            SetSignalHandlersEnabled(0);
            _loadedPath = libraryPath;
        }
    }

    public static string? StringAt(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new EntryPointNotFoundException(
                $"libchdb.so has no '{name}'; the embedded ClickHouse needs chDB {ChDbLibrary.Version} (see scripts/fetch-chdb.sh).");
}

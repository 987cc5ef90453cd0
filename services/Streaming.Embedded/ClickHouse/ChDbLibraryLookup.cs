namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Where libchdb.so is, or why it is not there and what to do about it (npm missing, the download
/// failed, STREAMING_CHDB_LIB pointing nowhere). A missing prerequisite on a fresh machine is
/// expected, so it is a value with a message for a person, not a stack trace.
/// </summary>
public sealed record ChDbLibraryLookup(string? Path, string? Problem)
{
    public static ChDbLibraryLookup Found(string path) => new(path, null);

    public static ChDbLibraryLookup Unavailable(string problem) => new(null, problem);
}

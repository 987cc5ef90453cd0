using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>One change to the registry, as a line of the log.</summary>
/// <param name="Op"><c>schema</c> (an id is given to a schema text), <c>version</c> (a subject gets a version),
/// <c>delete</c> (a version is soft or permanently deleted) or <c>config</c> (a compatibility level is set or, when null, removed).</param>
internal sealed record SchemaLogEntry(
    string Op,
    string? Subject = null,
    int? Version = null,
    int? Id = null,
    string? Schema = null,
    bool? Permanent = null,
    string? Level = null);

/// <summary>
/// The registry's changes, one JSON line each, appended to <c>schemas.log</c> in the data folder and
/// flushed to disk before the change is answered, so an id handed out is never given to another schema
/// after a restart. A line cut short by a crash (the change was never answered) is dropped at the next start.
/// </summary>
internal sealed class SchemaLog : IDisposable
{
    public const string FileName = "schemas.log";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly FileStream _file;

    private SchemaLog(FileStream file, string path)
    {
        this._file = file;
        FilePath = path;
    }

    public string FilePath { get; }

    /// <summary>Opens (creating when missing) the log in <paramref name="directory"/> and returns the entries it holds.</summary>
    public static (SchemaLog Log, IReadOnlyList<SchemaLogEntry> Entries) Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(path, options);
        try
        {
            var (entries, validLength) = Read(file, path);
            if (validLength < file.Length)
            {
                file.SetLength(validLength); // a torn last line: its change was never acknowledged
                file.Flush(flushToDisk: true);
            }
            file.Seek(0, SeekOrigin.End);
            return (new SchemaLog(file, path), entries);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends the entries and waits until they are on disk.</summary>
    public void Append(params IReadOnlyList<SchemaLogEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
            text.Append(JsonSerializer.Serialize(entry, Json)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        _file.Write(bytes);
        _file.Flush(flushToDisk: true);
    }

    public void Dispose() => _file.Dispose();

    private static (List<SchemaLogEntry> Entries, long ValidLength) Read(FileStream file, string path)
    {
        var entries = new List<SchemaLogEntry>();
        using var buffer = new MemoryStream();
        file.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        long offset = 0;
        var lineNumber = 0;
        while (offset < bytes.Length)
        {
            var end = bytes[(int)offset..].IndexOf((byte)'\n');
            if (end < 0)
                break; // no newline: the write was cut short
            lineNumber++;
            var line = bytes.Slice((int)offset, end);
            try
            {
                entries.Add(JsonSerializer.Deserialize<SchemaLogEntry>(line, Json)
                    ?? throw new JsonException("null entry"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException(
                    $"{path} line {lineNumber} is not a registry log entry ({e.Message}). The file is written only by the registry; restore it from a backup, or move it away to start with no schemas.", e);
            }
            offset += end + 1;
        }
        return (entries, offset);
    }
}

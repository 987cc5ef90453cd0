using System.Buffers.Binary;
using System.Globalization;

namespace Streaming.Embedded.Kafka.Journal;

/// <summary>
/// The journal's segment files in one folder (<c>0000000001.segment</c>, ...), read in order.
/// Only the last segment can end in a torn record (a crash during its write): reading cuts it off
/// there. Anything unreadable in an earlier segment was fsynced before the next one began, so it is
/// real corruption and stops the start with the file and position.
/// </summary>
internal static class JournalSegments
{
    private const string Extension = ".segment";

    public static IReadOnlyList<string> List(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*" + Extension).Order(StringComparer.Ordinal)];

    public static string PathOf(string directory, long sequence) =>
        Path.Combine(directory, sequence.ToString("D10", CultureInfo.InvariantCulture) + Extension);

    public static long SequenceOf(string path) =>
        long.Parse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// Calls <paramref name="onRecord"/> for every record of <paramref name="path"/> (with the file
    /// position after it). Returns the length of the readable part: shorter than the file when the tail is torn.
    /// </summary>
    public static long Read(string path, Action<object, long> onRecord)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var header = new byte[JournalFrame.HeaderSize];
        var body = new byte[64 * 1024];
        long position = 0;
        var length = file.Length;
        while (true)
        {
            if (length - position < JournalFrame.HeaderSize)
                return position;
            file.ReadExactly(header);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (size > JournalFrame.MaxBodySize || size > length - position - JournalFrame.HeaderSize)
                return position;
            if (body.Length < size)
                body = new byte[Math.Max(size, body.Length * 2)];
            file.ReadExactly(body, 0, (int)size);
            var span = body.AsSpan(0, (int)size);
            if (JournalFrame.Checksum(span) != checksum)
                return position;
            position += JournalFrame.HeaderSize + size;
            var record = JournalFrame.Read(span);
            if (record is not null)
                onRecord(record, position);
        }
    }
}

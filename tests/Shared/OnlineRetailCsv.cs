using System.IO.Compression;
using System.Text;

namespace Streaming.Tests.Helpers;

/// <summary>
/// Reads the Online Retail CSV (gzip) into raw fields, independently of the importer's code, so tests
/// can compute the figures they expect straight from the file. Linked into each test project that needs it.
/// </summary>
internal static class OnlineRetailCsv
{
    /// <summary>Every data line (the header skipped) split into its fields.</summary>
    public static List<string[]> Read(string path)
    {
        using var text = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        _ = text.ReadLine();
        var lines = new List<string[]>();
        while (text.ReadLine() is { } line)
            lines.Add(Split(line));
        return lines;
    }

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else
            {
                current.Append(c);
            }
        }
        fields.Add(current.ToString());
        return fields.ToArray();
    }
}

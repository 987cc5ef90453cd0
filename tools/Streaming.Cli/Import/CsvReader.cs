using System.IO.Compression;
using System.Text;

namespace Streaming.Cli.Import;

/// <summary>RFC 4180 CSV lines (quoted fields, doubled quotes, commas and newlines inside quotes); .gz files are decompressed.</summary>
internal sealed class CsvReader : IDisposable
{
    private readonly FileStream _file;
    private readonly TextReader _reader;

    public CsvReader(string path)
    {
        _file = File.OpenRead(path);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary>Share of the file read so far (0..1), for the progress bar.</summary>
    public double Progress => _file.Length == 0 ? 1 : (double)_file.Position / _file.Length;

    public IEnumerable<string[]> Rows()
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = _reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch != '"')
                    field.Append(ch);
                else if (_reader.Peek() == '"')
                    field.Append((char)_reader.Read());
                else
                    quoted = false;
                continue;
            }
            switch (ch)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields.ToArray();
                    fields.Clear();
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }
}

using System.Globalization;

namespace Streaming.Bench;

/// <summary>Options of a scenario's command line: <c>--name value</c>.</summary>
public static class BenchArgs
{
    public static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int Int(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}

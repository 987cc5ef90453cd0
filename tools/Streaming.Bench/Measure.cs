using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Streaming.Bench;

/// <summary>Figures every scenario reports the same way: rate, latency percentiles, CPU and memory.</summary>
public static class Measure
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var rank = p / 100 * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static long RssBytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    public static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>The 1, 5 and 15 minute load averages, printed next to figures a busy machine would move.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>CPU seconds a Redis server used so far (user + system, INFO cpu); 0 when the engine does not report it (Garnet).</summary>
    public static async Task<double> RedisCpuSecondsAsync(IServer server)
    {
        try
        {
            var info = await server.InfoAsync("cpu");
            return info.SelectMany(g => g).Where(kv => kv.Key is "used_cpu_user" or "used_cpu_sys")
                .Sum(kv => double.Parse(kv.Value, CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is RedisException or FormatException)
        {
            return 0;
        }
    }

    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}

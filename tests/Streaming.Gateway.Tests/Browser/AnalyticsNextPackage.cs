using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Streaming.Gateway.Tests.Browser;

/// <summary>
/// analytics.js as web sites load it: the browser bundles of the npm package
/// <c>@segment/analytics-next</c> (MIT, Segment), fetched once with <c>npm pack</c> into a cache
/// folder outside the repository (<c>~/.cache/streaming/test-assets/</c>, or
/// <c>$STREAMING_TEST_ASSETS</c>).
/// </summary>
public static class AnalyticsNextPackage
{
    public const string Name = "@segment/analytics-next";
    public const string Version = "1.84.3";

    public static string? NpmPath =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "npm")).FirstOrDefault(File.Exists);

    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static string CacheFolder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("STREAMING_TEST_ASSETS");
            var root = !string.IsNullOrWhiteSpace(configured)
                ? configured
                : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "streaming", "test-assets");
            return Path.Combine(root, $"analytics-next-{Version}");
        }
    }

    /// <summary>The folder holding dist/umd's JavaScript files (index.js and its lazily loaded chunks).</summary>
    public static async Task<string> EnsureAsync()
    {
        var bundles = Path.Combine(CacheFolder, "umd");
        if (File.Exists(Path.Combine(bundles, "index.js")))
            return bundles;
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(bundles, "index.js")))
                return bundles;
            var npm = NpmPath ?? throw new InvalidOperationException(ChromiumBrowser.Missing);
            var work = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(CacheFolder)!, ".fetch-" + Guid.NewGuid().ToString("N")[..12])).FullName;
            try
            {
                var start = new ProcessStartInfo(npm) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[] { "pack", $"{Name}@{Version}", "--pack-destination", work })
                    start.ArgumentList.Add(argument);
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"npm pack {Name}@{Version} failed ({process.ExitCode}): {await errors}{await output}");

                var unpacked = Directory.CreateDirectory(Path.Combine(work, "umd")).FullName;
                await using (var file = File.OpenRead(Directory.GetFiles(work, "*.tgz").Single()))
                await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                await using (var tar = new TarReader(gzip))
                {
                    while (await tar.GetNextEntryAsync() is { } entry)
                    {
                        // The browser bundles and the licence; the source maps and gzip copies are not needed.
                        if (entry.Name.StartsWith("package/dist/umd/", StringComparison.Ordinal) && entry.Name.EndsWith(".js", StringComparison.Ordinal)
                            || entry.Name == "package/LICENSE")
                        {
                            await entry.ExtractToFileAsync(Path.Combine(unpacked, Path.GetFileName(entry.Name)), overwrite: true);
                        }
                    }
                }
                Directory.CreateDirectory(CacheFolder);
                if (Directory.Exists(bundles))
                    Directory.Delete(bundles, recursive: true);
                Directory.Move(unpacked, bundles);
                return bundles;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}

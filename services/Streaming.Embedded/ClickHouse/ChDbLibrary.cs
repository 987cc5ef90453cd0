using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Finds libchdb.so (the ClickHouse engine as a library) and fetches it once with npm when it
/// is missing. The library is ~566 MB, so it lives in a cache folder outside the repository:
/// <c>~/.cache/streaming/chdb/&lt;version&gt;/libchdb.so</c>, or wherever
/// <c>STREAMING_CHDB_LIB</c> points. <c>scripts/fetch-chdb.sh</c> does the same fetch for CI.
/// </summary>
public static class ChDbLibrary
{
    /// <summary>Version of the npm package the library comes from; keep in step with scripts/fetch-chdb.sh.</summary>
    public const string Version = "26.7.3-stable.1";

    public const string PackageName = "@chdb/lib-linux-x64-gnu";

    /// <summary>Environment variable naming an existing libchdb.so to use instead of the cache.</summary>
    public const string LibraryPathVariable = "STREAMING_CHDB_LIB";

    /// <summary>Environment variable overriding the cache root (default ~/.cache/streaming/chdb).</summary>
    public const string CacheRootVariable = "STREAMING_CHDB_CACHE";

    private const string LibraryFileName = "libchdb.so";
    private const string WorkFolderPrefix = ".fetch-";
    private static readonly SemaphoreSlim FetchGate = new(1, 1);

    public static string CacheRoot
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(CacheRootVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var cache = string.IsNullOrWhiteSpace(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(cache, "streaming", "chdb");
        }
    }

    /// <summary>Where the fetched library is kept for <see cref="Version"/>.</summary>
    public static string CachedLibraryPath => Path.Combine(CacheRoot, Version, LibraryFileName);

    /// <summary>The library path from <c>STREAMING_CHDB_LIB</c>, else the cache; null when neither has it.</summary>
    public static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable(LibraryPathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        return File.Exists(CachedLibraryPath) ? CachedLibraryPath : null;
    }

    /// <summary>
    /// Returns the library path, downloading the npm package into the cache first when needed;
    /// throws with <see cref="TryEnsureAsync"/>'s explanation when it cannot.
    /// </summary>
    public static async Task<string> EnsureAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var lookup = await TryEnsureAsync(progress, cancellationToken);
        return lookup.Path ?? throw new InvalidOperationException(lookup.Problem);
    }

    /// <summary>
    /// Finds the library, downloading the npm package into the cache first when needed. When that
    /// is impossible the answer says why and what to do. Progress lines go to
    /// <paramref name="progress"/> (standard error when null).
    /// </summary>
    public static async Task<ChDbLibraryLookup> TryEnsureAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= line => Console.Error.WriteLine(line);
        var configured = Environment.GetEnvironmentVariable(LibraryPathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? ChDbLibraryLookup.Found(Path.GetFullPath(configured))
                : ChDbLibraryLookup.Unavailable(
                    $"{LibraryPathVariable} is set to '{configured}' but no file is there; point it at libchdb.so or unset it to use the cache ({CachedLibraryPath}).");
        }

        if (File.Exists(CachedLibraryPath))
        {
            return ChDbLibraryLookup.Found(CachedLibraryPath);
        }

        await FetchGate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(CacheRoot);
            // Another process (a second host, a parallel test run, scripts/fetch-chdb.sh) may be
            // fetching too: one at a time, and whoever comes second finds the library there.
            using var processLock = await AcquireFileLockAsync(Path.Combine(CacheRoot, ".fetch.lock"), progress, cancellationToken);
            return File.Exists(CachedLibraryPath)
                ? ChDbLibraryLookup.Found(CachedLibraryPath)
                : await FetchAsync(progress, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ChDbLibraryLookup.Unavailable(
                $"could not write chDB {Version} into the cache {CacheRoot}: {ex.Message} " +
                $"It needs about 750 MB while unpacking. Free some space or set {CacheRootVariable} to a writable folder, then run again.");
        }
        finally
        {
            FetchGate.Release();
        }
    }

    /// <summary>Downloads and unpacks the library; runs only while holding the cache's fetch lock.</summary>
    private static async Task<ChDbLibraryLookup> FetchAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var npm = FindOnPath("npm");
        if (npm is null)
        {
            return ChDbLibraryLookup.Unavailable(
                $"the ClickHouse engine (libchdb.so, chDB {Version}) is not in {CachedLibraryPath} yet, and npm, which downloads it once " +
                $"(package {PackageName}, ~178 MB), is not installed. Install npm (Debian/Ubuntu: 'sudo apt-get install -y npm'; " +
                $"or Node.js from nodejs.org) and run the same command again, or set {LibraryPathVariable} to an existing libchdb.so.");
        }

        RemoveAbandonedWorkFolders();
        // The work folder sits in the cache root, on the cache's file system, so the final rename is atomic.
        var work = Directory.CreateDirectory(Path.Combine(CacheRoot, WorkFolderPrefix + Guid.NewGuid().ToString("N")[..12])).FullName;
        try
        {
            progress($"chdb: downloading {PackageName}@{Version} (~178 MB, once) with npm into {work}");
            var npmErrors = await RunNpmPackAsync(npm, work, progress, cancellationToken);
            if (npmErrors is not null)
            {
                return ChDbLibraryLookup.Unavailable(
                    $"downloading the ClickHouse engine failed: 'npm pack {PackageName}@{Version}' {npmErrors}. " +
                    "Check the network and npm's registry setting ('npm config get registry'; a proxy needs 'npm config set proxy'), then run the same command again " +
                    $"(or scripts/fetch-chdb.sh), or set {LibraryPathVariable} to an existing libchdb.so.");
            }

            var tarball = Directory.GetFiles(work, "*.tgz").SingleOrDefault();
            if (tarball is null)
            {
                return ChDbLibraryLookup.Unavailable($"npm pack {PackageName}@{Version} reported success but left no .tgz in {work}; run the same command again, or run scripts/fetch-chdb.sh.");
            }

            progress($"chdb: unpacking {LibraryFileName} (~566 MB) from {Path.GetFileName(tarball)}");
            var partial = Path.Combine(work, LibraryFileName);
            if (!await ExtractLibraryAsync(tarball, partial, cancellationToken))
            {
                return ChDbLibraryLookup.Unavailable($"{Path.GetFileName(tarball)} holds no package/{LibraryFileName}; is the npm registry serving the real {PackageName}@{Version}?");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(CachedLibraryPath)!);
            // A rename on one file system: nobody ever sees a half-written library.
            File.Move(partial, CachedLibraryPath, overwrite: true);
            progress($"chdb: ready at {CachedLibraryPath}");
            return ChDbLibraryLookup.Found(CachedLibraryPath);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs npm pack; null when it succeeded, else what went wrong (its exit code and last error lines).</summary>
    private static async Task<string?> RunNpmPackAsync(string npm, string work, Action<string> progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "pack", $"{PackageName}@{Version}", "--loglevel=http", "--pack-destination", work })
        {
            start.ArgumentList.Add(argument);
        }

        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Line(string? line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            var isError = line.StartsWith("npm error", StringComparison.Ordinal) || line.StartsWith("npm ERR!", StringComparison.Ordinal);
            // npm prints the JavaScript stack and the error object's fields indented under its
            // error: a newcomer needs the code and the reason, which are on the lines before.
            var detail = isError ? line[(line.StartsWith("npm error", StringComparison.Ordinal) ? 9 : 8)..] : "";
            if (detail.StartsWith("  ", StringComparison.Ordinal) || detail.Trim() is "}" or "")
            {
                return;
            }

            progress("npm: " + line);
            if (isError)
            {
                errors.Enqueue(line);
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"could not be started ({npm}: {ex.Message})";
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode == 0)
        {
            return null;
        }

        var told = errors.Where(e => !e.Contains("A complete log of this run", StringComparison.Ordinal)).Take(4).ToList();
        return $"failed with exit code {process.ExitCode}" + (told.Count > 0 ? $" ({string.Join(" / ", told)})" : " (see the npm lines above)");
    }

    /// <summary>Work folders of a fetch that was killed; safe to remove because the caller holds the fetch lock.</summary>
    private static void RemoveAbandonedWorkFolders()
    {
        foreach (var abandoned in Directory.EnumerateDirectories(CacheRoot, WorkFolderPrefix + "*"))
        {
            Directory.Delete(abandoned, recursive: true);
        }
    }

    private static async Task<bool> ExtractLibraryAsync(string tarball, string destination, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.Name is "package/" + LibraryFileName && entry.DataStream is not null)
            {
                await using var output = File.Create(destination);
                await entry.DataStream.CopyToAsync(output, cancellationToken);
                return true;
            }
        }

        return false;
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, Action<string> progress, CancellationToken cancellationToken)
    {
        var told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                if (!told)
                {
                    progress($"chdb: another process is fetching the library ({path}); waiting");
                    told = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}

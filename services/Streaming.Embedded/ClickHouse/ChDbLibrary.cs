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
    /// Returns the library path, downloading the npm package into the cache first when needed.
    /// Progress lines go to <paramref name="progress"/> (standard error when null).
    /// </summary>
    public static async Task<string> EnsureAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= line => Console.Error.WriteLine(line);
        var configured = Environment.GetEnvironmentVariable(LibraryPathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new FileNotFoundException(
                    $"{LibraryPathVariable} is set to '{configured}' but no file is there; point it at libchdb.so or unset it to use the cache ({CachedLibraryPath}).",
                    configured);
        }

        if (File.Exists(CachedLibraryPath))
        {
            return CachedLibraryPath;
        }

        await FetchGate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(CacheRoot);
            // Another process (a parallel test run, CI's script) may be fetching too: one at a time.
            using var processLock = await AcquireFileLockAsync(Path.Combine(CacheRoot, ".fetch.lock"), progress, cancellationToken);
            if (!File.Exists(CachedLibraryPath))
            {
                await FetchAsync(progress, cancellationToken);
            }

            return CachedLibraryPath;
        }
        finally
        {
            FetchGate.Release();
        }
    }

    private static async Task FetchAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var npm = FindOnPath("npm") ?? throw new InvalidOperationException(
            $"libchdb.so (chDB {Version}) is not in {CachedLibraryPath} and npm is not installed to download it. " +
            $"Install npm and run scripts/fetch-chdb.sh, or set {LibraryPathVariable} to an existing libchdb.so.");

        var work = Directory.CreateTempSubdirectory(Path.Combine(CacheRoot, ".fetch-")).FullName;
        try
        {
            progress($"chdb: downloading {PackageName}@{Version} (~178 MB) with npm into {work}");
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

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {npm}");
            process.OutputDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) { progress("npm: " + e.Data); } };
            process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) { progress("npm: " + e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"npm pack {PackageName}@{Version} failed with exit code {process.ExitCode} (see the npm lines above). " +
                    $"Run scripts/fetch-chdb.sh to retry, or set {LibraryPathVariable} to an existing libchdb.so.");
            }

            var tarball = Directory.GetFiles(work, "*.tgz").Single();
            progress($"chdb: unpacking {LibraryFileName} (~566 MB) from {Path.GetFileName(tarball)}");
            var partial = Path.Combine(work, LibraryFileName);
            await ExtractLibraryAsync(tarball, partial, cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(CachedLibraryPath)!);
            // A rename on one file system: nobody ever sees a half-written library.
            File.Move(partial, CachedLibraryPath, overwrite: true);
            progress($"chdb: ready at {CachedLibraryPath}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task ExtractLibraryAsync(string tarball, string destination, CancellationToken cancellationToken)
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
                return;
            }
        }

        throw new InvalidDataException($"{Path.GetFileName(tarball)} holds no package/{LibraryFileName}; is {PackageName}@{Version} the right package?");
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

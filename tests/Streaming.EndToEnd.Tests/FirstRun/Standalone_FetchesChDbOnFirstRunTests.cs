using Streaming.Embedded.ClickHouse;

namespace Streaming.EndToEnd.Tests.FirstRun;

/// <summary>
/// The README's first command on a machine whose chDB cache is empty, run as a real process:
/// when the engine cannot be fetched the newcomer reads what to do (not a stack trace), and two
/// hosts fetching into one cache at the same time leave one intact library.
/// </summary>
public sealed class Standalone_FetchesChDbOnFirstRunTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("streaming-first-run-");

    private string Cache => Path.Combine(_root.FullName, "chdb-cache");

    [Fact]
    public async Task Standalone_says_how_to_install_npm_when_the_chdb_cache_is_empty_and_npm_is_missing()
    {
        var emptyPath = Directory.CreateDirectory(Path.Combine(_root.FullName, "bin-without-npm")).FullName;
        using var host = StandaloneProcess.Start(["--data", Path.Combine(_root.FullName, "data")], Environment(("PATH", emptyPath)));

        var exit = await host.WaitForExitAsync(ProcessTimeout);

        Assert.Equal(1, exit);
        var error = string.Join('\n', host.Errors);
        Assert.Contains("Streaming cannot start", error, StringComparison.Ordinal);
        Assert.Contains("npm", error, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y npm", error, StringComparison.Ordinal);
        Assert.Contains(ChDbLibrary.LibraryPathVariable, error, StringComparison.Ordinal);
        AssertNoStackTrace(host);
        AssertCacheHoldsNothingHalfWritten();
    }

    [Theory]
    [InlineData("registry answering 500", "E500")]
    [InlineData("registry port closed", "ECONNREFUSED")]
    public async Task Standalone_says_what_to_check_when_downloading_chdb_fails(string failure, string npmCode)
    {
        await using var failing = failure.Contains("500", StringComparison.Ordinal) ? await LoopbackNpmRegistry.FailingWith500Async() : null;
        var registry = failing?.Url ?? LoopbackNpmRegistry.ClosedPort();
        using var host = StandaloneProcess.Start(["--data", Path.Combine(_root.FullName, "data")], Environment(("npm_config_registry", registry.ToString())));

        var exit = await host.WaitForExitAsync(ProcessTimeout);

        Assert.Equal(1, exit);
        var error = string.Join('\n', host.Errors);
        Assert.Contains("downloading the ClickHouse engine failed", error, StringComparison.Ordinal);
        Assert.Contains(npmCode, error, StringComparison.Ordinal);
        Assert.Contains("npm config get registry", error, StringComparison.Ordinal);
        Assert.Contains("run the same command again", error, StringComparison.Ordinal);
        if (failing is not null)
            Assert.True(failing.Requests > 0, "npm never asked the loopback registry, so this test did not exercise a failed download");
        AssertNoStackTrace(host);
        AssertCacheHoldsNothingHalfWritten();
    }

    [Fact]
    public async Task Two_hosts_fetching_into_one_empty_cache_download_once_and_leave_one_intact_library()
    {
        await using var registry = await LoopbackNpmRegistry.ServingTheChDbPackageAsync();
        var environment = Environment(("npm_config_registry", registry.Url.ToString()));
        // The tarball is held until one host reports that it waits for the other: the two fetches
        // overlap every time, on any machine.
        void ReleaseWhenOneWaits(string line)
        {
            if (line.Contains("another process is fetching", StringComparison.Ordinal))
                registry.ReleaseTarball.TrySetResult();
        }
        using var first = StandaloneProcess.Start(["--fetch-chdb"], environment, ReleaseWhenOneWaits);
        using var second = StandaloneProcess.Start(["--fetch-chdb"], environment, ReleaseWhenOneWaits);

        var exits = await Task.WhenAll(first.WaitForExitAsync(ProcessTimeout), second.WaitForExitAsync(ProcessTimeout));

        Assert.True(exits.All(e => e == 0), $"exit codes {string.Join(", ", exits)}:\n{first.AllText}\n---\n{second.AllText}");
        var library = Path.Combine(Cache, ChDbLibrary.Version, "libchdb.so");
        Assert.Equal(library, first.Output.Last());
        Assert.Equal(library, second.Output.Last());
        Assert.Equal(registry.Library, await File.ReadAllBytesAsync(library));
        Assert.Equal(1, registry.TarballRequests);
        Assert.Contains(first.Output.Concat(second.Output), l => l.Contains("another process is fetching", StringComparison.Ordinal));
        AssertCacheHoldsNothingHalfWritten();
    }

    /// <summary>The newcomer's environment: an empty cache, a fresh home (no npm cache or config), npm failing fast.</summary>
    private Dictionary<string, string?> Environment(params (string Name, string Value)[] overrides)
    {
        var home = Directory.CreateDirectory(Path.Combine(_root.FullName, "home")).FullName;
        var environment = new Dictionary<string, string?>
        {
            [ChDbLibrary.CacheRootVariable] = Cache,
            [ChDbLibrary.LibraryPathVariable] = null,
            ["HOME"] = home,
            ["XDG_CACHE_HOME"] = null,
            ["npm_config_cache"] = Path.Combine(home, ".npm"),
            // npm's default is two retries 10 s and 60 s apart; the message is the same without them.
            ["npm_config_fetch_retries"] = "0",
            ["npm_config_update_notifier"] = "false",
        };
        foreach (var (name, value) in overrides)
            environment[name] = value;
        return environment;
    }

    private static void AssertNoStackTrace(StandaloneProcess host)
    {
        Assert.DoesNotContain("Unhandled exception", host.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Output.Concat(host.Errors), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal));
    }

    private void AssertCacheHoldsNothingHalfWritten()
    {
        if (!Directory.Exists(Cache))
            return;
        Assert.Empty(Directory.EnumerateDirectories(Cache, ".fetch-*"));
        Assert.Empty(Directory.EnumerateFiles(Cache, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(Cache, "*.tgz", SearchOption.AllDirectories));
    }

    public void Dispose() => _root.Delete(recursive: true);
}

using System.Reflection;
using System.Runtime.InteropServices;

namespace Streaming.Embedded.Kafka;

/// <summary>
/// Loads the librdkafka build that works on this machine, once per process, and makes
/// Confluent.Kafka's clients use that same copy. On linux-x64 that is
/// <c>centos8-librdkafka.so</c> (the plain <c>librdkafka.so</c> in the package needs
/// libsasl2.so.3, which Debian does not ship), so the mock cluster and every producer,
/// consumer and admin client share one library.
/// </summary>
/// <remarks>
/// Call <see cref="EnsureLoaded"/> before the first Confluent.Kafka client is built.
/// Do not call <c>Confluent.Kafka.Library.Load(path)</c> on Linux without it: that method
/// P/Invokes "libdl", which only exists as libdl.so.2 on Debian, and throws.
/// </remarks>
public static class KafkaNative
{
    private static readonly Lazy<(string Path, IntPtr Handle)> Loaded = new(Load);

    /// <summary>Full path of the librdkafka file loaded into the process.</summary>
    public static string LibraryPath => Loaded.Value.Path;

    internal static IntPtr Handle => Loaded.Value.Handle;

    /// <summary>Loads librdkafka and redirects Confluent.Kafka to it; later calls do nothing.</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    private static (string Path, IntPtr Handle) Load()
    {
        var candidates = CandidatePaths().ToList();
        foreach (var path in candidates)
        {
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
            {
                RedirectConfluentKafka(handle);
                return (path, handle);
            }
        }

        throw new DllNotFoundException(
            "No loadable librdkafka found. Tried: " + string.Join(", ", candidates) +
            ". The files come with the Confluent.Kafka package (librdkafka.redist); make sure the " +
            "project references Confluent.Kafka and that runtimes/<rid>/native is in the output folder.");
    }

    private static IEnumerable<string> CandidatePaths()
    {
        // Self-contained builds first: centos8 only needs glibc; alpine is for musl.
        string[] names =
            OperatingSystem.IsLinux() ? ["centos8-librdkafka.so", "librdkafka.so", "alpine-librdkafka.so"]
            : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"]
            : ["librdkafka.dll"];
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

        // A framework-dependent build keeps runtimes/<rid>/native; a RID-specific publish
        // flattens the native files next to the assemblies.
        string[] folders =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", $"{os}-{arch}", "native"),
            AppContext.BaseDirectory,
        ];
        return folders.SelectMany(folder => names.Select(name => Path.Combine(folder, name)));
    }

    private static void RedirectConfluentKafka(IntPtr librdkafka)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else already installed a resolver for Confluent.Kafka. Its own probing
            // falls back to centos8-librdkafka.so when librdkafka.so does not load, so it
            // still ends up with a working library.
        }

        IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
        {
            "librdkafka" or "centos8-librdkafka" or "alpine-librdkafka" => librdkafka,
            "libdl" when OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out var libdl) => libdl,
            _ => IntPtr.Zero,
        };
    }
}

using System.Reflection;

namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>The repository checkout the tests run in, found from the test assembly upwards.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) =>
        System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        // Tests may build into an artifacts folder outside the repository, so the folder the
        // project was built from (stamped into the assembly) comes first.
        var builtFrom = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        var starts = new[] { Environment.GetEnvironmentVariable("STREAMING_REPO_ROOT"), builtFrom,
            AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (var start in starts.Where(s => !string.IsNullOrEmpty(s)).Cast<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Streaming.sln"))
                    && Directory.Exists(System.IO.Path.Combine(dir.FullName, "charts")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            "Could not find the repository root (a folder with Streaming.sln and charts/) above " +
            $"{string.Join(", ", starts)}. Set STREAMING_REPO_ROOT to the checkout.");
    }
}

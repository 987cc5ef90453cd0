using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// A start that cannot succeed for a reason the person can fix ends with one sentence naming the
/// setting and the fix, exit code 1, and no stack trace.
/// </summary>
public sealed class StandaloneProcess_StartupProblemsTests
{
    [Fact]
    public async Task Standalone_refuses_a_short_write_key_naming_the_variable()
    {
        var (exitCode, output) = await RunAsync(FreePort(), ("STREAMING_WRITE_KEY", "short"));

        Assert.Equal(1, exitCode);
        Assert.Contains("Streaming cannot start: STREAMING_WRITE_KEY has 5 characters", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standalone_names_the_port_options_when_its_http_port_is_taken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunAsync(port);

        Assert.Equal(1, exitCode);
        // One line says it all (the generic host and librdkafka may log around it).
        Assert.Contains(output.Split('\n'), line => line.StartsWith("Streaming cannot start:", StringComparison.Ordinal)
            && line.Contains("--http-port", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(int httpPort, params (string Name, string Value)[] environment)
    {
        var data = Path.Combine(Path.GetTempPath(), "streaming-startup-problem-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Streaming.Standalone.dll"), "--data", data,
            "--http-port", Port(httpPort), "--grpc-port", Port(FreePort()), "--clickhouse-port", Port(FreePort()), "--redis-port", Port(FreePort()),
        })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Generous: the host starts its engines before it binds the HTTP port.
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

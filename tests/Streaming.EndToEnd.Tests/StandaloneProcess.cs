using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// The real standalone host as a user runs it: <c>dotnet Streaming.Standalone.dll</c> in its own
/// process on a data folder and free loopback ports, which a test can kill (SIGKILL) or stop (SIGTERM)
/// and start again on the same folder. A port found free can be taken by another program before the
/// process binds it (the machine runs other suites): the process then refuses to start with its
/// "address already in use" sentence, and the start is tried again on fresh ports, so clients must
/// read <see cref="HttpUrl"/> and <see cref="Admin"/> after each start.
/// </summary>
internal sealed class StandaloneProcess : IDisposable
{
    public const string WriteKey = "wk_test_crash_recovery_0001";
    public const string AdminKey = "ak_test_crash_recovery_0001";
    public const string ClickHousePassword = "ch_test_crash_recovery_0001";

    private const int PortAttempts = 5;
    private const string PortInUse = "address already in use";

    private readonly StringBuilder _output = new();
    private int _grpcPort;
    private int _clickHousePort;
    private int _redisPort;
    private int _schemaRegistryPort;
    private Process? _process;

    public StandaloneProcess(string name)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), $"streaming-process-{name}-" + Guid.NewGuid().ToString("N"));
        ChoosePorts();
    }

    public string DataDirectory { get; }
    public int HttpPort { get; private set; }
    public Uri HttpUrl => new($"http://127.0.0.1:{HttpPort}/");
    public Uri ClickHouseUrl => new($"http://127.0.0.1:{_clickHousePort}/");
    public HttpClient Admin { get; private set; } = null!;
    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.Length > 6000 ? _output.ToString(_output.Length - 6000, 6000) : _output.ToString();
        }
    }

    public async Task StartAsync()
    {
        Assert.True(HasExited, "the previous process still runs");
        for (var attempt = 1; ; attempt++)
        {
            int outputBefore;
            lock (_output)
                outputBefore = _output.Length;
            if (await TryStartAsync())
                return;
            string printed;
            lock (_output)
                printed = _output.ToString(outputBefore, _output.Length - outputBefore);
            Assert.True(attempt < PortAttempts && printed.Contains(PortInUse, StringComparison.Ordinal),
                $"the standalone process exited with {_process!.ExitCode} while starting:\n{Output}");
            Append($"---- a port was taken by another program; starting again on fresh ports (attempt {attempt + 1}) ----");
            ChoosePorts();
        }
    }

    private void ChoosePorts()
    {
        HttpPort = FreePort();
        _grpcPort = FreePort();
        _clickHousePort = FreePort();
        _redisPort = FreePort();
        _schemaRegistryPort = FreePort();
        Admin?.Dispose();
        Admin = new HttpClient { BaseAddress = HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Admin.DefaultRequestHeaders.Add("X-Tenant", "default");
    }

    /// <summary>Starts the process and waits for /readyz; false when it exited while starting.</summary>
    private async Task<bool> TryStartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Streaming.Standalone.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[]
        {
            dll, "--data", DataDirectory,
            "--http-port", Port(HttpPort), "--grpc-port", Port(_grpcPort), "--clickhouse-port", Port(_clickHousePort), "--redis-port", Port(_redisPort),
            "--schema-registry-port", Port(_schemaRegistryPort),
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["STREAMING_WRITE_KEY"] = WriteKey;
        start.Environment["STREAMING_ADMIN_KEY"] = AdminKey;
        start.Environment["STREAMING_CLICKHOUSE_PASSWORD"] = ClickHousePassword;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        using var probe = new HttpClient { BaseAddress = HttpUrl, Timeout = TimeSpan.FromSeconds(5) };
        // Generous: a restart replays the journal and the machine may be shared with anything.
        var deadline = DateTime.UtcNow.AddSeconds(600);
        while (true)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // flushes the redirected output
                return false;
            }
            try
            {
                if ((await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                    return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"the standalone process did not become ready:\n{Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>kill -9: no chance to flush or commit anything.</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync();
        Append("---- SIGKILL ----");
    }

    /// <summary>SIGTERM, as a service manager stops it; waits (generously) until the process is gone.</summary>
    public async Task TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await _process.WaitForExitAsync(limit.Token);
        Append($"---- SIGTERM, exit code {_process.ExitCode} ----");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        Admin.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

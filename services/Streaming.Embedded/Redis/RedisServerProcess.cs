using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Streaming.Embedded.Redis;

/// <summary>
/// A real redis-server (Debian's package, found on PATH) run as a child process on a
/// 127.0.0.1 port. It stops when disposed, and also when this process dies without disposing
/// it: the server's stdin is a pipe from us, and a watcher next to it sends SIGTERM once that
/// pipe closes.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private const int FreePortAttempts = 3;
    private const int OutputLinesKept = 40;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly Queue<string> _output;
    private readonly bool _ownsDataDirectory;
    private bool _disposed;

    private RedisServerProcess(Process process, Queue<string> output, int port, string dataDirectory, bool ownsDataDirectory)
    {
        this._process = process;
        this._output = output;
        this._ownsDataDirectory = ownsDataDirectory;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    /// <summary>The server's working folder (AOF, dump files).</summary>
    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    /// <summary>StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Full path of redis-server when it is on PATH, otherwise null.</summary>
    public static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);
    }

    public static bool IsInstalled => FindExecutable() is not null;

    /// <summary>What to do when it is missing.</summary>
    public const string NotInstalled = "redis-server is not on PATH: install it (Debian/Ubuntu: 'sudo apt-get install -y redis-server') to run the tests against real Redis.";

    public static async Task<RedisServerProcess> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisServerOptions();
        var executable = options.Executable ?? FindExecutable()
            ?? throw new InvalidOperationException(NotInstalled);

        var ownsDataDirectory = options.DataDirectory is null;
        var dataDirectory = options.DataDirectory is null
            ? Directory.CreateTempSubdirectory("streaming-redis-").FullName
            : Directory.CreateDirectory(options.DataDirectory).FullName;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = options.Port != 0 ? options.Port : LoopbackPort.Free();
                try
                {
                    return await StartOnAsync(executable, port, dataDirectory, ownsDataDirectory, options.AppendOnly, cancellationToken);
                }
                catch (PortTakenException) when (options.Port == 0 && attempt < FreePortAttempts)
                {
                    // Someone took the port between the probe and the bind: pick another.
                }
            }
        }
        catch
        {
            if (ownsDataDirectory)
            {
                TryDeleteDirectory(dataDirectory);
            }

            throw;
        }
    }

    private static async Task<RedisServerProcess> StartOnAsync(
        string executable, int port, string dataDirectory, bool ownsDataDirectory, bool appendOnly, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The watcher subshell waits for EOF on our stdin pipe (we close it, or the kernel does
        // when this process dies) and then stops the server; `exec` makes the server keep the
        // shell's pid, so $$ is the server. The pipe goes through fd 3 because sh gives
        // background jobs /dev/null as stdin.
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec 3<&0; (cat <&3 >/dev/null; kill $$) >/dev/null 2>&1 & exec \"$0\" \"$@\" 3<&-");
        startInfo.ArgumentList.Add(executable);
        foreach (var argument in ServerArguments(port, dataDirectory, appendOnly))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new Queue<string>();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new RedisServerProcess(process, output, port, dataDirectory, ownsDataDirectory);
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Stop();
            throw;
        }
    }

    private static IEnumerable<string> ServerArguments(int port, string dataDirectory, bool appendOnly)
    {
        return
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", dataDirectory,
            "--daemonize", "no",
            "--logfile", "",
            "--loglevel", "warning",
            "--save", "",
            "--appendonly", appendOnly ? "yes" : "no",
            "--appendfsync", "everysec",
        ];
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                // Let the output readers drain what the server printed before it exited.
                await _process.WaitForExitAsync(cancellationToken);
                var log = Output();
                if (log.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new PortTakenException(Port);
                }

                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} while starting on 127.0.0.1:{Port}. Its output:\n{log}");
            }

            if (await AnswersPingAsync(timeout.Token))
            {
                return;
            }

            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"redis-server did not answer PING on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s. Its output:\n{Output()}");
            }
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    private static void Keep(Queue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > OutputLinesKept)
            {
                output.Dequeue();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stop();
        if (_ownsDataDirectory)
        {
            TryDeleteDirectory(DataDirectory);
        }
    }

    private void Stop()
    {
        try
        {
            // Closing stdin wakes the watcher, which sends SIGTERM: redis-server exits cleanly
            // (and flushes its AOF when it has one).
            _process.StandardInput.Close();
            if (!_process.WaitForExit(StopTimeout))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(StopTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class PortTakenException(int port) : Exception($"127.0.0.1:{port} is already in use.");
}

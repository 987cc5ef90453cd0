using System.Globalization;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging.Abstractions;

namespace Streaming.Embedded.Redis;

/// <summary>
/// Microsoft Garnet hosted in this process: a RESP server on 127.0.0.1 that StackExchange.Redis
/// talks to unchanged. Lua is on and every script runs as a transaction (its keys are locked
/// for the whole script), which is what makes a read-check-write script atomic; without
/// --lua-transaction-mode Garnet interleaves concurrent scripts.
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    private const int FreePortAttempts = 3;

    private readonly GarnetServer server;

    private EmbeddedGarnet(GarnetServer server, int port, string? dataDirectory)
    {
        this.server = server;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    /// <summary>Null when the server keeps data in memory only.</summary>
    public string? DataDirectory { get; }

    /// <summary>StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static EmbeddedGarnet Start(EmbeddedGarnetOptions? options = null)
    {
        options ??= new EmbeddedGarnetOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "EmbeddedGarnetOptions.Port must be between 0 and 65535.");
        }

        if (options.Port != 0)
        {
            return StartOn(options.Port, options);
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            try
            {
                return StartOn(port, options);
            }
            catch (InvalidOperationException) when (attempt < FreePortAttempts && LoopbackPort.IsListening(port))
            {
                // Someone took the port between the probe and the bind: pick another.
            }
        }
    }

    private static EmbeddedGarnet StartOn(int port, EmbeddedGarnetOptions options)
    {
        if (LoopbackPort.IsListening(port))
        {
            throw new InvalidOperationException($"Cannot start Garnet on 127.0.0.1:{port}: the port is already in use. Stop what listens there or choose another port.");
        }

        var dataDirectory = options.DataDirectory is null ? null : Path.GetFullPath(options.DataDirectory);
        var server = new GarnetServer(Arguments(port, dataDirectory, options.CheckpointInterval), options.LoggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            server.Start();
        }
        catch (SocketException e)
        {
            server.Dispose();
            throw new InvalidOperationException($"Cannot start Garnet on 127.0.0.1:{port}: {e.Message}", e);
        }

        return new EmbeddedGarnet(server, port, dataDirectory);
    }

    private static string[] Arguments(int port, string? dataDirectory, TimeSpan? checkpointInterval)
    {
        var args = new List<string>
        {
            "--bind", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--lua",
            "--lua-transaction-mode",
            "-q", // no banner on stdout
        };
        if (dataDirectory is not null)
        {
            Directory.CreateDirectory(dataDirectory);
            // RandomAccess: the default native device needs glibc 2.38 (Debian 12 has 2.36).
            args.AddRange(["--aof", "--recover", "--checkpointdir", dataDirectory, "--device-type", "RandomAccess"]);
            if (checkpointInterval is { } interval)
            {
                var seconds = Math.Max(1, (int)interval.TotalSeconds);
                args.AddRange(["--checkpoint-freq", seconds.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        return [.. args];
    }

    public void Dispose() => server.Dispose();
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Streaming.Embedded.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Streaming.Embedded.Redis;

/// <summary>
/// Microsoft Garnet hosted in this process: a RESP server (on 127.0.0.1 unless told otherwise, with a password when given) that StackExchange.Redis
/// talks to unchanged. Lua is on and every script runs as a transaction (its keys are locked
/// for the whole script), which is what makes a read-check-write script atomic; without
/// --lua-transaction-mode Garnet interleaves concurrent scripts.
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    private const int FreePortAttempts = 3;

    private readonly GarnetServer _server;

    private readonly EmbeddedGarnetOptions _options;

    private EmbeddedGarnet(GarnetServer server, int port, string? dataDirectory, EmbeddedGarnetOptions options)
    {
        this._server = server;
        this._options = options;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    /// <summary>Null when the server keeps data in memory only.</summary>
    public string? DataDirectory { get; }

    /// <summary>StackExchange.Redis configuration string for this server, with the password when one is set.</summary>
    public string ConnectionString => _options.Password is null
        ? string.Create(CultureInfo.InvariantCulture, $"{ConnectHost}:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{ConnectHost}:{Port},password={_options.Password}");

    /// <summary>Whether clients must authenticate.</summary>
    public bool RequiresPassword => _options.Password is not null;

    /// <summary>Where clients connect: the bound address, or loopback when every interface is bound.</summary>
    private string ConnectHost => ListenAddress.ConnectHost(IPAddress.Parse(_options.ListenAddress));

    public static EmbeddedGarnet Start(EmbeddedGarnetOptions? options = null)
    {
        options ??= new EmbeddedGarnetOptions();
        ListenAddress.Parse(options.ListenAddress, "EmbeddedGarnetOptions.ListenAddress");
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
            catch (InvalidOperationException) when (attempt < FreePortAttempts)
            {
                // Someone took the port between the probe and the bind (tests run in parallel): pick another.
            }
        }
    }

    private static EmbeddedGarnet StartOn(int port, EmbeddedGarnetOptions options)
    {
        if (LoopbackPort.IsListening(port))
        {
            throw new InvalidOperationException($"Cannot start Garnet on {options.ListenAddress}:{port}: the port is already in use. Stop what listens there or choose another port.");
        }

        var dataDirectory = options.DataDirectory is null ? null : Path.GetFullPath(options.DataDirectory);
        var server = new GarnetServer(Arguments(port, dataDirectory, options), options.LoggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            server.Start();
        }
        catch (Exception e) when (e is SocketException || e.InnerException is SocketException)
        {
            // Garnet wraps the bind failure in its own GarnetException.
            server.Dispose();
            throw new InvalidOperationException($"Cannot start Garnet on {options.ListenAddress}:{port}: {e.Message}", e);
        }

        return new EmbeddedGarnet(server, port, dataDirectory, options);
    }

    private static string[] Arguments(int port, string? dataDirectory, EmbeddedGarnetOptions options)
    {
        var checkpointInterval = options.CheckpointInterval;
        var args = new List<string>
        {
            "--bind", options.ListenAddress,
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--lua",
            "--lua-transaction-mode",
            "-q", // no banner on stdout
        };
        if (options.Password is not null)
        {
            // In-process arguments: the password never appears in a process listing.
            args.AddRange(["--auth", "Password", "--password", options.Password]);
        }

        if (dataDirectory is not null)
        {
            Directory.CreateDirectory(dataDirectory);
            // RandomAccess: the default native device needs glibc 2.38 (Debian 12 has 2.36).
            args.AddRange(["--aof", "--recover", "--checkpointdir", dataDirectory, "--device-type", "RandomAccess"]);
            if (options.WaitForAofCommit)
                args.Add("--aof-commit-wait");
            if (checkpointInterval is { } interval)
            {
                var seconds = Math.Max(1, (int)interval.TotalSeconds);
                args.AddRange(["--checkpoint-freq", seconds.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        return [.. args];
    }

    public void Dispose() => _server.Dispose();
}

using System.Globalization;

namespace Streaming.Standalone;

/// <summary>How the standalone host runs: ports, data folder, credentials. Every value is overridable.</summary>
public sealed record StandaloneOptions
{
    public const int DefaultHttpPort = 8080;
    public const int DefaultGrpcPort = 8081;
    public const int DefaultClickHousePort = 8123;
    public const int DefaultRedisPort = 6380;

    /// <summary>Data folder: the Kafka journal, ClickHouse tables and the Redis append-only file live here.</summary>
    public string DataDirectory { get; init; } = Path.GetFullPath(".streaming");
    /// <summary>Address every endpoint binds to (loopback by default).</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";
    public int HttpPort { get; init; } = DefaultHttpPort;
    public int GrpcPort { get; init; } = DefaultGrpcPort;
    public int ClickHousePort { get; init; } = DefaultClickHousePort;
    public int RedisPort { get; init; } = DefaultRedisPort;
    public int KafkaBrokers { get; init; } = 1;
    /// <summary>How long a clean stop waits for the services to finish what is on the topics (--drain-seconds).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Write key of the demo source (tenant default, source demo); from STREAMING_WRITE_KEY, else generated once and kept in the data folder.</summary>
    public string? WriteKey { get; init; }
    /// <summary>Admin key; from STREAMING_ADMIN_KEY, else generated once and kept in the data folder.</summary>
    public string? AdminKey { get; init; }
    /// <summary>Password of the embedded ClickHouse's <c>default</c> user (the services'); from STREAMING_CLICKHOUSE_PASSWORD, else generated once and kept in the data folder.</summary>
    public string? ClickHousePassword { get; init; }
    /// <summary>Password of the embedded ClickHouse's read-only <c>bi</c> user; from STREAMING_CLICKHOUSE_BI_PASSWORD, else generated once and kept in the data folder.</summary>
    public string? ClickHouseBiPassword { get; init; }
    /// <summary>Only make sure the ClickHouse engine (libchdb.so) is in its cache, print its path and exit (<c>--fetch-chdb</c>).</summary>
    public bool FetchChDbOnly { get; init; }
    /// <summary>Extra configuration (Section:Key=value) passed to every service.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Parses <c>--data DIR --http-port N --grpc-port N --clickhouse-port N --redis-port N --listen ADDR</c>; other args go to configuration.</summary>
    public static StandaloneOptions Parse(string[] args)
    {
        var options = new StandaloneOptions
        {
            WriteKey = Environment.GetEnvironmentVariable("STREAMING_WRITE_KEY"),
            AdminKey = Environment.GetEnvironmentVariable("STREAMING_ADMIN_KEY"),
            ClickHousePassword = NonEmpty(Environment.GetEnvironmentVariable("STREAMING_CLICKHOUSE_PASSWORD")),
            ClickHouseBiPassword = NonEmpty(Environment.GetEnvironmentVariable("STREAMING_CLICKHOUSE_BI_PASSWORD")),
        };
        var configuration = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextPort()
            {
                var name = args[i];
                var value = Next();
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                    ? port
                    : throw new ArgumentException($"{name} must be a port number (1-65535), got '{value}'.");
            }
            int NextSeconds()
            {
                var name = args[i];
                var value = Next();
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 3600
                    ? seconds
                    : throw new ArgumentException($"{name} must be a number of seconds (0-3600), got '{value}'.");
            }
            options = args[i] switch
            {
                "--data" => options with { DataDirectory = Path.GetFullPath(Next()) },
                "--listen" => options with { ListenAddress = Next() },
                "--http-port" => options with { HttpPort = NextPort() },
                "--grpc-port" => options with { GrpcPort = NextPort() },
                "--clickhouse-port" => options with { ClickHousePort = NextPort() },
                "--redis-port" => options with { RedisPort = NextPort() },
                "--drain-seconds" => options with { DrainTimeout = TimeSpan.FromSeconds(NextSeconds()) },
                "--fetch-chdb" => options with { FetchChDbOnly = true },
                _ when args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=', StringComparison.Ordinal) =>
                    AddSetting(options, configuration, args[i][2..]),
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Known: --data, --listen, --http-port, --grpc-port, --clickhouse-port, --redis-port, --drain-seconds, --fetch-chdb, --Section:Key=value."),
            };
        }
        return options with { Configuration = configuration };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static StandaloneOptions AddSetting(StandaloneOptions options, Dictionary<string, string?> configuration, string setting)
    {
        var split = setting.IndexOf('=', StringComparison.Ordinal);
        configuration[setting[..split]] = setting[(split + 1)..];
        return options;
    }
}

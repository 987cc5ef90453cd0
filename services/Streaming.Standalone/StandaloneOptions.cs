using System.Globalization;

namespace Streaming.Standalone;

/// <summary>How the standalone host runs: ports, data folder, credentials. Every value is overridable.</summary>
public sealed record StandaloneOptions
{
    public const int DefaultHttpPort = 8080;
    public const int DefaultGrpcPort = 8081;
    public const int DefaultClickHousePort = 8123;
    public const int DefaultRedisPort = 6380;
    /// <summary>Not the registry's usual 8081: the gRPC ingest has it.</summary>
    public const int DefaultSchemaRegistryPort = 8085;

    /// <summary>Data folder: the Kafka journal, ClickHouse tables and the Redis append-only file live here.</summary>
    public string DataDirectory { get; init; } = Path.GetFullPath(".streaming");
    /// <summary>
    /// Address HTTP, gRPC, ClickHouse, Redis and the Schema Registry bind to (loopback by default; the in-memory Kafka, which has
    /// no authentication, always stays on loopback). A non-loopback address is refused while an endpoint lacks authentication.
    /// </summary>
    public string ListenAddress { get; init; } = "127.0.0.1";
    public int HttpPort { get; init; } = DefaultHttpPort;
    public int GrpcPort { get; init; } = DefaultGrpcPort;
    public int ClickHousePort { get; init; } = DefaultClickHousePort;
    public int RedisPort { get; init; } = DefaultRedisPort;
    public int SchemaRegistryPort { get; init; } = DefaultSchemaRegistryPort;
    public int KafkaBrokers { get; init; } = 1;
    /// <summary>How long a clean stop waits for the services to finish what is on the topics (--drain-seconds).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Write key of the demo source (tenant default, source demo); from STREAMING_WRITE_KEY, else generated once and kept in the data folder.</summary>
    public string? WriteKey
    {
        get => Secrets.GetValueOrDefault(Credentials.WriteKey.Name);
        init => Secrets = WithSecret(Credentials.WriteKey, value);
    }

    /// <summary>Bootstrap admin key; from STREAMING_ADMIN_KEY, else generated once and kept hashed in the data folder.</summary>
    public string? AdminKey
    {
        get => Secrets.GetValueOrDefault(Credentials.AdminKey.Name);
        init => Secrets = WithSecret(Credentials.AdminKey, value);
    }

    /// <summary>Given credentials by <see cref="CredentialField.Name"/> (from their environment variables); the others come from the data folder or are generated.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--new-admin-key</c>: replace the stored admin key with a new one, shown once (when the old one is lost).</summary>
    public bool NewAdminKey { get; init; }
    /// <summary>Only make sure the ClickHouse engine (libchdb.so) is in its cache, print its path and exit (<c>--fetch-chdb</c>).</summary>
    public bool FetchChDbOnly { get; init; }
    /// <summary>Extra configuration (Section:Key=value) passed to every service.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Parses <c>--data DIR --http-port N --grpc-port N --clickhouse-port N --redis-port N --schema-registry-port N --listen ADDR</c>; other args go to configuration.
    /// A wrong flag, or flags that clash (<see cref="StandaloneOptionsValidator"/>), throw <see cref="ArgumentException"/> naming them (exit code 2).
    /// </summary>
    public static StandaloneOptions Parse(string[] args)
    {
        var options = new StandaloneOptions
        {
            Secrets = Credentials.Fields
                .Where(f => f.EnvironmentVariable is not null && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(f.EnvironmentVariable)))
                .ToDictionary(f => f.Name, f => Environment.GetEnvironmentVariable(f.EnvironmentVariable!)!),
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
            string NextAddress()
            {
                var value = Next();
                return System.Net.IPAddress.TryParse(value, out _)
                    ? value
                    : throw new ArgumentException($"--listen must be an IP address (127.0.0.1, 0.0.0.0, 192.168.1.10, ::), got '{value}'.");
            }
            options = args[i] switch
            {
                "--data" => options with { DataDirectory = Path.GetFullPath(Next()) },
                "--listen" => options with { ListenAddress = NextAddress() },
                "--new-admin-key" => options with { NewAdminKey = true },
                "--http-port" => options with { HttpPort = NextPort() },
                "--grpc-port" => options with { GrpcPort = NextPort() },
                "--clickhouse-port" => options with { ClickHousePort = NextPort() },
                "--redis-port" => options with { RedisPort = NextPort() },
                "--schema-registry-port" => options with { SchemaRegistryPort = NextPort() },
                "--drain-seconds" => options with { DrainTimeout = TimeSpan.FromSeconds(NextSeconds()) },
                "--fetch-chdb" => options with { FetchChDbOnly = true },
                _ when args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=', StringComparison.Ordinal) =>
                    AddSetting(options, configuration, args[i][2..]),
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Known: --data, --listen, --new-admin-key, --http-port, --grpc-port, --clickhouse-port, --redis-port, --schema-registry-port, --drain-seconds, --fetch-chdb, --Section:Key=value."),
            };
        }
        options = options with { Configuration = configuration };
        var validation = new StandaloneOptionsValidator().Validate(null, options);
        return validation.Failed ? throw new ArgumentException(validation.FailureMessage) : options;
    }

    private Dictionary<string, string> WithSecret(CredentialField field, string? value)
    {
        var secrets = new Dictionary<string, string>(Secrets);
        if (value is null)
            secrets.Remove(field.Name);
        else
            secrets[field.Name] = value;
        return secrets;
    }

    private static StandaloneOptions AddSetting(StandaloneOptions options, Dictionary<string, string?> configuration, string setting)
    {
        var split = setting.IndexOf('=', StringComparison.Ordinal);
        configuration[setting[..split]] = setting[(split + 1)..];
        return options;
    }
}

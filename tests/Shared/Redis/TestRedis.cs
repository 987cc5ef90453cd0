using Streaming.Embedded.Redis;
using Testcontainers.Redis;

namespace Streaming.Tests.Helpers;

/// <summary>
/// A fresh, empty Redis for one test or fixture: the real redis-server when it is on PATH
/// (CI installs it, and under CI=true it is required), Garnet in-process otherwise. Set STREAMING_TEST_REDIS to "garnet" or
/// "redis-server" to choose, or pass the engine. With STREAMING_TEST_INFRA=containers, redis-server
/// is a Redis container (Testcontainers.Redis) instead of a local process.
/// </summary>
public sealed class TestRedis : IDisposable
{
    /// <summary>Environment variable that picks the engine <see cref="StartAsync(CancellationToken)"/> uses.</summary>
    public const string EngineVariable = "STREAMING_TEST_REDIS";

    private readonly IDisposable _server;

    private TestRedis(RedisEngine engine, string connectionString, IDisposable server)
    {
        Engine = engine;
        ConnectionString = connectionString;
        this._server = server;
    }

    public RedisEngine Engine { get; }

    /// <summary>"redis-server" or "garnet", for test output.</summary>
    public string EngineName => Engine == RedisEngine.RedisServer
        ? TestInfra.Selected == TestInfraKind.Containers ? "redis-server (container)" : "redis-server"
        : "garnet";

    /// <summary>StackExchange.Redis configuration string (host:port).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// What tests connect with: <see cref="ConnectionString"/> with a minute for every command
    /// instead of StackExchange.Redis' 5 s, so a busy machine makes a test slower, never failed
    /// (thousands of queued scripts on 2 shared cores took over 5 s under load).
    /// </summary>
    public string ClientConfiguration => ConnectionString + ",syncTimeout=60000,asyncTimeout=60000";

    /// <summary>The engine <see cref="StartAsync(CancellationToken)"/> picks on this machine.</summary>
    public static RedisEngine DefaultEngine =>
        Environment.GetEnvironmentVariable(EngineVariable)?.Trim().ToLowerInvariant() switch
        {
            null or "" => RedisServerProcess.IsInstalled || TestPrerequisites.Enforced || TestInfra.Selected == TestInfraKind.Containers
                ? RedisEngine.RedisServer
                : RedisEngine.Garnet,
            "garnet" => RedisEngine.Garnet,
            "redis-server" or "redis" => RedisEngine.RedisServer,
            var other => throw new InvalidOperationException($"{EngineVariable}='{other}' is not an engine; use 'garnet' or 'redis-server'."),
        };

    public static Task<TestRedis> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(DefaultEngine, cancellationToken);

    public static async Task<TestRedis> StartAsync(RedisEngine engine, CancellationToken cancellationToken = default)
    {
        switch (engine)
        {
            case RedisEngine.RedisServer when TestInfra.Selected == TestInfraKind.Containers:
                var endpoint = await ContainerInfrastructure.RequireDockerAsync(null, cancellationToken);
                var container = new RedisBuilder(ContainerInfrastructure.RedisImage).WithDockerEndpoint(endpoint).Build();
                await container.StartAsync(cancellationToken);
                return new TestRedis(engine, container.GetConnectionString(), new ContainerLease(container));
            case RedisEngine.RedisServer:
                var process = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
                return new TestRedis(engine, process.ConnectionString, process);
            case RedisEngine.Garnet:
                var garnet = EmbeddedGarnet.Start();
                return new TestRedis(engine, garnet.ConnectionString, garnet);
            default:
                throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown Redis engine.");
        }
    }

    public void Dispose() => _server.Dispose();

    /// <summary>Stops and removes a container when the TestRedis is disposed (tests dispose synchronously).</summary>
    private sealed class ContainerLease(RedisContainer container) : IDisposable
    {
        public void Dispose() => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

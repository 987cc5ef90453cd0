using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;
using Streaming.Embedded.Redis;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Resilience;

namespace Streaming.ServiceDefaults.Tests.Resilience;

/// <summary>
/// The redis-script pipeline against a real redis-server that is stopped and started again on the
/// same port. The client fails fast while disconnected, so only the pipeline can bridge the outage.
/// </summary>
public sealed class RedisScriptPipeline_OutageTests
{
    private const string Increment = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

    [RedisServerFact]
    public async Task RedisScriptPipeline_runs_the_script_once_redis_is_back_when_redis_restarts()
    {
        var server = await RedisServerProcess.StartAsync();
        var port = server.Port;
        using var redis = await ConnectAsync(server.ConnectionString);
        server.Dispose();
        var logs = new CapturedLogs();
        using var loggerFactory = new LoggerFactory([logs]);
        var options = new ResilienceOptions();
        options.RedisScript.MaxRetryAttempts = 50;
        options.RedisScript.BaseDelay = TimeSpan.FromMilliseconds(100);
        options.RedisScript.MaxDelay = TimeSpan.FromMilliseconds(500);
        options.RedisScript.BreakerEnabled = false;
        var pipeline = ResiliencePipelines.CreateProvider(options, loggerFactory).GetPipeline(ResiliencePipelines.RedisScript);

        var call = pipeline.ExecuteAsync(async _ => (long)await redis.GetDatabase().ScriptEvaluateAsync(Increment, ["counter"], [5]), CancellationToken.None).AsTask();
        await logs.WaitForAsync("redis-script: attempt");
        using var restarted = await RedisServerProcess.StartAsync(new RedisServerOptions { Port = port });

        Assert.Equal(5, await call.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(5, (long)await redis.GetDatabase().StringGetAsync("counter"));
    }

    [RedisServerFact]
    public async Task RedisScriptPipeline_opens_the_circuit_when_redis_stays_down()
    {
        var server = await RedisServerProcess.StartAsync();
        using var redis = await ConnectAsync(server.ConnectionString);
        server.Dispose();
        var logs = new CapturedLogs();
        using var loggerFactory = new LoggerFactory([logs]);
        var options = new ResilienceOptions();
        options.RedisScript.MaxRetryAttempts = 0;
        options.RedisScript.BreakerMinimumThroughput = 2;
        options.RedisScript.BreakerFailureRatio = 0.5;
        options.RedisScript.BreakDuration = TimeSpan.FromMinutes(5);
        var pipeline = ResiliencePipelines.CreateProvider(options, loggerFactory).GetPipeline(ResiliencePipelines.RedisScript);
        Task<long> Call() => pipeline.ExecuteAsync(async _ => (long)await redis.GetDatabase().ScriptEvaluateAsync(Increment, ["counter"], [1]), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<RedisConnectionException>(Call);
        await Assert.ThrowsAsync<RedisConnectionException>(Call);
        var broken = await Assert.ThrowsAsync<BrokenCircuitException>(Call);

        Assert.Equal(1, logs.Count("redis-script: circuit opened"));
        // The consumer runtime waits on an open circuit instead of dead-lettering the message.
        Assert.True(TransientFailures.IsTransient(broken));
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        // Fail at once while disconnected instead of queueing: the pipeline, not the client's backlog, bridges the outage.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectRetry = 1;
        return await ConnectionMultiplexer.ConnectAsync(configuration);
    }
}

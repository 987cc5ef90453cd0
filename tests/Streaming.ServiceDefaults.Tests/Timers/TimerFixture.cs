using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.Embedded.Redis;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Tests.Consumers;
using Streaming.ServiceDefaults.Timers;

namespace Streaming.ServiceDefaults.Tests.Timers;

/// <summary>A fresh Redis, a Kafka topic whose consumers own the timers' partitions, and a clock the test moves.</summary>
public sealed class TimerFixture : IAsyncDisposable
{
    private readonly List<(ConsumerRuntime<ProfileChange> Runtime, TimerSweeper Sweeper)> _members = [];

    private TimerFixture(TestRedis redis, ConnectionMultiplexer connection)
    {
        Redis = redis;
        Connection = connection;
        Set = TimerSet.For("test-" + Guid.NewGuid().ToString("N")[..8], new Subscription<ProfileChange>(Kafka.Input, "timers-group"));
        Timers = new DurableTimers(connection, Set);
    }

    public static async Task<TimerFixture> StartAsync() 
    {
        var redis = await TestRedis.StartAsync();
        return new TimerFixture(redis, await ConnectionMultiplexer.ConnectAsync(redis.ClientConfiguration));
    }

    public KafkaFixture Kafka { get; } = new();
    public TestRedis Redis { get; }
    public ConnectionMultiplexer Connection { get; }
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public TimerSet Set { get; }
    public DurableTimers Timers { get; }
    public long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts one instance: a consumer-group member of the owner topic and the sweeper that follows its assignment.</summary>
    public async Task<ConsumerRuntime<ProfileChange>> StartMemberAsync(IDueTimerHandler handler)
    {
        var runtime = Kafka.Runtime(new RecordingHandler(), "timers-group");
        var sweeper = new TimerSweeper(Timers, runtime.Ownership, handler, Clock, NullLogger<TimerSweeper>.Instance);
        _members.Add((runtime, sweeper));
        await runtime.StartAsync(CancellationToken.None);
        await sweeper.StartAsync(CancellationToken.None);
        return runtime;
    }

    /// <summary>Moves the clock one sweep interval at a time until <paramref name="condition"/> holds.</summary>
    public async Task SweepUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}.");
            Clock.Advance(Set.SweepInterval);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (runtime, sweeper) in _members)
        {
            await sweeper.StopAsync(CancellationToken.None);
            await runtime.StopAsync(CancellationToken.None);
        }
        Connection.Dispose();
        Redis.Dispose();
        Kafka.Dispose();
    }
}

/// <summary>Records every timer it fires; optionally fails or sets the timer again while firing.</summary>
public sealed class RecordingTimerHandler : IDueTimerHandler
{
    public ConcurrentQueue<DueTimer> Fired { get; } = new();
    public Func<DueTimer, Task> OnFire { get; set; } = _ => Task.CompletedTask;

    public async Task FireAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        Fired.Enqueue(timer);
        await OnFire(timer);
    }
}

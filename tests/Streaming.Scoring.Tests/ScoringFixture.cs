using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.Profiles.Storage;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Scoring.Tests;

/// <summary>
/// One ClickHouse (chDB) and one Redis for the test project; every test gets its own analytics
/// database and tenant. Events are stored through the real analytics sink, profiles through the
/// real profile step and store, so both evaluators read what production writes.
/// </summary>
public sealed class ScoringFixture : IAsyncLifetime
{
    private ITestInfrastructure? _infrastructure;
    private TestRedis? _redis;

    public string ClickHouseConnectionString => _infrastructure?.ClickHouseConnectionString ?? throw new InvalidOperationException("The fixture is not started.");
    public IConnectionMultiplexer Redis { get; private set; } = null!;
    public string RedisConfiguration => _redis?.ClientConfiguration ?? throw new InvalidOperationException("The fixture is not started.");

    public async Task InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.StartAsync(TestServers.ClickHouse);
        _redis = await TestRedis.StartAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(_redis.ClientConfiguration);
    }

    /// <summary>A migrated analytics database no other test uses.</summary>
    public async Task<History> NewHistoryAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var options = new AnalyticsOptions { Database = "s_" + suffix, BiDatabase = "sbi_" + suffix, FlushIntervalMs = 0 };
        var session = new ClickHouseSession(Options.Create(new ClickHouseOptions { ConnectionString = ClickHouseConnectionString }), Options.Create(options));
        await new Migrator(session, NullLogger<Migrator>.Instance).MigrateAsync();
        return new History(session);
    }

    public ProfileStore Profiles() => new(Redis);

    public async Task DisposeAsync()
    {
        Redis?.Dispose();
        _redis?.Dispose();
        if (_infrastructure is not null)
            await _infrastructure.DisposeAsync();
    }
}

/// <summary>An analytics database: events go in through the events sink as one partition's batches.</summary>
public sealed class History(ClickHouseSession session)
{
    private long _nextOffset;

    public string Database => session.Database;
    public string ConnectionString => session.ConnectionString;

    internal async Task StoreAsync(IReadOnlyList<IdentifiedEvent> events)
    {
        var sink = new EventsPipeline(session, new InsertBatchStep(session), new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1));
        for (var start = 0; start < events.Count; start += 5_000)
        {
            var batch = events.Skip(start).Take(5_000)
                .Select(e => new InboundMessage<IdentifiedEvent>("events.identified", 0, _nextOffset++, e.Event.Tenant, e, DateTimeOffset.UtcNow, []))
                .ToList();
            await sink.HandleAsync(batch, CancellationToken.None);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ScoringCollection : ICollectionFixture<ScoringFixture>
{
    public const string Name = "Scoring";
}

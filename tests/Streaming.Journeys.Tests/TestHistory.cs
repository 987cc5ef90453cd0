using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Journeys.Tests;

/// <summary>
/// ClickHouse history for journeys tests: chDB (or a container), a migrated analytics database of the
/// test's own, filled through analytics' real sinks, and the settings that point the journeys service at it.
/// </summary>
public sealed class TestHistory : IAsyncDisposable
{
    /// <summary>
    /// The test classes that start a history: one chDB engine serves one data folder per process, so
    /// they run one after another (xUnit runs the classes of one collection in sequence).
    /// </summary>
    public const string Collection = "chDB history";

    private readonly ITestInfrastructure _infrastructure;
    private long _offset;

    private TestHistory(ITestInfrastructure infrastructure, AnalyticsOptions analytics, ClickHouseSession session)
    {
        _infrastructure = infrastructure;
        Analytics = analytics;
        Session = session;
    }

    public AnalyticsOptions Analytics { get; }
    public ClickHouseSession Session { get; }
    public string ConnectionString => _infrastructure.ClickHouseConnectionString;

    /// <summary>Settings for the journeys service: this ClickHouse and this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ClickHouse:ConnectionString"] = ConnectionString,
        ["Analytics:Database"] = Analytics.Database,
        ["Analytics:BiDatabase"] = Analytics.BiDatabase,
    };

    public static async Task<TestHistory> StartAsync()
    {
        var infrastructure = await TestInfrastructure.StartAsync(TestServers.ClickHouse);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var analytics = new AnalyticsOptions { Database = "j_" + suffix, BiDatabase = "jbi_" + suffix, FlushIntervalMs = 0 };
        var session = new ClickHouseSession(Options.Create(new ClickHouseOptions { ConnectionString = infrastructure.ClickHouseConnectionString }), Options.Create(analytics));
        await new Migrator(session, NullLogger<Migrator>.Instance).MigrateAsync();
        return new TestHistory(infrastructure, analytics, session);
    }

    public Task StoreAsync(params IdentifiedEvent[] events) =>
        new EventsPipeline(Session, new InsertBatchStep(Session), new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1))
            .HandleAsync([.. events.Select(e => Inbound("events.identified", e.Event.Tenant, e))], CancellationToken.None);

    /// <summary>Stores current traits (JSON values) as profiles.changes rows of person_traits.</summary>
    public Task StoreTraitsAsync(string tenant, long at, params (long Person, string Trait, string Json)[] traits) =>
        new ProfileChangesPipeline(new InsertBatchStep(Session)).HandleAsync([.. traits.Select(t => Inbound("profiles.changes", tenant, new ProfileChange
        {
            ChangeId = $"{t.Person}/{t.Trait}/{Guid.NewGuid():N}", Tenant = tenant, PersonId = t.Person, Kind = ProfileChangeKind.TraitChanged, Trait = t.Trait, NewValue = t.Json, At = at,
        }))], CancellationToken.None);

    private InboundMessage<T> Inbound<T>(string topic, string tenant, T value) => new(topic, 0, _offset++, tenant, value, DateTimeOffset.UtcNow, []);

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        await _infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(TestHistory.Collection)]
public sealed class TestHistoryCollection;

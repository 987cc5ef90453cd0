using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Queries;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.Embedded.ClickHouse;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Analytics.Tests;

/// <summary>One embedded ClickHouse (chDB) for the whole test project; every test gets its own databases.</summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    private readonly string dataPath = Path.Combine(Path.GetTempPath(), "streaming-analytics-tests-" + Guid.NewGuid().ToString("N"));

    public EmbeddedClickHouse Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await EmbeddedClickHouse.StartAsync(new EmbeddedClickHouseOptions { DataPath = dataPath });

    /// <summary>A migrated pair of databases (tables, BI views) no other test uses.</summary>
    public async Task<AnalyticsDatabase> NewDatabaseAsync(string? connectionString = null, int eventsTtlDays = 1095)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var options = new AnalyticsOptions { Database = "a_" + suffix, BiDatabase = "bi_" + suffix, FlushIntervalMs = 0, EventsTtlDays = eventsTtlDays };
        var session = new ClickHouseSession(Options.Create(new ClickHouseOptions { ConnectionString = connectionString ?? Server.ConnectionString }), Options.Create(options));
        var database = new AnalyticsDatabase(session, new Migrator(session, NullLogger<Migrator>.Instance));
        await database.Migrator.MigrateAsync();
        return database;
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }
}

public sealed record AnalyticsDatabase(ClickHouseSession Session, Migrator Migrator)
{
    public string Name => Session.Database;
    internal BatchWriter Writer { get; } = new(Session);
    internal EventsSink EventsSink() => new(Session, Writer, new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1));
    internal MergesSink MergesSink() => new(Session, Writer);
    internal ProfileChangesSink ProfileChangesSink() => new(Writer);
    public AnalyticsQueries Queries(TimeProvider? clock = null) => new(Session, clock ?? TimeProvider.System);

    public async Task<long> ScalarAsync(string sql)
    {
        using var connection = Session.Connect();
        using var command = connection.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Stores events through the events sink as one partition's batch starting at <paramref name="firstOffset"/>.</summary>
    internal async Task StoreAsync(IReadOnlyList<IdentifiedEvent> events, int partition = 0, long firstOffset = 0, string incarnation = "")
    {
        var sink = EventsSink();
        for (var start = 0; start < events.Count; start += 5_000)
        {
            var batch = events.Skip(start).Take(5_000)
                .Select((e, i) => new InboundMessage<IdentifiedEvent>("events.identified", partition, firstOffset + start + i, e.Event.Tenant, e, DateTimeOffset.UtcNow, []) { Incarnation = incarnation })
                .ToList();
            await sink.HandleAsync(batch, CancellationToken.None);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseFixture>
{
    public const string Name = "ClickHouse";
}

/// <summary>Hand-made events.</summary>
public static class Events
{
    public static IdentifiedEvent Track(string tenant, long person, string name, DateTimeOffset at, string properties = "{}", string? messageId = null) =>
        new(person, new TrackingEvent
        {
            MessageId = messageId ?? Guid.NewGuid().ToString(),
            Type = "track",
            Event = name,
            Tenant = tenant,
            Source = "test",
            UserId = "u" + person,
            Timestamp = at.ToUnixTimeMilliseconds(),
            ReceivedAt = at.ToUnixTimeMilliseconds(),
            Properties = properties,
        });

    public static DateTimeOffset Day(int month, int day, int hour = 12) => new(2024, month, day, hour, 0, 0, TimeSpan.Zero);
}

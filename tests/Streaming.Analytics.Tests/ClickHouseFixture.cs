using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streaming.Analytics;
using Streaming.Analytics.Pipeline;
using Streaming.Analytics.Queries;
using Streaming.Analytics.Schema;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Analytics.Tests;

/// <summary>
/// One ClickHouse for the whole test project (embedded chDB, or a container under
/// STREAMING_TEST_INFRA=containers); every test gets its own databases.
/// </summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    private ITestInfrastructure? _infrastructure;

    /// <summary>Connection string of the <c>default</c> user.</summary>
    public string ConnectionString => _infrastructure?.ClickHouseConnectionString ?? throw new InvalidOperationException("The ClickHouse fixture is not started.");

    /// <summary>The HTTP port on 127.0.0.1, for a <see cref="TcpGate"/> in front of it.</summary>
    public int Port => new ClickHouse.Driver.ADO.ClickHouseConnectionStringBuilder(ConnectionString).Port;

    public async Task InitializeAsync() =>
        _infrastructure = await TestInfrastructure.StartAsync(TestServers.ClickHouse);

    /// <summary>A migrated pair of databases (tables, BI views) no other test uses.</summary>
    public async Task<AnalyticsDatabase> NewDatabaseAsync(string? connectionString = null, int eventsTtlDays = 1095)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var options = new AnalyticsOptions { Database = "a_" + suffix, BiDatabase = "bi_" + suffix, FlushIntervalMs = 0, EventsTtlDays = eventsTtlDays };
        var session = new ClickHouseSession(Options.Create(new ClickHouseOptions { ConnectionString = connectionString ?? ConnectionString }), Options.Create(options));
        var database = new AnalyticsDatabase(session, new Migrator(session, NullLogger<Migrator>.Instance));
        await database.Migrator.MigrateAsync();
        return database;
    }

    public async Task DisposeAsync()
    {
        if (_infrastructure is not null)
            await _infrastructure.DisposeAsync();
    }
}

public sealed record AnalyticsDatabase(ClickHouseSession Session, Migrator Migrator)
{
    public string Name => Session.Database;
    internal InsertBatchStep Writer { get; } = new(Session);
    internal EventsPipeline EventsSink() => new(Session, Writer, new FlushPacing(TimeProvider.System, TimeSpan.Zero, 1));
    internal MergesPipeline MergesSink() => new(Session, Writer);
    internal ProfileChangesPipeline ProfileChangesSink() => new(Writer);
    internal MessageReceiptsPipeline MessageReceiptsSink() => new(Writer);
    public AnalyticsQueries Queries(TimeProvider? clock = null) => new(Session, clock ?? TimeProvider.System);

    public async Task<long> ScalarAsync(string sql)
    {
        using var connection = Session.Connect();
        using var command = connection.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The persons a condition selects as of <paramref name="asOf"/>, sorted, in the form the compiler
    /// chooses (<paramref name="bitmaps"/>) or always in the general form; and whether the bitmap form answered.
    /// </summary>
    internal async Task<(long[] Persons, bool Bitmaps)> AudienceAsync(string tenant, Streaming.Conditions.Model.ConditionDocument document, DateTimeOffset asOf, bool bitmaps = true)
    {
        var p = new Streaming.Analytics.Queries.SqlParameters();
        var (sql, problem) = Streaming.Analytics.Queries.TagConditionSql.Compile(document, p, Name, tenant, asOf, bitmaps: bitmaps);
        Assert.Null(problem);
        using var connection = Session.Connect();
        using var command = p.Command(connection, $"SELECT person_id FROM ({sql}) ORDER BY person_id");
        using var reader = await command.ExecuteReaderAsync();
        var persons = new List<long>();
        while (reader.Read())
            persons.Add(reader.GetInt64(0));
        return ([.. persons], sql!.Contains("groupBitmapStateIf", StringComparison.Ordinal));
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

    /// <summary>JSON as a request carries it (a filter, a condition).</summary>
    public static System.Text.Json.JsonElement Json(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement;

    /// <summary>A condition of the language (docs/conditions.md), bare, in UTC.</summary>
    public static Streaming.Conditions.Model.ConditionDocument Condition(string json) =>
        new(Streaming.Conditions.Parsing.ConditionParser.ParseCondition(Json(json)).GetValueOrThrow(), TimeZoneInfo.Utc);
}

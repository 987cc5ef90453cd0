using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Streaming.Analytics.Queries;
using Streaming.Conditions.Model;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Engine;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.History;

/// <summary>
/// Runs the scheduled-audience triggers: at each cron time (the journey's zone) the audience is
/// compiled by analytics' <see cref="TagConditionSql"/> as of that time and every selected person is
/// offered an entry. Once per run, across restarts, replays and instances:
/// <list type="bullet">
/// <item>Redis keeps each journey's next run (<c>journeys:schedule:&lt;tenant&gt;:&lt;journey&gt;</c>); it moves on only after a run finished.</item>
/// <item>A run is claimed with a lock that expires (<see cref="Lease"/>), so one instance runs it and another takes over if that one dies.</item>
/// <item>A run that is repeated (a crash before the next run was stored) applies to each person with
/// the fence <c>schedule/&lt;journey&gt;</c> at the run's time, which that person's state already holds: nothing enters twice.</item>
/// </list>
/// </summary>
public sealed partial class ScheduledAudiences(JourneyCatalog catalog, JourneyHistory history, PersonUpdater updater, JourneyEngine engine,
    IConnectionMultiplexer redis, TimeProvider time, ILogger<ScheduledAudiences> logger) : BackgroundService
{
    /// <summary>How often the runner looks for due runs.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed run stays claimed if its instance dies.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private const int Chunk = 500;
    private readonly string _owner = Guid.NewGuid().ToString("N");

    public static string Key(string tenant, string journeyId) => $"journeys:schedule:{tenant}:{journeyId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await catalog.CaughtUp.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var journey in catalog.All().ToList())
            {
                if (journey.Entering is not { Trigger: ScheduleTrigger trigger } definition)
                    continue;
                try
                {
                    await RunIfDueAsync(journey, definition, trigger, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next run is not stored: the run is tried again at the next check.
                    LogRunFailed(journey.Tenant, journey.Id, ex);
                }
            }
            await Task.Delay(CheckEvery, time, stoppingToken);
        }
    }

    /// <summary>Runs the journey's due run if there is one and this instance claims it.</summary>
    public async Task RunIfDueAsync(JourneyEntry journey, JourneyDefinition definition, ScheduleTrigger trigger, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var key = Key(journey.Tenant, journey.Id);
        var now = time.GetUtcNow();
        var stored = await db.HashGetAsync(key, "next");
        if (stored.IsNull)
        {
            // First sight of the journey: its first run is the next cron time, not a run in the past.
            if (Next(trigger, definition, now) is { } first)
                await db.HashSetAsync(key, "next", first.ToUnixTimeMilliseconds(), When.NotExists);
            return;
        }
        var run = (long)stored;
        if (run > now.ToUnixTimeMilliseconds())
            return;
        var claim = string.Create(CultureInfo.InvariantCulture, $"{key}:run:{run}");
        if (!await db.StringSetAsync(claim, _owner, Lease, When.NotExists))
            return;
        var runAt = DateTimeOffset.FromUnixTimeMilliseconds(run);
        var entered = await RunAsync(journey, definition, trigger, runAt, cancellationToken);
        // Missed runs are not made up one by one: the next run is the next cron time after now.
        var next = Next(trigger, definition, runAt > now ? runAt : now);
        var transaction = db.CreateTransaction();
        transaction.AddCondition(StackExchange.Redis.Condition.HashEqual(key, "next", run));
        _ = transaction.HashSetAsync(key, [new HashEntry("next", next?.ToUnixTimeMilliseconds() ?? long.MaxValue), new HashEntry("last", run), new HashEntry("lastEntered", entered)]);
        _ = transaction.KeyDeleteAsync(claim);
        await transaction.ExecuteAsync();
        LogRun(journey.Tenant, journey.Id, runAt, entered);
    }

    /// <summary>Offers the run's audience an entry; answers how many persons it selected.</summary>
    private async Task<long> RunAsync(JourneyEntry journey, JourneyDefinition definition, ScheduleTrigger trigger, DateTimeOffset runAt, CancellationToken cancellationToken)
    {
        if (!history.Configured)
            throw new InvalidOperationException(JourneyHistory.NotConfigured);
        var p = new SqlParameters();
        var (sql, problem) = TagConditionSql.Compile(new ConditionDocument(trigger.Audience, definition.TimeZone), p, history.Database, journey.Tenant, runAt, "trigger.schedule.condition");
        if (problem is not null)
            throw new InvalidOperationException($"Journey {journey.Tenant}/{journey.Id}: {problem}");
        var ms = runAt.ToUnixTimeMilliseconds();
        var fence = new InputFence("schedule/" + journey.Id, ms, null);
        var cause = string.Create(CultureInfo.InvariantCulture, $"schedule/{journey.Id}/{ms}");
        var persons = new List<long>(Chunk);
        long selected = 0;
        await foreach (var row in history.RowsAsync(p, $"SELECT person_id FROM ({sql}) ORDER BY person_id", cancellationToken))
        {
            persons.Add(Convert.ToInt64(row[0], CultureInfo.InvariantCulture));
            if (persons.Count == Chunk)
            {
                selected += await EnterAsync(journey, persons, fence, cause, ms, cancellationToken);
                persons.Clear();
            }
        }
        return selected + await EnterAsync(journey, persons, fence, cause, ms, cancellationToken);
    }

    private async Task<long> EnterAsync(JourneyEntry journey, List<long> persons, InputFence fence, string cause, long runAt, CancellationToken cancellationToken)
    {
        var applied = await Task.WhenAll(persons.Select(personId =>
            updater.ApplyAsync(journey.Tenant, personId, fence, cause, t => engine.OnSchedule(t, journey.Id, runAt))));
        await updater.ProduceAsync(applied, cancellationToken);
        return persons.Count;
    }

    private static DateTimeOffset? Next(ScheduleTrigger trigger, JourneyDefinition definition, DateTimeOffset after) =>
        trigger.Cron.GetNextOccurrence(after, definition.TimeZone);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled audience of journey {Tenant}/{JourneyId} failed; it is tried again")]
    private partial void LogRunFailed(string tenant, string journeyId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled audience of journey {Tenant}/{JourneyId} ran for {RunAt}: {Selected} persons selected")]
    private partial void LogRun(string tenant, string journeyId, DateTimeOffset runAt, long selected);
}

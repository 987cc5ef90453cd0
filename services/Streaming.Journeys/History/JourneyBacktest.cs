using System.Globalization;
using System.Text.Json;
using Streaming.Analytics.Queries;
using Streaming.Conditions.Model;
using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.History;

/// <summary>What one step would have done over the backtested history.</summary>
public sealed record BacktestStep(string Id, string Type, long Reached, long Messages, long Held, long Expired, long Suppressed);

/// <summary>A backtest's answer: who would have entered, and what each step would have requested after consent, caps and quiet hours.</summary>
public sealed record BacktestResult(long Persons, IReadOnlyList<BacktestStep> Steps);

/// <summary>
/// <c>POST /api/journeys/{id}/backtest</c>: the persons who would have entered a journey over
/// [from, to] of the stored history, and the messages each step would have requested.
/// <list type="bullet">
/// <item>Who enters is one condition compiled by analytics' <see cref="TagConditionSql"/> as of
/// <c>to</c>: "the latest trigger event is at or after <c>from</c>" and the journey's entry
/// condition (event and API triggers; "did A, then not B" also reads A and B of those persons and
/// keeps those with an A that no B followed within T; a scheduled audience compiles its condition
/// at every cron time in the range).</item>
/// <item>Each person then runs through the steps with the engine's own <see cref="StepRunner"/> on a
/// clock that jumps from wait to wait, with the traits ClickHouse keeps (consent, time zone), so
/// caps, quiet hours, consent and expiries apply as they do live. Nothing that would have come
/// after entering is known: waits time out, engagement branches take their other path, goals do
/// not convert.</item>
/// </list>
/// </summary>
public sealed class JourneyBacktest(JourneyHistory history, StepRunner runner)
{
    /// <summary>Runs of a scheduled audience a backtest evaluates at most.</summary>
    public const int MaxRuns = 400;

    /// <summary>Wakes one simulated instance may take (steps cannot loop; this bounds work).</summary>
    private const int MaxWakes = 200;

    /// <summary>The result, or a problem naming the part of the journey with no form over history.</summary>
    public async Task<(BacktestResult? Result, string? Problem)> RunAsync(string tenant, string journeyId, long version, JourneyDefinition definition,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (entries, problem) = definition.Trigger switch
        {
            EventTrigger trigger => await ByEventAsync(tenant, definition, trigger.Event, null, from, to, cancellationToken),
            ApiTrigger => await ByEventAsync(tenant, definition, ApiTriggerEvent(journeyId), null, from, to, cancellationToken),
            AbsenceTrigger trigger => await ByEventAsync(tenant, definition, trigger.Did, trigger, from, to, cancellationToken),
            ScheduleTrigger trigger => await ByScheduleAsync(tenant, definition, trigger, from, to, cancellationToken),
            _ => (null, "trigger: a tag or trait crossing is not kept as history events; backtest journeys triggered by an event, the API, \"did A, then not B\" or a schedule"),
        };
        if (problem is not null)
            return (null, problem);
        var traits = await TraitsAsync(tenant, entries!.Keys, cancellationToken);
        var counters = definition.Steps.ToDictionary(s => s.Id, _ => new long[5]);
        foreach (var (personId, enteredAt) in entries)
            Simulate(tenant, personId, journeyId, version, definition, enteredAt, traits.GetValueOrDefault(personId), counters);
        var steps = definition.Steps.Select(s =>
        {
            var c = counters[s.Id];
            return new BacktestStep(s.Id, StepType(s), c[0], c[1], c[2], c[3], c[4]);
        }).ToList();
        return (new BacktestResult(entries.Count, steps), null);
    }

    /// <summary>The event <c>POST /api/journeys/{id}/trigger</c> records (as <see cref="JourneyEngine.OnEvent"/> recognises it).</summary>
    private static EventFilter ApiTriggerEvent(string journeyId) =>
        new([JourneyEngine.TriggerEventName], [], [new PropertyPredicate(FieldPath.Property("journeyId"), ComparisonOperator.Eq, [Scalar.Of(journeyId)])]);

    /// <summary>Persons (and their entry time) whose trigger event fell in [from, to] and whose entry condition holds.</summary>
    private async Task<(Dictionary<long, long>? Entries, string? Problem)> ByEventAsync(string tenant, JourneyDefinition definition, EventFilter did,
        AbsenceTrigger? absence, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var triggered = new MetricCondition(new EventMetric(MetricFunction.Last, did), ComparisonOperator.Gte, [new LiteralOperand(Scalar.Of(from.ToUnixTimeMilliseconds()))]);
        var (persons, problem) = Compile(p, tenant, definition, triggered, to);
        if (problem is not null)
            return (null, problem);
        var filters = absence is null ? [did] : new[] { did, absence.ThenNot };
        var names = filters.Any(f => f.Names.Count == 0) ? null : filters.SelectMany(f => f.Names).Distinct(StringComparer.Ordinal).ToList();
        var until = absence is null ? to : to + absence.Within;
        // ResolvedEvents reads [from, to): one millisecond more keeps `to` itself.
        var events = ResolvedEvents.Sql(history.Database, p, tenant, from, until.AddMilliseconds(1), names, persons: persons);
        var sql = $"""
            SELECT pid, toUnixTimestamp64Milli(ts) AS ms, {Matches(did, p)} AS a, {(absence is null ? "0" : Matches(absence.ThenNot, p))} AS b
            FROM {events}
            WHERE a OR b
            ORDER BY pid, ms
            """;
        var entries = new Dictionary<long, long>();
        var (person, candidate) = (long.MinValue, (long?)null);
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        var within = (long)(absence?.Within.TotalMilliseconds ?? 0);
        await foreach (var row in history.RowsAsync(p, sql, cancellationToken))
        {
            var (pid, ms, a, b) = (Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt64(row[1], CultureInfo.InvariantCulture), Convert.ToBoolean(row[2], CultureInfo.InvariantCulture), Convert.ToBoolean(row[3], CultureInfo.InvariantCulture));
            if (pid != person)
            {
                Settle(entries, person, candidate, within);
                (person, candidate) = (pid, null);
            }
            if (entries.ContainsKey(pid))
                continue;
            if (absence is null)
            {
                if (a && ms >= fromMs && ms <= toMs)
                    entries[pid] = ms;
                continue;
            }
            // As live: one candidate at a time; a B at or after its A cancels it, its due time enters.
            if (candidate is { } started && ms > started + within)
            {
                Settle(entries, pid, candidate, within);
                continue;
            }
            if (b && candidate is not null)
                candidate = null;
            else if (a && candidate is null && ms >= fromMs && ms <= toMs)
                candidate = ms;
        }
        Settle(entries, person, candidate, within);
        return (entries, null);
    }

    private static void Settle(Dictionary<long, long> entries, long person, long? candidate, long within)
    {
        if (candidate is { } started && !entries.ContainsKey(person))
            entries[person] = started + within;
    }

    /// <summary>Persons the audience selects at each run in [from, to], entering at the first run that selects them.</summary>
    private async Task<(Dictionary<long, long>? Entries, string? Problem)> ByScheduleAsync(string tenant, JourneyDefinition definition, ScheduleTrigger trigger,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var runs = trigger.Cron.GetOccurrences(from.UtcDateTime, to.UtcDateTime, definition.TimeZone, fromInclusive: true, toInclusive: true).Take(MaxRuns + 1).ToList();
        if (runs.Count > MaxRuns)
            return (null, $"trigger.schedule.cron: runs more than {MaxRuns} times between from and to; backtest a shorter range");
        var entries = new Dictionary<long, long>();
        foreach (var run in runs)
        {
            var p = new SqlParameters();
            var at = new DateTimeOffset(run, TimeSpan.Zero);
            var (persons, problem) = Compile(p, tenant, definition, trigger.Audience, at);
            if (problem is not null)
                return (null, problem);
            await foreach (var row in history.RowsAsync(p, persons!, cancellationToken))
                entries.TryAdd(Convert.ToInt64(row[0], CultureInfo.InvariantCulture), at.ToUnixTimeMilliseconds());
        }
        return (entries, null);
    }

    /// <summary>The persons for whom the trigger's condition and the journey's entry condition hold as of <paramref name="asOf"/>.</summary>
    private (string? Sql, string? Problem) Compile(SqlParameters p, string tenant, JourneyDefinition definition, Condition triggered, DateTimeOffset asOf)
    {
        var condition = definition.Entry is { } entry ? new AllCondition([triggered, entry]) : triggered;
        return TagConditionSql.Compile(new ConditionDocument(condition, definition.TimeZone), p, history.Database, tenant, asOf, "trigger");
    }

    /// <summary>An event filter over a row of <see cref="ResolvedEvents"/> (name and where; the row has no type).</summary>
    private static string Matches(EventFilter filter, SqlParameters p)
    {
        var parts = new List<string>();
        if (filter.Names.Count > 0)
            parts.Add($"event IN {p.Strings(filter.Names)}");
        parts.AddRange(filter.Where.Select(w => TagConditionSql.EventPredicate(w, p)));
        return parts.Count == 0 ? "1" : "(" + string.Join(" AND ", parts) + ")";
    }

    /// <summary>The current traits of the persons (consent, time zone and whatever branches read), as ClickHouse keeps them.</summary>
    private async Task<Dictionary<long, Dictionary<string, JsonElement>>> TraitsAsync(string tenant, IEnumerable<long> persons, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, Dictionary<string, JsonElement>>();
        foreach (var chunk in persons.Chunk(10_000))
        {
            var p = new SqlParameters();
            var ids = string.Join(",", chunk.Select(id => p.Int64(id)));
            var sql = $"""
                SELECT person_id, trait, argMax(value, updated_at) FROM {history.Database}.person_traits FINAL
                WHERE tenant = {p.String(tenant)} AND person_id IN ({ids}) GROUP BY person_id, trait
                """;
            await foreach (var row in history.RowsAsync(p, sql, cancellationToken))
            {
                var value = Json((string)row[2]);
                if (value is null)
                    continue;
                var personId = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
                (result.TryGetValue(personId, out var traits) ? traits : result[personId] = [])[(string)row[1]] = value.Value;
            }
        }
        return result;
    }

    private static JsonElement? Json(string text)
    {
        try
        {
            var element = JsonElement.Parse(text);
            return element.ValueKind == JsonValueKind.Null ? null : element;
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }

    /// <summary>One person through the steps: entered at <paramref name="enteredAt"/>, woken at each wait's due time until the instance ends.</summary>
    private void Simulate(string tenant, long personId, string journeyId, long version, JourneyDefinition definition, long enteredAt,
        Dictionary<string, JsonElement>? traits, Dictionary<string, long[]> counters)
    {
        var state = new PersonState { Traits = traits ?? [] };
        var instance = JourneyInstance.Start("backtest", journeyId, version, definition, enteredAt, null, []);
        state.Instances.Add(instance);
        var t = new Transition(tenant, personId, state, enteredAt, "backtest");
        t.Emit(instance, JourneyEventKind.StepStarted, instance.StepId);
        runner.Run(t, instance, definition);
        Count(t, counters);
        for (var wake = 0; wake < MaxWakes && state.Instances.Contains(instance) && instance.Waiting is not null; wake++)
        {
            t = new Transition(tenant, personId, state, instance.WakeAt, "backtest");
            runner.Wake(t, instance, definition);
            Count(t, counters);
        }
    }

    private static void Count(Transition t, Dictionary<string, long[]> counters)
    {
        foreach (var e in t.Events)
        {
            if (e.StepId is null || !counters.TryGetValue(e.StepId, out var c))
                continue;
            var index = e.Kind switch
            {
                JourneyEventKind.StepStarted => 0,
                JourneyEventKind.MessageRequested => 1,
                JourneyEventKind.Capped or JourneyEventKind.Held => 2,
                JourneyEventKind.Expired => 3,
                JourneyEventKind.Suppressed => 4,
                _ => -1,
            };
            if (index >= 0)
                c[index]++;
        }
    }

    private static string StepType(JourneyStep step) => step switch
    {
        SendStep => "send",
        DelayStep => "delay",
        WaitUntilStep => "waitUntil",
        BranchStep => "branch",
        SplitStep => "split",
        UpdateProfileStep => "updateProfile",
        _ => "exit",
    };
}

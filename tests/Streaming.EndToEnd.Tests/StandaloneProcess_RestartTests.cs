using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// What a 200 from the standalone host is worth: a load of batches runs while the real process is
/// killed (SIGKILL) or stopped (SIGTERM) at a random moment, three times, each time started again on
/// the same data folder. Every event acknowledged with 200 must then be in ClickHouse exactly once
/// and counted exactly once in its person's profile, events sent after each restart arrive too, and
/// the source and tag defined before the first stop are still there.
/// </summary>
public sealed class StandaloneProcess_RestartTests
{
    private const int Users = 10;
    private const int EventsPerBatch = 20;
    private const int Rounds = 3;
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public Task Standalone_keeps_every_acknowledged_event_exactly_once_when_stopped_with_SIGTERM_under_load() =>
        RunAsync("SIGTERM", profilesExactlyOnce: true);

    /// <summary>
    /// After a kill, identity reads again what it had not committed and re-emits those events at new
    /// offsets: ClickHouse collapses them by message id (FINAL), the profiles by their window of
    /// recently applied message ids.
    /// </summary>
    [Fact]
    public Task Standalone_keeps_every_acknowledged_event_exactly_once_when_killed_with_SIGKILL_under_load() =>
        RunAsync("SIGKILL", profilesExactlyOnce: true);

    private static async Task RunAsync(string signal, bool profilesExactlyOnce)
    {
        using var system = new StandaloneProcess(signal.ToLowerInvariant());
        var sent = new ConcurrentDictionary<string, string>(); // messageId -> userId, every event ever sent
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var run = Guid.NewGuid().ToString("N")[..8];

        await system.StartAsync();
        var writeKey = await DefineSourceAndTagAsync(system);
        var sdk = Sdk(system, writeKey);

        for (var round = 0; round < Rounds; round++)
        {
            using var stopLoad = new CancellationTokenSource();
            var load = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
            {
                for (var batch = 0; !stopLoad.IsCancellationRequested; batch++)
                    await PostAsync(sdk, $"{run}-r{round}-w{worker}-b{batch}", sent, acknowledged);
            })).ToList();

            // Stop at a random moment once the load is flowing.
            await WaitAsync(() => acknowledged.Count >= (round + 1) * 200, "the load to be acknowledged", system);
            await Task.Delay(Random.Shared.Next(0, 1500));
            if (signal == "SIGKILL")
                await system.KillAsync();
            else
                await system.TerminateAsync();
            await stopLoad.CancelAsync();
            await Task.WhenAll(load);

            await system.StartAsync();
            // A new client per run of the process: its address may have moved (StandaloneProcess) and
            // no pooled connection of the stopped process is reused.
            sdk.Dispose();
            sdk = Sdk(system, writeKey);
            // Sent after the restart: must be accepted and arrive (no fence of the old run may hide them).
            // Retried with the same message ids, as a Segment SDK retries a batch on a 5xx or a broken
            // connection (the client's pooled connection may still point at the stopped process).
            var deadline = DateTime.UtcNow + Limit;
            string? refusal;
            while ((refusal = await PostAsync(sdk, $"{run}-r{round}-after", sent, acknowledged)) is not null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"a batch after restart {round + 1} was refused for {Limit.TotalSeconds:F0} s, last: {refusal}\n{system.Output}");
                await Task.Delay(250);
            }
        }

        sdk.Dispose();
        Assert.NotNull(await GetAsync(system, "/api/definitions/tags/crash-buyer"));
        var sources = (await GetAsync(system, "/api/sources"))!.AsArray();
        Assert.Contains(sources, s => (string?)s!["id"] == "crash-web");

        // ClickHouse: every acknowledged event once (and nothing twice, acknowledged or not).
        Dictionary<string, long> stored = [];
        await WaitAsync(async () =>
        {
            stored = await StoredAsync(system, run);
            return acknowledged.Keys.All(stored.ContainsKey);
        }, $"all {acknowledged.Count} acknowledged events to reach ClickHouse", system);
        Assert.Empty(stored.Where(s => s.Value != 1).Select(s => $"{s.Key} x{s.Value}"));
        Assert.All(stored.Keys, id => Assert.True(sent.ContainsKey(id), $"{id} was never sent"));

        // Profiles: each user's order count reaches the number of that user's events stored (and is exactly that when asked).
        for (var user = 0; user < Users; user++)
        {
            var userId = $"{run}-user-{user}";
            var expected = stored.Keys.Count(id => sent[id] == userId);
            Assert.True(expected >= acknowledged.Keys.Count(id => sent[id] == userId));
            long orders = -1;
            await WaitAsync(async () =>
            {
                var profile = await GetAsync(system, $"/api/profiles/lookup?type=userId&value={userId}");
                orders = profile?["metrics"]?["orders"]?.GetValue<long>() ?? -1;
                return orders >= expected;
            }, () => $"{userId}'s profile to count {expected} orders (last seen: {orders})", system);
            if (profilesExactlyOnce)
                Assert.Equal(expected, orders);
        }
    }

    private static HttpClient Sdk(StandaloneProcess system, string writeKey)
    {
        var sdk = new HttpClient { BaseAddress = system.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        sdk.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        return sdk;
    }

    private static async Task<string> DefineSourceAndTagAsync(StandaloneProcess system)
    {
        using var created = await system.Admin.PostAsync("/api/sources", Json("""{"id": "crash-web", "name": "Crash test web"}"""));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        using var tag = await system.Admin.PutAsync("/api/definitions/tags/crash-buyer",
            Json("""{"name": "Crash buyer", "condition": {"metric": {"fn": "count", "event": {"name": "Order Completed"}, "window": "30d"}, "op": "gte", "value": 1}}"""));
        Assert.True(tag.IsSuccessStatusCode, await tag.Content.ReadAsStringAsync());
        return (string)JsonNode.Parse(body)!["writeKey"]!;
    }

    /// <summary>Posts one batch; null when it was answered 200 (then every event in it is acknowledged), else why not.</summary>
    private static async Task<string?> PostAsync(HttpClient sdk, string batchId, ConcurrentDictionary<string, string> sent, ConcurrentDictionary<string, bool> acknowledged)
    {
        var events = new JsonArray();
        var ids = new List<string>();
        for (var i = 0; i < EventsPerBatch; i++)
        {
            var id = $"{batchId}-{i}";
            var userId = batchId[..batchId.IndexOf('-', StringComparison.Ordinal)] + $"-user-{i % Users}";
            sent[id] = userId;
            ids.Add(id);
            events.Add(new JsonObject
            {
                ["type"] = "track",
                ["event"] = "Order Completed",
                ["userId"] = userId,
                ["messageId"] = id,
                ["properties"] = new JsonObject { ["revenue"] = 1 },
            });
        }
        try
        {
            using var response = await sdk.PostAsync("/v1/batch", Json(new JsonObject { ["batch"] = events }.ToJsonString()));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var refusal = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                await Task.Delay(50);
                return refusal;
            }
            foreach (var id in ids)
                acknowledged[id] = true;
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Task.Delay(50);
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<Dictionary<string, long>> StoredAsync(StandaloneProcess system, string run)
    {
        using var clickHouse = new HttpClient { BaseAddress = system.ClickHouseUrl };
        clickHouse.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("default:" + StandaloneProcess.ClickHousePassword)));
        // FINAL: the table is a ReplacingMergeTree keyed by message id, which is how every reader sees it.
        var sql = $"SELECT message_id, count() FROM streaming.events FINAL WHERE tenant = 'default' AND startsWith(message_id, '{run}-') GROUP BY message_id FORMAT TSV";
        using var response = await clickHouse.PostAsync("/", new StringContent(sql));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    private static async Task<JsonNode?> GetAsync(StandaloneProcess system, string path)
    {
        using var response = await system.Admin.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task WaitAsync(Func<bool> condition, string what, StandaloneProcess system) =>
        WaitAsync(() => Task.FromResult(condition()), () => what, system);

    private static Task WaitAsync(Func<Task<bool>> condition, string what, StandaloneProcess system) =>
        WaitAsync(condition, () => what, system);

    /// <summary>Waits for the condition; on time-out names what did not happen (described after the last try) and the host's output.</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition, Func<string> what, StandaloneProcess system)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Within {Limit.TotalSeconds:F0} s: {what()} did not happen.\n{system.Output}");
            await Task.Delay(250);
        }
    }
}

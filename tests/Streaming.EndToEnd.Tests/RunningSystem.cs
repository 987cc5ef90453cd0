using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// A standalone host on a temp data folder and free ports, with an SDK-like client (write key)
/// and an admin client (admin key, tenant <c>default</c>), as a user of the product has them.
/// </summary>
internal sealed class RunningSystem : IAsyncDisposable
{
    public const string WriteKey = "wk_test_whole_system_0001";
    public const string AdminKey = "ak_test_whole_system_0001";
    private readonly string _data;

    private RunningSystem(StandaloneHost host, string data, TimeSpan readyAfter)
    {
        Host = host;
        _data = data;
        ReadyAfter = readyAfter;
        Sdk = new HttpClient { BaseAddress = host.HttpUrl };
        Sdk.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));
        Admin = new HttpClient { BaseAddress = host.HttpUrl };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Admin.DefaultRequestHeaders.Add("X-Tenant", "default");
    }

    public StandaloneHost Host { get; }
    public HttpClient Sdk { get; }
    public HttpClient Admin { get; }

    /// <summary>From the start call to the first 200 of /readyz.</summary>
    public TimeSpan ReadyAfter { get; }

    public static async Task<RunningSystem> StartAsync(string name, IReadOnlyDictionary<string, string>? configuration = null)
    {
        var data = Path.Combine(Path.GetTempPath(), $"streaming-e2e-{name}-" + Guid.NewGuid().ToString("N"));
        var options = new StandaloneOptions
        {
            DataDirectory = data,
            HttpPort = 0,
            GrpcPort = 0,
            ClickHousePort = 0,
            SchemaRegistryPort = 0,
            RedisPort = 0,
            WriteKey = WriteKey,
            AdminKey = AdminKey,
            Configuration = configuration?.ToDictionary(c => c.Key, c => (string?)c.Value) ?? new Dictionary<string, string?>(),
        };
        var clock = Stopwatch.StartNew();
        var host = await StandaloneHost.StartAsync(options);
        using var probe = new HttpClient { BaseAddress = host.HttpUrl };
        await Eventually.Async("/readyz answers 200", async () => (await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK ? "ready" : null, Eventually.Limit);
        return new RunningSystem(host, data, clock.Elapsed);
    }

    public static long WorkingSetBytes()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }

    public async Task<HttpResponseMessage> SendAsync(string path, string json) =>
        await Sdk.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>
    /// GET an admin API; null on 404 (not there yet) or 503 (a dependency is busy: the machine may be
    /// loaded; callers poll), the JSON otherwise; anything else fails.
    /// </summary>
    public async Task<JsonNode?> GetAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
            return null;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body);
    }

    public async Task<JsonNode> PostAdminAsync(string path, string json) => await SendAdminAsync(HttpMethod.Post, path, json);

    public async Task<JsonNode> SendAdminAsync(HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body.Length == 0 ? "{}" : body)!;
    }

    public async ValueTask DisposeAsync()
    {
        Sdk.Dispose();
        Admin.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

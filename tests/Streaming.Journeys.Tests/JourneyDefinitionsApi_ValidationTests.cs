using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Streaming.Journeys.Tests;

/// <summary>PUT validates a journey and names every wrong part by path; the lifecycle moves only along its edges.</summary>
public sealed class JourneyDefinitionsApi_ValidationTests : IAsyncLifetime
{
    private const string Tenant = "t-definitions";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync() => _host = await JourneysFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Put_answers_400_naming_every_wrong_part_when_the_definition_is_invalid()
    {
        using var response = await _host.SendAsync(HttpMethod.Put, Tenant, "/api/definitions/journeys/bad", """
            {"name": "Bad", "trigger": {"event": {"name": "Signed Up", "where": [{"path": "plan", "op": "bigger", "value": 1}]}},
             "reentry": {"policy": "sometimes"},
             "steps": [
               {"id": "push", "type": "send", "channel": "pigeon", "template": "t"},
               {"id": "wait", "type": "waitUntil", "event": {"name": "Coupon Used"}, "timeout": "soon", "onTimeout": "push"},
               {"id": "split", "type": "split", "variants": [{"name": "A", "percent": 60, "next": "nowhere"}], "control": 10},
               {"id": "push", "type": "exit", "colour": "red"}
             ]}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var paths = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("trigger.event.where[0].op", paths);
        Assert.Contains("reentry.policy", paths);
        Assert.Contains("steps[0].channel", paths);
        Assert.Contains("steps[1].timeout", paths);
        Assert.Contains("steps[1].onTimeout", paths);
        Assert.Contains("steps[2]", paths);
        Assert.Contains("steps[2].variants[0].next", paths);
        Assert.Contains("steps[3].id", paths);
        Assert.Contains("steps[3].colour", paths);
        using var missing = await _host.SendAsync(HttpMethod.Get, Tenant, "/api/definitions/journeys/bad");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Lifecycle_moves_draft_published_paused_archived_and_refuses_other_moves()
    {
        const string yaml = """
            name: Welcome
            trigger: { event: { name: Signed Up } }
            steps:
              - { id: hello, type: send, channel: push, template: welcome }
            """;
        using (var put = await _host.SendAsync(HttpMethod.Put, Tenant, "/api/definitions/journeys/welcome", yaml, "application/yaml"))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("draft", (await _host.GetJsonAsync(Tenant, "/api/definitions/journeys/welcome")).GetProperty("status").GetString());
        using (var pause = await _host.SendAsync(HttpMethod.Post, Tenant, "/api/definitions/journeys/welcome/pause"))
            Assert.Equal(HttpStatusCode.Conflict, pause.StatusCode);

        await Post("publish");
        await Post("pause");
        await Post("resume");
        // A second publication is version 2; version 1 stays for the instances that entered with it.
        await Post("publish");
        var published = await _host.GetJsonAsync(Tenant, "/api/definitions/journeys/welcome");
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Equal(2, published.GetProperty("live").GetInt64());
        Assert.Equal(2, published.GetProperty("versions").GetArrayLength());

        await Post("archive");
        using var again = await _host.SendAsync(HttpMethod.Put, Tenant, "/api/definitions/journeys/welcome", yaml, "application/yaml");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var resume = await _host.SendAsync(HttpMethod.Post, Tenant, "/api/definitions/journeys/welcome/resume");
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
    }

    [Fact]
    public async Task Api_refuses_a_request_without_a_key()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Http.BaseAddress };
        using var response = await anonymous.GetAsync("/api/definitions/journeys/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task Post(string action)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, Tenant, $"/api/definitions/journeys/welcome/{action}");
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

using System.Net;
using System.Text.Json;

namespace Streaming.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class Validation_RejectionTests(GatewayFixture host)
{
    [Theory]
    [InlineData("""{"type": "track", "userId": "u1"}""", "missing_event_name", "event")]
    [InlineData("""{"type": "track", "event": "  ", "userId": "u1"}""", "missing_event_name", "event")]
    [InlineData("""{"event": "x", "userId": "u1"}""", "missing_type", "type")]
    [InlineData("""{"type": "purchase", "userId": "u1"}""", "invalid_type", "type")]
    [InlineData("""{"type": "track", "event": "x"}""", "missing_identifier", "userId")]
    [InlineData("""{"type": "track", "event": "x", "userId": "anonymous", "anonymousId": "undefined"}""", "missing_identifier", "userId")]
    [InlineData("""{"type": "track", "event": "x", "userId": {"id": 1}}""", "wrong_type", "userId")]
    [InlineData("""{"type": "track", "event": 42, "userId": "u1"}""", "wrong_type", "event")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "properties": [1, 2]}""", "wrong_type", "properties")]
    [InlineData("""{"type": "identify", "userId": "u1", "traits": "vip"}""", "wrong_type", "traits")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "context": 5}""", "wrong_type", "context")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "timestamp": "yesterday"}""", "invalid_timestamp", "timestamp")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "originalTimestamp": 1714564800}""", "invalid_timestamp", "originalTimestamp")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "sentAt": "2024-13-45T99:00:00Z"}""", "invalid_timestamp", "sentAt")]
    [InlineData("""{"type": "group", "userId": "u1"}""", "missing_group_id", "groupId")]
    [InlineData("""{"type": "alias", "userId": "u1", "previousId": "null"}""", "missing_previous_id", "previousId")]
    [InlineData("""{"type": "track", "event": "\ud800", "userId": "u1"}""", "invalid_string", "event")]
    [InlineData("""["not", "an", "object"]""", "not_an_object", "")]
    // What later stages cannot store: keys that are no Unicode, times past 2100 (alone or after skew correction).
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "properties": {"\ud800key": 1}}""", "invalid_string", "properties")]
    [InlineData("""{"type": "identify", "userId": "u1", "traits": {"address": {"\udc00": "x"}}}""", "invalid_string", "traits")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "context": {"items": [{"\ud83d": 1}]}}""", "invalid_string", "context")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "originalTimestamp": "9999-12-31T23:59:59Z"}""", "timestamp_out_of_range", "originalTimestamp")]
    [InlineData("""{"type": "track", "event": "x", "userId": "u1", "originalTimestamp": "2090-01-01T00:00:00Z", "sentAt": "1970-01-02T00:00:00Z"}""", "timestamp_out_of_range", "sentAt")]
    public async Task Invalid_event_is_rejected_naming_the_field_and_dead_lettered_with_its_raw_json(string invalidEvent, string code, string field)
    {
        var source = await host.CreateSourceAsync();
        var body = $$"""{"batch": [{"type": "track", "event": "Good", "userId": "u1"}, {{invalidEvent}}]}""";

        var response = await host.PostAsync("/v1/batch", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.RootElement.GetProperty("accepted").GetInt32());
        var rejection = Assert.Single(answer.RootElement.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejection.GetProperty("index").GetInt32());
        var error = rejection.GetProperty("errors").EnumerateArray().First(e => e.GetProperty("code").GetString() == code);
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));

        Assert.Single(host.ReadRaw(source.Tenant));
        var dead = Assert.Single(host.ReadRejected(source.Tenant));
        Assert.Contains(dead.Errors, e => e.Code == code && e.Field == field);
        Assert.Equal("web", dead.Source);
        Assert.Equal(invalidEvent, dead.RawPayload);
    }

    [Fact]
    public async Task Event_carrying_another_sources_write_key_is_rejected_as_write_key_mismatch()
    {
        var source = await host.CreateSourceAsync();
        var other = await host.CreateSourceAsync();
        var body = $$"""{"batch": [{"type": "track", "event": "Mixed", "userId": "u1", "writeKey": "{{other.WriteKey}}"}]}""";

        var response = await host.PostAsync("/v1/batch", body, source.WriteKey);

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = answer.RootElement.GetProperty("rejected")[0].GetProperty("errors")[0];
        Assert.Equal(("write_key_mismatch", "writeKey"), (error.GetProperty("code").GetString(), error.GetProperty("field").GetString()));
        Assert.Empty(host.ReadRaw(source.Tenant));
        Assert.Empty(host.ReadRaw(other.Tenant));
    }

    [Fact]
    public async Task Event_over_the_event_size_limit_is_rejected_as_event_too_large()
    {
        var source = await host.CreateSourceAsync();
        var big = new string('x', 33 * 1024);
        var body = $$$"""{"batch": [{"type": "track", "event": "Big", "userId": "u1", "properties": {"blob": "{{{big}}}"}}]}""";

        var response = await host.PostAsync("/v1/batch", body, source.WriteKey);

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = answer.RootElement.GetProperty("rejected")[0].GetProperty("errors")[0];
        Assert.Equal("event_too_large", error.GetProperty("code").GetString());
        Assert.Contains("MaxEventBytes", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.ReadRaw(source.Tenant));
        Assert.Single(host.ReadRejected(source.Tenant));
    }

    [Fact]
    public async Task Junk_identifier_is_removed_with_a_warning_and_the_event_kept_when_another_identifier_remains()
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/track", """{"event": "Viewed", "userId": "[object Object]", "anonymousId": "device-7"}""", source.WriteKey);

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.RootElement.GetProperty("accepted").GetInt32());
        var warning = Assert.Single(answer.RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("userId", warning, StringComparison.Ordinal);
        Assert.Contains("junk_identifier", warning, StringComparison.Ordinal);
        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        Assert.Null(stored.UserId);
        Assert.Equal("device-7", stored.AnonymousId);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("")]
    [InlineData("NULL")]
    [InlineData("-1")]
    public async Task Placeholder_only_identifiers_reject_the_event(string junk)
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/track", $$"""{"event": "Viewed", "anonymousId": "{{junk}}"}""", source.WriteKey);

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal("missing_identifier", answer.RootElement.GetProperty("rejected")[0].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Single(host.ReadRejected(source.Tenant));
    }

    [Fact]
    public async Task Invalid_json_is_400_with_the_line_and_position()
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/batch", "{\"batch\": [\n  {\"type\": \"track\",, }]}", source.WriteKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_json", answer.RootElement.GetProperty("error").GetString());
        Assert.Equal(2, answer.RootElement.GetProperty("line").GetInt32());
        Assert.True(answer.RootElement.GetProperty("bytePositionInLine").GetInt32() > 0);
    }

    [Fact]
    public async Task Batch_body_without_a_batch_array_is_400_showing_the_expected_shape()
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/batch", """{"events": []}""", source.WriteKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_batch", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

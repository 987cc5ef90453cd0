using System.Text.Json;
using Grpc.Core;
using Streaming.Contracts.Ingest;

namespace Streaming.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class Grpc_IngestTests(GatewayFixture host)
{
    private static Batch MixedBatch(string batchId)
    {
        var batch = new Batch { BatchId = batchId, SentAt = "2024-05-01T12:00:10.000Z" };
        batch.Events.Add(new Event { Type = "track", Event_ = "Signed Up", UserId = "u1", MessageId = "m1", PropertiesJson = """{"plan":"pro"}""", OriginalTimestamp = "2024-05-01T12:00:00.000Z" });
        batch.Events.Add(new Event { Type = "identify", AnonymousId = "anonymous", UserId = "u2", MessageId = "m2", TraitsJson = """{"email":"xia.li@lovelace.org"}""" });
        batch.Events.Add(new Event { Type = "track", UserId = "u3", MessageId = "m3" });
        batch.Events.Add(new Event { Type = "page", AnonymousId = "a4", MessageId = "m4", PropertiesJson = "not json" });
        batch.Events.Add(new Event { Type = "group", UserId = "u5", MessageId = "m5", Timestamp = "soon" });
        return batch;
    }

    /// <summary>The same events as a Segment JSON batch.</summary>
    private const string MixedBatchJson = """
        {"sentAt": "2024-05-01T12:00:10.000Z", "batch": [
          {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1", "properties": {"plan":"pro"}, "originalTimestamp": "2024-05-01T12:00:00.000Z"},
          {"type": "identify", "anonymousId": "anonymous", "userId": "u2", "messageId": "m2", "traits": {"email": "xia.li@lovelace.org"}},
          {"type": "track", "userId": "u3", "messageId": "m3"},
          {"type": "page", "anonymousId": "a4", "messageId": "m4", "properties": "not json"},
          {"type": "group", "userId": "u5", "messageId": "m5", "timestamp": "soon"}
        ]}
        """;

    [Fact]
    public async Task Send_accepts_a_batch_after_kafka_acknowledged_it()
    {
        var source = await host.CreateSourceAsync();

        var result = await host.Grpc.SendAsync(MixedBatch("b1"), GatewayFixture.GrpcAuth(source.WriteKey));

        Assert.Equal("b1", result.BatchId);
        Assert.Equal(2, result.Accepted);
        var stored = host.ReadRaw(source.Tenant).ToDictionary(e => e.Event.MessageId, e => e.Event);
        Assert.Equal(["m1", "m2"], stored.Keys.Order());
        Assert.Equal(stored["m1"].ReceivedAt - 10_000, stored["m1"].Timestamp);
        Assert.Contains("email_hash", stored["m2"].Traits, StringComparison.Ordinal);
        Assert.Equal(3, host.ReadRejected(source.Tenant).Count);
    }

    [Fact]
    public async Task Grpc_and_http_give_identical_answers_for_the_same_events()
    {
        var viaGrpc = await host.CreateSourceAsync();
        var viaHttp = await host.CreateSourceAsync();

        var grpc = await host.Grpc.SendAsync(MixedBatch("same"), GatewayFixture.GrpcAuth(viaGrpc.WriteKey));
        var http = await host.PostAsync("/v1/batch", MixedBatchJson, viaHttp.WriteKey);

        using var answer = JsonDocument.Parse(await http.Content.ReadAsStringAsync());
        var root = answer.RootElement;
        Assert.Equal(root.GetProperty("accepted").GetInt32(), grpc.Accepted);
        var httpRejections = root.GetProperty("rejected").EnumerateArray().Select(r =>
            $"{r.GetProperty("index").GetInt32()} {r.GetProperty("messageId").GetString()}: " +
            string.Join("; ", r.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("code").GetString()}@{e.GetProperty("field").GetString()} {e.GetProperty("message").GetString()}"))).ToList();
        var grpcRejections = grpc.Rejected.Select(r =>
            $"{r.Index} {r.MessageId}: " + string.Join("; ", r.Errors.Select(e => $"{e.Code}@{e.Field} {e.Message}"))).ToList();
        Assert.Equal(httpRejections, grpcRejections);
        Assert.Equal(root.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()), grpc.Warnings);
        Assert.Equal(3, grpcRejections.Count);
        Assert.Contains(grpc.Rejected, r => r.Errors.Any(e => e.Code == "wrong_type" && e.Field == "properties"));

        Assert.Equal(
            host.ReadRaw(viaHttp.Tenant).Select(e => (e.Event.MessageId, e.Event.Type, e.Event.UserId, e.Event.Properties, e.Event.Timestamp - e.Event.ReceivedAt)).Order(),
            host.ReadRaw(viaGrpc.Tenant).Select(e => (e.Event.MessageId, e.Event.Type, e.Event.UserId, e.Event.Properties, e.Event.Timestamp - e.Event.ReceivedAt)).Order());
    }

    [Fact]
    public async Task Stream_acknowledges_every_batch_with_its_own_result()
    {
        var source = await host.CreateSourceAsync();
        using var call = host.Grpc.Stream(GatewayFixture.GrpcAuth(source.WriteKey));

        for (var i = 0; i < 5; i++)
        {
            var batch = new Batch { BatchId = $"s{i}" };
            for (var e = 0; e < 10; e++)
                batch.Events.Add(new Event { Type = "track", Event_ = "Streamed", UserId = $"u{e}", MessageId = $"s{i}-{e}" });
            await call.RequestStream.WriteAsync(batch);
        }
        await call.RequestStream.CompleteAsync();
        var results = new List<BatchResult>();
        await foreach (var result in call.ResponseStream.ReadAllAsync())
            results.Add(result);

        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], results.Select(r => r.BatchId).Order());
        Assert.All(results, r => Assert.Equal(10, r.Accepted));
        Assert.Equal(50, host.ReadRaw(source.Tenant).Count);
    }

    [Fact]
    public async Task Send_without_write_key_is_unauthenticated_and_a_wrong_key_says_so()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SendAsync(MixedBatch("x")).ResponseAsync);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SendAsync(MixedBatch("x"), new Metadata { { "x-write-key", "not-a-real-key-000000" } }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal("unknown_write_key", wrong.Trailers.GetValue("error-code"));
    }

    [Fact]
    public async Task Send_over_the_batch_limit_is_resource_exhausted_naming_the_limit()
    {
        var source = await host.CreateSourceAsync();
        var batch = new Batch { BatchId = "big" };
        for (var i = 0; i < 2_501; i++)
            batch.Events.Add(new Event { Type = "track", Event_ = "E", UserId = "u" });

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SendAsync(batch, GatewayFixture.GrpcAuth(source.WriteKey)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("MaxBatchEvents", error.Trailers.GetValue("limit"));
        Assert.Empty(host.ReadRaw(source.Tenant));
    }
}

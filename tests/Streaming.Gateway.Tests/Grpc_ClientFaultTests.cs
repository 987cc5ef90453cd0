using Grpc.Core;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Ingest;

namespace Streaming.Gateway.Tests;

/// <summary>A client's faults on gRPC are its own: the right status, and an Information line, not an error with a stack trace.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Grpc_ClientFaultTests(GatewayFixture host)
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    [Fact]
    public async Task Send_answers_invalid_argument_for_a_malformed_protobuf_and_logs_no_error()
    {
        var source = await host.CreateSourceAsync();
        var send = new Method<byte[], byte[]>(MethodType.Unary, Ingest.Descriptor.FullName, "Send", Raw, Raw);
        // Field 1 (batch_id) announces 2^31 bytes that never come.
        byte[] malformed = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x41];

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.GrpcChannel.CreateCallInvoker().AsyncUnaryCall(send, null, new CallOptions(GatewayFixture.GrpcAuth(source.WriteKey)), malformed).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("not a valid streaming.ingest Batch message", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error && e.Category.StartsWith("Grpc", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("not a valid streaming.ingest Batch", StringComparison.Ordinal) && e.Exception is null);
        // A good call still works afterwards.
        Assert.Equal("ok", (await host.Grpc.SendAsync(new Batch { BatchId = "ok" }, GatewayFixture.GrpcAuth(source.WriteKey))).BatchId);
    }
}

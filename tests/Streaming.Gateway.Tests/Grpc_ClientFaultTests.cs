using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
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
        Assert.DoesNotContain(host.Logs.Entries, e => e.Exception is not null && e.Message.Contains("message", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("not a valid streaming.ingest Batch", StringComparison.Ordinal) && e.Exception is null);
        // A good call still works afterwards.
        Assert.Equal("ok", (await host.Grpc.SendAsync(new Batch { BatchId = "ok" }, GatewayFixture.GrpcAuth(source.WriteKey))).BatchId);
    }

    [Fact]
    public async Task Send_whose_client_goes_away_mid_message_is_one_information_line_without_a_stack_trace()
    {
        var source = await host.CreateSourceAsync();
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.GrpcChannel.Target.StartsWith("http", StringComparison.Ordinal) ? host.GrpcChannel.Target : "http://" + host.GrpcChannel.Target) + $"{Ingest.Descriptor.FullName}/Send")
        {
            Content = new HalfMessage(),
        };
        request.Headers.Add("x-write-key", source.WriteKey);
        request.Headers.TryAddWithoutValidation("te", "trailers");

        await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(request));

        // Generous: the server notices the reset whenever the machine lets it.
        // Depending on how the reset reaches Kestrel, the call ends as "client went away" or as a
        // truncated message: either is one Information line of ours.
        static bool Noted(CapturedLogs.Entry e) => e.Category.StartsWith("Streaming.Gateway.Grpc", StringComparison.Ordinal)
            && (e.Message.Contains("went away", StringComparison.Ordinal) || e.Message.Contains("ended unexpectedly", StringComparison.Ordinal));
        for (var waited = 0; waited < 120 && !host.Logs.Entries.Any(Noted); waited++)
            await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Contains(host.Logs.Entries, e => Noted(e) && e.Level == LogLevel.Information && e.Exception is null);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Exception is IOException || e.Exception?.InnerException is IOException);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Grpc", StringComparison.Ordinal));
    }

    /// <summary>A gRPC frame announcing 1,000 bytes of which 10 come before the client gives up (the stream is reset).</summary>
    private sealed class HalfMessage : HttpContent
    {
        public HalfMessage() => Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var frame = new byte[15];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), 1000);
            await stream.WriteAsync(frame);
            await stream.FlushAsync();
            await Task.Delay(500);
            throw new IOException("the client gives up");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

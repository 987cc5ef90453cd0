using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Ingest;

namespace Streaming.Gateway.Grpc;

/// <summary>
/// Binds <c>Ingest.Send</c> and <c>Ingest.Stream</c> with marshallers of our own instead of the
/// generated ones: a request that is not a valid <see cref="Batch"/> message is the client's fault,
/// so it answers <c>INVALID_ARGUMENT</c> (logged at Information, no stack trace) where the generated
/// marshaller's exception would answer <c>UNKNOWN</c> and log an error.
/// </summary>
public sealed class IngestMethods(ILogger<IngestMethods> logger) : IServiceMethodProvider<IngestGrpcService>
{
    private static readonly Marshaller<BatchResult> ResultMarshaller = new(Serialize, c => BatchResult.Parser.ParseFrom(c.PayloadAsReadOnlySequence()));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<IngestGrpcService> context)
    {
        var service = Ingest.Descriptor.FullName;
        var batchMarshaller = new Marshaller<Batch>(Serialize, ParseBatch);
        context.AddUnaryMethod(new Method<Batch, BatchResult>(MethodType.Unary, service, "Send", batchMarshaller, ResultMarshaller), [],
            (grpc, request, call) => grpc.Send(request, call));
        context.AddDuplexStreamingMethod(new Method<Batch, BatchResult>(MethodType.DuplexStreaming, service, "Stream", batchMarshaller, ResultMarshaller), [],
            (grpc, requests, responses, call) => grpc.Stream(requests, responses, call));
    }

    private Batch ParseBatch(DeserializationContext context)
    {
        try
        {
            return Batch.Parser.ParseFrom(context.PayloadAsReadOnlySequence());
        }
        catch (InvalidProtocolBufferException ex)
        {
            logger.LogInformation("gRPC Ingest: the request is not a valid streaming.ingest Batch message ({Reason}); answered INVALID_ARGUMENT", ex.Message);
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"The request is not a valid streaming.ingest Batch message ({ex.Message}); build it with the classes generated from contracts/proto/ingest.proto."));
        }
    }

    private static void Serialize<T>(T message, SerializationContext context) where T : IMessage<T>, IBufferMessage
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }
}

using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Streaming.Contracts.Ingest;
using Streaming.Gateway.Http;
using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Pipeline;

namespace Streaming.Gateway.Grpc;

/// <summary>
/// The gRPC ingestion API (contracts/proto/ingest.proto). Auth comes from metadata
/// (<c>authorization: Basic base64(writeKey:)</c> or <c>x-write-key</c>); each batch goes through
/// the same pipeline as an HTTP /v1/batch request. Its methods are bound by <see cref="IngestMethods"/>
/// (so a malformed message is INVALID_ARGUMENT), not by the generated base class.
/// </summary>
public sealed class IngestGrpcService(IngestPipeline pipeline, GatewayMetrics metrics)
{
    /// <summary>Batches of one stream processed at once; their results come back as each is acknowledged.</summary>
    private const int StreamConcurrency = 16;

    public async Task<BatchResult> Send(Batch request, ServerCallContext context)
    {
        var result = await IngestAsync(request, context);
        if (result.Failure is { } failure)
            throw ToRpcException(failure);
        return ToBatchResult(request.BatchId, result);
    }

    public async Task Stream(IAsyncStreamReader<Batch> requestStream, IServerStreamWriter<BatchResult> responseStream, ServerCallContext context)
    {
        if (WriteKey(context.RequestHeaders) is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "No write key: send metadata 'authorization: Basic base64(<writeKey>:)' or 'x-write-key: <writeKey>'."));
        }
        using var slots = new SemaphoreSlim(StreamConcurrency);
        using var writeGate = new SemaphoreSlim(1);
        var pending = new List<Task>();
        await foreach (var batch in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await slots.WaitAsync(context.CancellationToken);
            pending.RemoveAll(t => t.IsCompleted);
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await IngestAsync(batch, context);
                    await writeGate.WaitAsync(context.CancellationToken);
                    try
                    {
                        await responseStream.WriteAsync(ToBatchResult(batch.BatchId, result), context.CancellationToken);
                    }
                    finally
                    {
                        writeGate.Release();
                    }
                }
                finally
                {
                    slots.Release();
                }
            }, context.CancellationToken));
        }
        await Task.WhenAll(pending);
    }

    private async Task<IngestResult> IngestAsync(Batch batch, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var http = context.GetHttpContext();
        var request = new IngestRequest(BatchJson.Render(batch), IngestCall.Batch, WriteKey(context.RequestHeaders),
            http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"].ToString());
        var result = await pipeline.IngestAsync(request, context.CancellationToken);
        metrics.Latency(Stopwatch.GetElapsedTime(started).TotalMilliseconds, "grpc");
        return result;
    }

    private static string? WriteKey(Metadata headers)
    {
        var key = headers.GetValue("x-write-key");
        if (!string.IsNullOrEmpty(key))
            return key;
        var authorization = headers.GetValue("authorization");
        return authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            ? SegmentEndpoints.BasicUser(authorization.AsSpan(6).Trim())
            : null;
    }

    public static BatchResult ToBatchResult(string batchId, IngestResult result)
    {
        var answer = new BatchResult { BatchId = batchId };
        if (result.Failure is { } failure)
        {
            answer.Failure = new BatchFailure
            {
                Code = failure.Code,
                Message = failure.Message,
                RetryAfterSeconds = failure.RetryAfter is { } r ? Math.Max(1, (int)Math.Ceiling(r.TotalSeconds)) : 0,
                Limit = failure.Limit ?? "",
            };
            return answer;
        }
        var ok = result.Answer!;
        answer.Accepted = ok.Accepted;
        foreach (var rejection in ok.Rejected)
        {
            var item = new Rejection { Index = rejection.Index, MessageId = rejection.MessageId ?? "" };
            item.Errors.AddRange(rejection.Errors.Select(e => new FieldError { Code = e.Code, Field = e.Field, Message = e.Message }));
            answer.Rejected.Add(item);
        }
        answer.Warnings.AddRange(ok.Warnings);
        return answer;
    }

    public static RpcException ToRpcException(IngestFailure failure)
    {
        var code = failure.Kind switch
        {
            IngestFailureKind.BadRequest => StatusCode.InvalidArgument,
            IngestFailureKind.Unauthorized => StatusCode.Unauthenticated,
            IngestFailureKind.TooLarge or IngestFailureKind.RateLimited => StatusCode.ResourceExhausted,
            _ => StatusCode.Unavailable,
        };
        var trailers = new Metadata { { "error-code", failure.Code }, { "http-status", HttpAnswers.StatusOf(failure.Kind).ToString(CultureInfo.InvariantCulture) } };
        if (failure.RetryAfter is { } retryAfter)
            trailers.Add("retry-after", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        if (failure.Limit is not null)
            trailers.Add("limit", failure.Limit);
        return new RpcException(new Status(code, failure.Message), trailers);
    }
}

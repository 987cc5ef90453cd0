using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Sources;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Resolves the write key (Basic-auth user name or gRPC metadata, else <c>writeKey</c> in the body)
/// to its source. A missing or unknown key is a 401 that says which and how to send it.
/// </summary>
public sealed class AuthenticateSourceStep(SourceRegistry sources)
{
    public StepResult<Source> Run(IngestRequest request, ParsedBatch batch)
    {
        var writeKey = string.IsNullOrEmpty(request.WriteKey) ? batch.WriteKey : request.WriteKey;
        if (string.IsNullOrEmpty(writeKey))
        {
            return new IngestFailure(IngestFailureKind.Unauthorized, "missing_write_key",
                "No write key: send it as the Basic-auth user name with an empty password (Authorization: Basic base64(\"<writeKey>:\")), or as \"writeKey\" in the body.").Refusal();
        }
        if (!sources.IsLoaded)
        {
            return new IngestFailure(IngestFailureKind.Unavailable, "sources_loading",
                "The gateway is still loading its sources from Kafka; retry shortly.")
            { RetryAfter = TimeSpan.FromSeconds(1) }.Refusal();
        }
        return sources.FindByWriteKey(writeKey) is { } source
            ? StepResult.ContinueWith<Source>(source)
            : new IngestFailure(IngestFailureKind.Unauthorized, "unknown_write_key",
                "The write key matches no source. Use the key returned once by POST /api/sources (it cannot be shown again; create a new source if it is lost).").Refusal();
    }
}

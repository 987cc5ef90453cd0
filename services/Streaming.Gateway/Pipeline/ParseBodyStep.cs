using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Ingestion;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>The request body, parsed: its events and what the batch says for all of them.</summary>
public sealed class ParsedBatch(JsonDocument document, IReadOnlyList<JsonElement> events) : IDisposable
{
    public IReadOnlyList<JsonElement> Events { get; } = events;

    /// <summary>The write key analytics.js puts in the body (top level, or in each event of a batch).</summary>
    public string? WriteKey { get; init; }

    /// <summary>Batch-level <c>context</c>, <c>integrations</c> and <c>sentAt</c>: defaults for every event.</summary>
    public JsonElement? Context { get; init; }
    public JsonElement? Integrations { get; init; }
    public JsonElement? SentAt { get; init; }

    /// <summary>The type a single-event call implies (<c>/v1/track</c> is a track whatever the body says).</summary>
    public string? ImpliedType { get; init; }

    public void Dispose() => document.Dispose();
}

/// <summary>
/// Parses the body: 413 over the request limit or the batch limit, 400 with the position when the
/// JSON does not parse or has not the Segment shape.
/// </summary>
public sealed class ParseBodyStep(IOptions<GatewayOptions> options)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private readonly GatewayOptions _options = options.Value;

    public StepResult<ParsedBatch> Run(IngestRequest request)
    {
        if (request.Body.Length > _options.MaxRequestBytes)
            return RequestTooLarge(_options).Refusal();
        if (request.Body.IsEmpty)
            return new IngestFailure(IngestFailureKind.BadRequest, "empty_body", "The request has no body: send a JSON object (a Segment event, or {\"batch\": [...]}).").Refusal();

        // JsonDocument checks UTF-8 only when a string is read, long after parsing: check it all up front.
        if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            var valid = ValidUtf8Prefix(request.Body.Span);
            return new IngestFailure(IngestFailureKind.BadRequest, "invalid_utf8",
                $"The body is not valid UTF-8 (first bad byte at offset {valid}): send JSON encoded as UTF-8.")
            {
                Line = 1 + request.Body.Span[..valid].Count((byte)'\n'),
                BytePositionInLine = valid - (request.Body.Span[..valid].LastIndexOf((byte)'\n') + 1),
            }.Refusal();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return new IngestFailure(IngestFailureKind.BadRequest, "invalid_json",
                $"The body is not valid JSON: {ex.Message}")
            {
                Line = ex.LineNumber + 1,
                BytePositionInLine = ex.BytePositionInLine,
            }.Refusal();
        }

        var root = document.RootElement;
        if (root.ValueKind is var kind && kind != JsonValueKind.Object)
        {
            document.Dispose();
            return new IngestFailure(IngestFailureKind.BadRequest, "invalid_body",
                $"The body must be a JSON object, not {Describe(kind)}: a Segment event, or {{\"batch\": [...]}} for /v1/batch.").Refusal();
        }

        var impliedType = request.Call.EventType();
        if (impliedType is not null)
        {
            return StepResult.ContinueWith<ParsedBatch>(new ParsedBatch(document, [root])
            {
                WriteKey = StringOrNull(root, "writeKey"),
                ImpliedType = impliedType,
            });
        }

        if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            return new IngestFailure(IngestFailureKind.BadRequest, "invalid_batch",
                "A batch body must have \"batch\": an array of Segment events, e.g. {\"batch\": [{\"type\": \"track\", \"event\": \"Signed Up\", \"userId\": \"u1\"}]}.").Refusal();
        }
        var count = batch.GetArrayLength();
        if (count > _options.MaxBatchEvents)
        {
            document.Dispose();
            return new IngestFailure(IngestFailureKind.TooLarge, "batch_too_large",
                $"The batch has {count} events; at most {_options.MaxBatchEvents} are accepted in one request (Gateway:MaxBatchEvents). Split it.")
            {
                Limit = "MaxBatchEvents",
                LimitValue = _options.MaxBatchEvents,
            }.Refusal();
        }

        var events = new JsonElement[count];
        var i = 0;
        foreach (var element in batch.EnumerateArray())
            events[i++] = element;
        var writeKey = StringOrNull(root, "writeKey");
        if (writeKey is null && count > 0 && events[0].ValueKind == JsonValueKind.Object)
            writeKey = StringOrNull(events[0], "writeKey");
        return StepResult.ContinueWith<ParsedBatch>(new ParsedBatch(document, events)
        {
            WriteKey = writeKey,
            Context = ObjectOrNull(root, "context"),
            Integrations = ObjectOrNull(root, "integrations"),
            SentAt = root.TryGetProperty("sentAt", out var sentAt) && sentAt.ValueKind != JsonValueKind.Null ? sentAt : null,
        });
    }

    private static int ValidUtf8Prefix(ReadOnlySpan<byte> bytes)
    {
        System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    public static IngestFailure RequestTooLarge(GatewayOptions options) =>
        new(IngestFailureKind.TooLarge, "request_too_large",
            $"The request body is larger than {options.MaxRequestBytes} bytes (Gateway:MaxRequestBytes, Segment's 500 KB). Send fewer events per batch.")
        {
            Limit = "MaxRequestBytes",
            LimitValue = options.MaxRequestBytes,
        };

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string? StringOrNull(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            return null;
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static JsonElement? ObjectOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;
}

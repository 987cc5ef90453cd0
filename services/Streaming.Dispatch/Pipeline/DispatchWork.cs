using System.Text.Json.Nodes;
using Streaming.Contracts.Records;
using Streaming.Dispatch.Providers;
using Streaming.Dispatch.Templates;

namespace Streaming.Dispatch.Pipeline;

/// <summary>One request on its way through the steps, and what each step found for the next.</summary>
public sealed class DispatchWork(DispatchRequest request, long now)
{
    public DispatchRequest Request { get; } = request;

    public long Now { get; } = now;

    public JsonObject Traits { get; set; } = [];

    public string? Address { get; set; }

    public CompiledTemplate? Template { get; set; }

    public OutgoingMessage? Message { get; set; }

    /// <summary>Whether a WeChat credit was spent for this send (given back when nothing was sent).</summary>
    public bool SpentCredit { get; set; }

    /// <summary>The receipts to produce, in order.</summary>
    public List<MessageReceipt> Receipts { get; } = [];
}

namespace Streaming.Dispatch.Delivery;

/// <summary>How a send ended: sent through a provider (with its message id), or failed at every provider tried (why, per provider).</summary>
public sealed record DeliveryResult(bool Sent, string? Provider, string? ProviderMessageId, string? Error)
{
    public static DeliveryResult Accepted(string provider, string? providerMessageId) => new(true, provider, providerMessageId, null);

    public static DeliveryResult Failed(string error) => new(false, null, null, error);
}

using Streaming.Contracts;
using Streaming.Contracts.Records;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// Receipts with ids derived from the request and the status, so a redelivered request announces the
/// same receipt again (same id) and downstream counts it once.
/// </summary>
public static class Receipts
{
    public static MessageReceipt For(DispatchRequest request, string status, long at, string? error = null, string? providerMessageId = null) => new()
    {
        ReceiptId = DeterministicId.From("receipt", request.Tenant, request.RequestId, status),
        RequestId = request.RequestId,
        Tenant = request.Tenant,
        PersonId = request.PersonId,
        Channel = request.Channel,
        Status = status,
        ProviderMessageId = providerMessageId,
        Error = error,
        JourneyId = request.JourneyId,
        At = at,
    };
}

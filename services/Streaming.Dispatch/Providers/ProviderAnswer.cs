namespace Streaming.Dispatch.Providers;

public enum AnswerKind { Accepted, Transient, Rejected }

/// <summary>
/// What a provider said to one send: accepted (with its message id), a transient refusal worth
/// another attempt (408, 429, 5xx, a timeout; with the provider's <c>Retry-After</c> when it gave one),
/// or a rejection that another attempt at this provider will not change.
/// </summary>
public sealed record ProviderAnswer(AnswerKind Kind, string? ProviderMessageId, string? Reason, TimeSpan? RetryAfter = null)
{
    public static ProviderAnswer Accepted(string? providerMessageId) => new(AnswerKind.Accepted, providerMessageId, null);

    public static ProviderAnswer Transient(string reason, TimeSpan? retryAfter = null) => new(AnswerKind.Transient, null, reason, retryAfter);

    public static ProviderAnswer Rejected(string reason) => new(AnswerKind.Rejected, null, reason);
}

namespace Streaming.Dispatch.Providers;

/// <summary>A rendered message for one address: what a provider sends.</summary>
public sealed record OutgoingMessage
{
    /// <summary>The request's id: the provider's idempotency key where it takes one.</summary>
    public required string RequestId { get; init; }

    public required string Tenant { get; init; }

    public long PersonId { get; init; }

    public required string Channel { get; init; }

    /// <summary>Phone number, e-mail address, push token, WeChat openid or webhook target id (never logged).</summary>
    public required string Address { get; init; }

    public string? Subject { get; init; }

    public string? Title { get; init; }

    /// <summary>The text body (SMS text, push body, e-mail text part, webhook body).</summary>
    public required string Text { get; init; }

    public string? Html { get; init; }

    /// <summary>Extra key/values (push data, WeChat template data).</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>A provider-side template (WeChat template id).</summary>
    public string? ProviderTemplateId { get; init; }

    /// <summary>The signed unsubscribe link (e-mail's List-Unsubscribe), or null.</summary>
    public string? UnsubscribeUrl { get; init; }
}

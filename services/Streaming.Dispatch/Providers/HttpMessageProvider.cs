using System.Net.Http.Headers;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// What every HTTP provider shares: one connection pool per provider, the request id as the
/// <c>Idempotency-Key</c> header, the configured Authorization header, and the one reading of the answer.
/// </summary>
public abstract class HttpMessageProvider(string name, ProviderOptions options, HttpClient http) : IMessageProvider
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public string Name { get; } = name;

    public string Channel => Options.Channel;

    public ProviderOptions Options { get; } = options;

    protected Uri Url { get; } = new(options.Url!);

    public async Task<ProviderAnswer> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var request = Build(message);
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, message.RequestId);
        if (request.Headers.Authorization is null && Options.AuthHeader is { Length: > 0 } auth)
            request.Headers.TryAddWithoutValidation("Authorization", auth);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadAnswerAsync(response, cancellationToken);
    }

    /// <summary>The provider's answer as a value; providers with their own error convention override it.</summary>
    protected virtual Task<ProviderAnswer> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        HttpProviderAnswers.ReadAsync(response, cancellationToken);

    /// <summary>The provider's request for one message (body and provider-specific headers).</summary>
    protected abstract HttpRequestMessage Build(OutgoingMessage message);

    protected static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
}

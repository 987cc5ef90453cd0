namespace Streaming.Dispatch.Providers;

/// <summary>
/// One provider: sends one message and says what happened as a value. Throwing means the answer is
/// unknown (connection lost, timeout): the resilience pipeline treats it as transient.
/// </summary>
public interface IMessageProvider
{
    string Name { get; }

    string Channel { get; }

    ProviderOptions Options { get; }

    Task<ProviderAnswer> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

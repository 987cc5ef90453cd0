using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Streaming.Dispatch.Providers;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Dispatch.Delivery;

/// <summary>
/// Sends through the channel's providers in order: each with its own retries, circuit breaker and rate
/// limit; when one gives up (attempts spent, circuit open, rejection) the next one is tried, up to
/// <see cref="DispatchOptions.MaxProvidersPerRequest"/>. Only when every one failed is the result a failure.
/// </summary>
public sealed class FailoverSender(ChannelProviders providers, IOptions<DispatchOptions> options)
{
    private static readonly ServiceMetrics Metrics = ServiceMetrics.For("dispatch");
    private static readonly System.Diagnostics.Metrics.Counter<long> Attempts =
        Metrics.Counter("provider.sends", "{send}", "Sends handed to a provider's pipeline, by provider and outcome.");

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var candidates = providers.For(message.Tenant, message.Channel);
        if (candidates.Count == 0)
            return DeliveryResult.Failed($"no provider is configured for channel '{message.Channel}' (Dispatch:Providers)");
        var failures = new List<string>();
        foreach (var candidate in candidates.Take(options.Value.MaxProvidersPerRequest))
        {
            var name = candidate.Provider.Name;
            try
            {
                var answer = await candidate.Pipeline.ExecuteAsync(
                    static async (state, token) => await state.Provider.SendAsync(state.Message, token),
                    (candidate.Provider, Message: message), cancellationToken);
                Count(name, answer.Kind.ToString());
                if (answer.Kind == AnswerKind.Accepted)
                    return DeliveryResult.Accepted(name, answer.ProviderMessageId);
                failures.Add($"{name}: {answer.Reason}");
            }
            catch (BrokenCircuitException)
            {
                Count(name, "circuit-open");
                failures.Add($"{name}: circuit open");
            }
            catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException or IOException or SocketException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Count(name, "unreachable");
                failures.Add($"{name}: {ex.GetType().Name}");
            }
        }
        return DeliveryResult.Failed(string.Join("; ", failures));
    }

    private static void Count(string provider, string outcome) =>
        Attempts.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome));
}

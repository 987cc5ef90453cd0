using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Dispatch.Delivery;
using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Tests.Providers;

/// <summary>Builds the production <see cref="FailoverSender"/> over the given providers (by name, in priority order).</summary>
public static class Senders
{
    public static (FailoverSender Sender, ChannelProviders Providers) For(params (string Name, ProviderOptions Options)[] providers)
    {
        var options = new DispatchOptions { MaxProvidersPerRequest = 3 };
        var priority = 0;
        foreach (var (name, provider) in providers)
        {
            provider.Priority = priority++;
            options.Providers[name] = provider;
        }
        var built = new ChannelProviders(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);
        return (new FailoverSender(built, Microsoft.Extensions.Options.Options.Create(options)), built);
    }

    public static ProviderOptions Sms(string url, int maxAttempts = 3, double sendsPerSecond = 1000, TimeSpan? timeout = null) => new()
    {
        Kind = ProviderKinds.SmsHttp,
        Url = url,
        MaxAttempts = maxAttempts,
        SendsPerSecond = sendsPerSecond,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(2),
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        BreakerMinimumThroughput = 1000,
    };

    public static OutgoingMessage Message(string requestId, string channel = "sms", string address = "+4915112345678", string text = "Hello") => new()
    {
        RequestId = requestId,
        Tenant = "t1",
        PersonId = 7,
        Channel = channel,
        Address = address,
        Text = text,
    };
}

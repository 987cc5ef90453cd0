using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Delivery;

/// <summary>A provider with its resilience pipeline.</summary>
public sealed record ResilientProvider(IMessageProvider Provider, ResiliencePipeline<ProviderAnswer> Pipeline);

/// <summary>
/// Every configured provider, built once per process with its own connection pool and pipeline
/// (so its circuit and rate limit are shared by every send of this instance), grouped by channel in
/// failover order.
/// </summary>
public sealed class ChannelProviders : IDisposable
{
    private readonly Dictionary<string, List<ResilientProvider>> _byChannel = new(StringComparer.Ordinal);
    private readonly List<HttpClient> _clients = [];

    public ChannelProviders(IOptions<DispatchOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Streaming.Dispatch.Providers");
        foreach (var (name, provider) in options.Value.Providers.OrderBy(p => p.Value.Priority).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            var built = Create(name, provider, time);
            if (!_byChannel.TryGetValue(built.Channel, out var list))
                _byChannel[built.Channel] = list = [];
            list.Add(new ResilientProvider(built, ProviderResilience.Build(name, provider, time, logger)));
        }
    }

    public IReadOnlyList<ResilientProvider> For(string channel) => _byChannel.TryGetValue(channel, out var list) ? list : [];

    public IEnumerable<IMessageProvider> All => _byChannel.Values.SelectMany(l => l).Select(p => p.Provider);

    private IMessageProvider Create(string name, ProviderOptions options, TimeProvider time) => options.Kind switch
    {
        ProviderKinds.SmsHttp => new HttpSmsProvider(name, options, Client()),
        ProviderKinds.PushFcm => new FcmPushProvider(name, options, Client()),
        ProviderKinds.PushHttp => new HttpPushProvider(name, options, Client()),
        ProviderKinds.Webhook => new WebhookProvider(name, options, Client(), time),
        ProviderKinds.WeChat => new WeChatProvider(name, options, Client()),
        ProviderKinds.EmailSmtp => new SmtpEmailProvider(name, options),
        _ => throw new InvalidOperationException($"Provider kind '{options.Kind}' is not known (the options validator should have refused it)."),
    };

    private HttpClient Client()
    {
        // The pipeline's timeout bounds each attempt; connections are recycled so DNS changes are seen.
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _clients.Add(client);
        return client;
    }

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
    }
}

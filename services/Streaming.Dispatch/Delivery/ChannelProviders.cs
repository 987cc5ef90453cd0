using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Streaming.Dispatch.Channels;
using Streaming.Dispatch.Providers;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Dispatch.Delivery;

/// <summary>A provider with its resilience pipeline.</summary>
public sealed record ResilientProvider(IMessageProvider Provider, ResiliencePipeline<ProviderAnswer> Pipeline);

/// <summary>
/// The providers of a tenant's channel, in failover order: the tenant's channel settings definition (kind
/// <c>channel</c>) when it has one, else the instance's configured providers (<c>Dispatch:Providers</c>),
/// the default. Each provider is built once (per definition version) with its own pipeline, so its circuit
/// and rate limit are shared by every send of this instance; configured providers have their own connection
/// pool, definition providers share one.
/// </summary>
public sealed class ChannelProviders : IDisposable
{
    /// <summary>How long a replaced definition's providers keep their rate limiters for the sends still queued on them.</summary>
    private static readonly TimeSpan RetireAfter = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, List<ResilientProvider>> _byChannel = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Channel), Built> _byDefinition = new();
    private readonly List<HttpClient> _clients = [];
    private readonly List<RateLimiter> _limiters = [];
    private readonly DefinitionStore? _definitions;
    private readonly DispatchOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<HttpClient> _shared;

    private sealed record Built(long Version, IReadOnlyList<ResilientProvider> Providers, IReadOnlyList<RateLimiter> Limiters);

    public ChannelProviders(IOptions<DispatchOptions> options, TimeProvider time, ILoggerFactory loggers, DefinitionStore? definitions = null)
    {
        _definitions = definitions;
        _options = options.Value;
        _time = time;
        _logger = loggers.CreateLogger("Streaming.Dispatch.Providers");
        _shared = new Lazy<HttpClient>(Client);
        foreach (var (name, provider) in _options.Providers.OrderBy(p => p.Value.Priority).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            var built = Build(name, provider, Client, _limiters);
            if (!_byChannel.TryGetValue(built.Provider.Channel, out var list))
                _byChannel[built.Provider.Channel] = list = [];
            list.Add(built);
        }
    }

    /// <summary>The instance's configured providers of a channel.</summary>
    public IReadOnlyList<ResilientProvider> For(string channel) => _byChannel.TryGetValue(channel, out var list) ? list : [];

    /// <summary>The providers a tenant's channel sends through: its channel settings definition's, else the instance's.</summary>
    public IReadOnlyList<ResilientProvider> For(string tenant, string channel)
    {
        if (_definitions?.Get(tenant, ChannelSettings.Kind, channel) is not { } document)
            return For(channel);
        var key = (tenant, channel);
        if (_byDefinition.TryGetValue(key, out var cached) && cached.Version == document.Version)
            return cached.Providers;
        lock (_byDefinition)
        {
            if (_byDefinition.TryGetValue(key, out cached) && cached.Version == document.Version)
                return cached.Providers;
            var (settings, errors) = ChannelSettings.Parse(channel, document.Body, _options.Credentials);
            if (settings is null)
            {
                // Validated when saved; only a credential removed from configuration since gets here.
                _logger.LogError("Channel settings of tenant {Tenant}, channel {Channel} v{Version} are not usable ({Problems}); using the instance's providers",
                    tenant, channel, document.Version, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
                return For(channel);
            }
            var limiters = new List<RateLimiter>();
            var providers = settings.Providers
                .Select(p => Build($"{tenant}/{p.Name}", p.ToOptions(p.Credentials is { } c ? _options.Credentials.GetValueOrDefault(c) : null), () => _shared.Value, limiters))
                .ToList();
            _byDefinition[key] = new Built(document.Version, providers, limiters);
            if (cached is not null)
                Retire(cached.Limiters);
            return providers;
        }
    }

    public IEnumerable<IMessageProvider> All => _byChannel.Values.SelectMany(l => l).Select(p => p.Provider);

    private ResilientProvider Build(string name, ProviderOptions options, Func<HttpClient> client, List<RateLimiter> limiters)
    {
        var limiter = new TokenBucketRateLimiter(ProviderResilience.Bucket(options.SendsPerSecond));
        limiters.Add(limiter);
        IMessageProvider provider = options.Kind switch
        {
            ProviderKinds.SmsHttp => new HttpSmsProvider(name, options, client()),
            ProviderKinds.PushFcm => new FcmPushProvider(name, options, client()),
            ProviderKinds.PushHttp => new HttpPushProvider(name, options, client()),
            ProviderKinds.Webhook => new WebhookProvider(name, options, client(), _time),
            ProviderKinds.WeChat => new WeChatProvider(name, options, client()),
            ProviderKinds.EmailSmtp => new SmtpEmailProvider(name, options),
            _ => throw new InvalidOperationException($"Provider kind '{options.Kind}' is not known (the options validator should have refused it)."),
        };
        return new ResilientProvider(provider, ProviderResilience.Build(name, options, _time, _logger, limiter));
    }

    private void Retire(IReadOnlyList<RateLimiter> limiters) =>
        _ = Task.Delay(RetireAfter, _time).ContinueWith(_ =>
        {
            foreach (var limiter in limiters)
                limiter.Dispose();
        }, TaskScheduler.Default);

    private HttpClient Client()
    {
        // The pipeline's timeout bounds each attempt; connections are recycled so DNS changes are seen.
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        lock (_clients)
            _clients.Add(client);
        return client;
    }

    public void Dispose()
    {
        foreach (var provider in _byChannel.Values.SelectMany(l => l).Concat(_byDefinition.Values.SelectMany(b => b.Providers)))
            (provider.Provider as IDisposable)?.Dispose();
        foreach (var client in _clients)
            client.Dispose();
        foreach (var limiter in _limiters.Concat(_byDefinition.Values.SelectMany(b => b.Limiters)))
            limiter.Dispose();
    }
}

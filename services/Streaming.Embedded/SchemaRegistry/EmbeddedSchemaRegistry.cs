using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// A Confluent-compatible Schema Registry in the process: the REST API Confluent's clients and Avro serdes use
/// (<c>CachedSchemaRegistryClient</c>, Kafka Connect, ksqlDB, ClickHouse's <c>AvroConfluent</c> format), Avro schemas
/// only, kept in an append-only log in the data folder, behind HTTP basic authentication.
/// </summary>
/// <example>
/// <code>
/// await using var registry = await EmbeddedSchemaRegistry.StartAsync(new() { DataPath = ".streaming/schema-registry" });
/// using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url.ToString(), BasicAuthUserInfo = registry.UserInfo });
/// </code>
/// </example>
public sealed class EmbeddedSchemaRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SchemaStore _store;
    private int _stopped;

    private EmbeddedSchemaRegistry(WebApplication app, SchemaStore store, Uri url, string userName, string password)
    {
        this._app = app;
        this._store = store;
        Url = url;
        UserName = userName;
        Password = password;
    }

    /// <summary>Where clients connect, e.g. <c>http://127.0.0.1:8085/</c>.</summary>
    public Uri Url { get; }

    public int Port => Url.Port;

    public string UserName { get; }

    /// <summary>The configured password, or the one generated at start.</summary>
    public string Password { get; }

    /// <summary><c>user:password</c>, the value of Confluent's <c>basic.auth.user.info</c> setting.</summary>
    public string UserInfo => UserName + ":" + Password;

    /// <summary>The file the registry appends its changes to.</summary>
    public string LogPath => _store.LogPath;

    public static async Task<EmbeddedSchemaRegistry> StartAsync(EmbeddedSchemaRegistryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataPath);
        if (!IPAddress.TryParse(options.Host, out var address))
            throw new ArgumentException($"EmbeddedSchemaRegistryOptions.Host must be an IP address (127.0.0.1, 0.0.0.0, ::), got '{options.Host}'.", nameof(options));
        if (options.Port is < 0 or > 65535)
            throw new ArgumentException($"EmbeddedSchemaRegistryOptions.Port must be 0 (a free port) to 65535, got {options.Port}.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.UserName) || options.UserName.Contains(':', StringComparison.Ordinal))
            throw new ArgumentException("EmbeddedSchemaRegistryOptions.UserName must be non-empty and have no ':' (HTTP basic authentication splits on it).", nameof(options));
        if (options.Password is { Length: 0 })
            throw new ArgumentException("EmbeddedSchemaRegistryOptions.Password must not be empty: leave it null to generate one.", nameof(options));

        var password = options.Password ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var store = SchemaStore.Open(options.DataPath, options.DefaultCompatibility);
        try
        {
            var endpoint = new SchemaRegistryEndpoint(store, options.UserName, password);
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmbeddedSchemaRegistry).FullName });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(address, options.Port);
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = SchemaRegistryEndpoint.MaxRequestBytes;
                kestrel.Limits.MaxRequestLineSize = 16 << 10;
                kestrel.Limits.MaxRequestHeadersTotalSize = 64 << 10;
            });
            var app = builder.Build();
            app.Run(endpoint.HandleAsync);
            await app.StartAsync(cancellationToken);

            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            return new EmbeddedSchemaRegistry(app, store, new Uri($"http://{ConnectHost(address)}:{bound.Port}/"), options.UserName, password);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Stops answering, waits for requests in flight and closes the log.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
            return;
        try
        {
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
        finally
        {
            _store.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The bound address, or loopback when every interface is bound.</summary>
    private static string ConnectHost(IPAddress bound) => bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any)
        ? "127.0.0.1"
        : bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound}]" : bound.ToString();
}

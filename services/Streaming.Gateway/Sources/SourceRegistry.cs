using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Gateway.Sources;

/// <summary>A source just created, with its write key: the only time the key is shown.</summary>
public sealed record CreatedSource(Source Source, string WriteKey);

/// <summary>
/// The sources of every tenant, read live from <c>config.definitions</c> (kind <c>source</c>) and
/// indexed by write-key hash, so a write key resolves to (tenant, source) without a round trip.
/// </summary>
public sealed partial class SourceRegistry : IDisposable
{
    private readonly DefinitionStore _store;
    private readonly ILogger<SourceRegistry> _logger;
    private readonly ConcurrentDictionary<string, Source> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _hashByKey = new(StringComparer.Ordinal);

    public SourceRegistry(DefinitionStore store, ILogger<SourceRegistry> logger)
    {
        _store = store;
        _logger = logger;
        _store.Changed += OnChanged;
        foreach (var document in _store.List(DefinitionKind.Source))
            OnChanged(document);
    }

    /// <summary>Whether the definitions topic has been read up to its end once (before that, auth cannot answer).</summary>
    public bool IsLoaded => _store.CaughtUp.IsCompletedSuccessfully;

    public Task Loaded => _store.CaughtUp;

    public Source? FindByWriteKey(string writeKey) =>
        _byHash.TryGetValue(WriteKeys.Hash(writeKey), out var source) ? source : null;

    public Source? Find(string tenant, string id) =>
        _store.Get(tenant, DefinitionKind.Source, id) is { } document ? Read(document) : null;

    public IReadOnlyList<(Source Source, DefinitionDocument Document)> List(string tenant) =>
        [.. _store.List(DefinitionKind.Source, tenant).Select(d => (Read(d), d)).Where(x => x.Item1 is not null).Select(x => (x.Item1!, x.d))];

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>Creates a source with a new write key; null when the id is taken.</summary>
    public async Task<CreatedSource?> CreateAsync(string tenant, string id, SourceSettings settings, string? updatedBy, CancellationToken cancellationToken = default)
    {
        await _store.CaughtUp.WaitAsync(cancellationToken);
        if (_store.Get(tenant, DefinitionKind.Source, id) is not null)
            return null;
        var writeKey = WriteKeys.Generate();
        var source = new Source(tenant, id, settings with { WriteKeyHash = WriteKeys.Hash(writeKey) });
        await PutAsync(source, updatedBy, cancellationToken);
        return new CreatedSource(source, writeKey);
    }

    /// <summary>
    /// Makes sure <paramref name="source"/> of <paramref name="tenant"/> exists and accepts
    /// <paramref name="writeKey"/> (the standalone host's demo source). Keeps the other settings of
    /// an existing source; writes nothing when it already matches. Waits for the definitions to load.
    /// </summary>
    public async Task<Source> EnsureSourceAsync(string tenant, string source, string writeKey, CancellationToken cancellationToken = default)
    {
        if (writeKey.Length < WriteKeys.MinLength)
            throw new ArgumentException($"A write key must have at least {WriteKeys.MinLength} characters.", nameof(writeKey));
        if (!IsValidId(source))
            throw new ArgumentException("A source id is 1-64 characters of lower-case letters, digits, '-' or '_'.", nameof(source));
        await _store.CaughtUp.WaitAsync(cancellationToken);
        var hash = WriteKeys.Hash(writeKey);
        var existing = Find(tenant, source);
        if (existing is not null && existing.Settings.WriteKeyHash == hash)
            return existing;
        var wanted = new Source(tenant, source, (existing?.Settings ?? new SourceSettings { Name = source, WriteKeyHash = hash }) with { WriteKeyHash = hash });
        await PutAsync(wanted, "gateway", cancellationToken);
        return wanted;
    }

    private async Task PutAsync(Source source, string? updatedBy, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(source.Settings, StreamingJson.Options);
        await _store.PutAsync(source.Tenant, DefinitionKind.Source, source.Id, body, updatedBy, cancellationToken);
    }

    private void OnChanged(DefinitionDocument document)
    {
        if (document.Kind != DefinitionKind.Source)
            return;
        var key = document.Key;
        if (_hashByKey.TryRemove(key, out var oldHash))
            _byHash.TryRemove(oldHash, out _);
        if (document.Deleted || Read(document) is not { } source)
            return;
        _byHash[source.Settings.WriteKeyHash] = source;
        _hashByKey[key] = source.Settings.WriteKeyHash;
    }

    private Source? Read(DefinitionDocument document)
    {
        try
        {
            var settings = JsonSerializer.Deserialize<SourceSettings>(document.Body, StreamingJson.Options);
            if (settings is not null && settings.WriteKeyHash.StartsWith("sha256:", StringComparison.Ordinal))
                return new Source(document.Tenant, document.Id, settings);
        }
        catch (JsonException ex)
        {
            _logger.LogError("Source {Key} v{Version} is unreadable and ignored: {Error}", document.Key, document.Version, ex.Message);
            return null;
        }
        _logger.LogError("Source {Key} v{Version} has no writeKeyHash and is ignored", document.Key, document.Version);
        return null;
    }

    public void Dispose() => _store.Changed -= OnChanged;

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}

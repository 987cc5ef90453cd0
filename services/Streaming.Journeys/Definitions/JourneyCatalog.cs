using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Streaming.Contracts.Records;
using Streaming.Journeys.Model;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Journeys.Definitions;

/// <summary>One journey of a tenant as the engine uses it: the status, every published version parsed, the live one.</summary>
public sealed record JourneyEntry(string Tenant, string Id, string Status, long? Live, IReadOnlyDictionary<long, JourneyDefinition> Versions)
{
    /// <summary>The version new entries get, or null when nobody may enter (draft, paused, archived).</summary>
    public JourneyDefinition? Entering => Status == JourneyStatus.Published && Live is { } live ? Versions.GetValueOrDefault(live) : null;
}

/// <summary>
/// The journeys of every tenant, parsed once per change of config.definitions (kind <c>journey</c>),
/// so the engine never parses on the hot path.
/// </summary>
public sealed class JourneyCatalog
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), JourneyEntry> _entries = new();
    private readonly ConcurrentDictionary<string, JourneyEntry[]> _byTenant = new();
    private readonly DefinitionStore _store;
    private readonly ILogger<JourneyCatalog> _logger;

    public JourneyCatalog(DefinitionStore store, ILogger<JourneyCatalog> logger)
    {
        _store = store;
        _logger = logger;
        store.Changed += OnChanged;
        foreach (var document in store.List(DefinitionKind.Journey))
            OnChanged(document);
    }

    /// <summary>Completes once every stored definition has been read.</summary>
    public Task CaughtUp => _store.CaughtUp;

    public JourneyEntry? Find(string tenant, string id) => _entries.GetValueOrDefault((tenant, id));

    public IReadOnlyList<JourneyEntry> Of(string tenant) => _byTenant.GetValueOrDefault(tenant) ?? [];

    /// <summary>Every journey of every tenant (the scheduled-audience runner looks for its own).</summary>
    public IEnumerable<JourneyEntry> All() => _entries.Values;

    private void OnChanged(DefinitionDocument document)
    {
        if (document.Kind != DefinitionKind.Journey)
            return;
        if (document.Deleted)
            _entries.TryRemove((document.Tenant, document.Id), out _);
        else if (Parse(document) is { } entry)
            _entries[(document.Tenant, document.Id)] = entry;
        _byTenant[document.Tenant] = [.. _entries.Values.Where(e => e.Tenant == document.Tenant).OrderBy(e => e.Id, StringComparer.Ordinal)];
    }

    private JourneyEntry? Parse(DefinitionDocument document)
    {
        try
        {
            var body = JourneyDocument.Read(document.Body);
            var versions = new Dictionary<long, JourneyDefinition>();
            foreach (var version in body.Versions)
            {
                var parsed = JourneyParser.Parse(version.Definition.ToJsonString());
                if (parsed.IsValid)
                    versions[version.Version] = parsed.Value!;
                else
                    _logger.LogError("Journey {Tenant}/{Id} v{Version} no longer validates: {Errors}", document.Tenant, document.Id, version.Version, string.Join("; ", parsed.Errors));
            }
            return new JourneyEntry(document.Tenant, document.Id, body.Status, body.Live, versions);
        }
        catch (System.Text.Json.JsonException ex)
        {
            _logger.LogError("Skipping unreadable journey {Tenant}/{Id}: {Error}", document.Tenant, document.Id, ex.Message);
            return null;
        }
    }
}

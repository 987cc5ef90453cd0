using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Admin;

/// <summary>Why a presented key was not accepted.</summary>
public enum KeyRefusal
{
    None,
    Unknown,
    NotLoaded,
}

/// <summary>
/// The API keys of every tenant, read live from <c>config.definitions</c> (kind <c>api-key</c>), plus the
/// bootstrap key of <c>Admin:ApiKey</c> (or its hash, <c>Admin:ApiKeyHash</c>): every instance of every
/// service authorises the same keys. Keys are verified by hash in constant time and never kept in memory.
/// </summary>
public sealed class ApiKeyRegistry : IDisposable
{
    private readonly DefinitionStore _store;
    private readonly ILogger<ApiKeyRegistry> _logger;
    private readonly string _bootstrapHash;
    private readonly ConcurrentDictionary<string, ApiKeyEntry> _byId = new(StringComparer.Ordinal);

    public ApiKeyRegistry(DefinitionStore store, IOptions<AdminOptions> options, ILogger<ApiKeyRegistry> logger)
    {
        _store = store;
        _logger = logger;
        _bootstrapHash = options.Value.ApiKey.Length > 0 ? ApiKeySecrets.Hash(options.Value.ApiKey) : options.Value.ApiKeyHash;
        _store.Changed += OnChanged;
        foreach (var document in _store.List(DefinitionKind.ApiKey))
            OnChanged(document);
    }

    /// <summary>The key's caller identity (tenant not yet selected), or why it is refused.</summary>
    public (ApiKeyEntry? Key, KeyRefusal Refusal) Verify(string presented)
    {
        if (ApiKeySecrets.Matches(presented, _bootstrapHash))
            return (new ApiKeyEntry(ApiCaller.BootstrapKeyId, ApiCaller.AllTenants, ApiRole.Admin, "bootstrap (Admin:ApiKey)", _bootstrapHash, 0, null), KeyRefusal.None);
        if (ApiKeySecrets.IdOf(presented) is not { } id)
            return (null, KeyRefusal.Unknown);
        if (_byId.TryGetValue(id, out var entry))
            return ApiKeySecrets.Matches(presented, entry.KeyHash) ? (entry, KeyRefusal.None) : (null, KeyRefusal.Unknown);
        return (null, _store.CaughtUp.IsCompletedSuccessfully ? KeyRefusal.Unknown : KeyRefusal.NotLoaded);
    }

    public ApiKeyEntry? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Keys bound to <paramref name="tenant"/> (<c>*</c>: the all-tenant keys).</summary>
    public IReadOnlyList<ApiKeyEntry> List(string tenant) =>
        [.. _byId.Values.Where(k => k.Tenant == tenant).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];

    /// <summary>Stores a new key (hashed) and returns it; the only time the key exists outside its holder.</summary>
    public async Task<(ApiKeyEntry Entry, string Key)> CreateAsync(string tenant, ApiRole role, string name, string createdBy, CancellationToken cancellationToken)
    {
        await _store.CaughtUp.WaitAsync(cancellationToken);
        var (id, key) = ApiKeySecrets.Generate();
        var definition = new ApiKeyDefinition(name, role.Name(), ApiKeySecrets.Hash(key), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), createdBy);
        var document = await _store.PutAsync(tenant, DefinitionKind.ApiKey, id, JsonSerializer.Serialize(definition, StreamingJson.Options), createdBy, cancellationToken);
        OnChanged(document); // the store may return before its listeners ran: apply our own write now (idempotent)
        return (_byId[id], key);
    }

    public async Task RevokeAsync(ApiKeyEntry key, string revokedBy, CancellationToken cancellationToken)
    {
        var document = await _store.DeleteAsync(key.Tenant, DefinitionKind.ApiKey, key.Id, revokedBy, cancellationToken);
        OnChanged(document);
    }

    private void OnChanged(DefinitionDocument document)
    {
        if (document.Kind != DefinitionKind.ApiKey)
            return;
        if (document.Deleted)
        {
            _byId.TryRemove(document.Id, out _);
            return;
        }
        try
        {
            var body = JsonSerializer.Deserialize<ApiKeyDefinition>(document.Body, StreamingJson.Options);
            if (body is not null && ApiKeySecrets.IsValidId(document.Id) && ApiRoles.TryParse(body.Role, out var role) && body.KeyHash.StartsWith("sha256:", StringComparison.Ordinal))
            {
                _byId[document.Id] = new ApiKeyEntry(document.Id, document.Tenant, role, body.Name, body.KeyHash, body.CreatedAt, body.CreatedBy);
                return;
            }
        }
        catch (JsonException ex)
        {
            _logger.LogError("API key {Tenant}/{Id} v{Version} is unreadable and ignored: {Error}", document.Tenant, document.Id, document.Version, ex.Message);
            return;
        }
        _logger.LogError("API key {Tenant}/{Id} v{Version} has no valid role or hash and is ignored", document.Tenant, document.Id, document.Version);
    }

    public void Dispose() => _store.Changed -= OnChanged;
}

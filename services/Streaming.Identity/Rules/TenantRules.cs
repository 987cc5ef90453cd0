using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Identity.Rules;

/// <summary>
/// The rules of every tenant: the service defaults, overridden by the tenant's definition document
/// (kind <c>identity-rules</c>, id <c>rules</c>) as it arrives on <c>config.definitions</c>. A
/// document that does not validate is logged and ignored: the tenant keeps its last valid rules.
/// </summary>
public sealed class TenantRules
{
    public const string DocumentId = "rules";

    private readonly ConcurrentDictionary<string, IdentityRules> _byTenant = new();
    private readonly ILogger _logger;
    private readonly Task _loaded;

    public TenantRules(IdentityRules defaults, DefinitionStore? store = null, ILogger<TenantRules>? logger = null)
    {
        Defaults = defaults;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _loaded = store?.CaughtUp ?? Task.CompletedTask;
        if (store is not null)
        {
            // Subscribe before listing, so nothing read in between is missed.
            store.Changed += Apply;
            foreach (var document in store.List(DefinitionKind.IdentityRules))
                Apply(document);
        }
    }

    public IdentityRules Defaults { get; }

    /// <summary>Completes once the definitions present at start have been read.</summary>
    public Task Loaded => _loaded;

    public IdentityRules For(string tenant) => _byTenant.GetValueOrDefault(tenant) ?? Defaults;

    /// <summary>Takes a definition document into account (ignores other kinds).</summary>
    public void Apply(DefinitionDocument document)
    {
        if (document.Kind != DefinitionKind.IdentityRules || document.Id != DocumentId)
            return;
        if (document.Deleted)
        {
            _byTenant.TryRemove(document.Tenant, out _);
            return;
        }
        var rules = Validate(document.Body, out var errors);
        if (rules is null)
        {
            _logger.LogError("Identity rules v{Version} of tenant {Tenant} are invalid and ignored: {Errors}", document.Version, document.Tenant, string.Join(" ", errors));
            return;
        }
        _byTenant[document.Tenant] = rules;
        _logger.LogInformation("Identity rules v{Version} of tenant {Tenant} loaded", document.Version, document.Tenant);
    }

    /// <summary>Rules from a JSON document laid over the defaults, or null with the errors.</summary>
    public IdentityRules? Validate(string json, out IReadOnlyList<string> errors)
    {
        IdentityRulesDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<IdentityRulesDocument>(json, StreamingJson.Options);
        }
        catch (JsonException ex)
        {
            errors = [$"The rules are not valid JSON for an identity-rules document: {ex.Message}"];
            return null;
        }
        return Defaults.With(document, out errors);
    }
}

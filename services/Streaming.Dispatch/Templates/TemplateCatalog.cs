using System.Collections.Concurrent;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Dispatch.Templates;

/// <summary>The tenant's templates from <c>config.definitions</c>, compiled once per version.</summary>
public sealed class TemplateCatalog(DefinitionStore definitions)
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), (long Version, CompiledTemplate? Template)> _compiled = new();

    /// <summary>The template, or null when the tenant has none by that id (or the stored one does not compile).</summary>
    public CompiledTemplate? Find(string tenant, string id)
    {
        if (definitions.Get(tenant, TemplateDefinition.Kind, id) is not { } document)
            return null;
        if (_compiled.TryGetValue((tenant, id), out var cached) && cached.Version == document.Version)
            return cached.Template;
        var template = TemplateCompiler.Compile(id, document.Body).Template;
        _compiled[(tenant, id)] = (document.Version, template);
        return template;
    }
}

using System.Text.Json;
using Fluid;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults;

namespace Streaming.Dispatch.Templates;

/// <summary>One thing wrong with a template: where (e.g. <c>variants.de.text</c>) and what to fix.</summary>
public sealed record TemplateError(string Field, string Message);

/// <summary>A template ready to render: every part of every locale parsed once.</summary>
public sealed record CompiledTemplate(string Id, TemplateDefinition Definition, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IFluidTemplate>> Parts);

/// <summary>
/// Reads and validates a template definition: a known channel, a variant for the default locale, and
/// every part valid Liquid that reads only known variables (<see cref="VariableRoots.Known"/>). Errors
/// name the field and the fix; a template that saves renders.
/// </summary>
public static class TemplateCompiler
{
    private static readonly FluidParser Parser = new();

    public static (CompiledTemplate? Template, IReadOnlyList<TemplateError> Errors) Compile(string id, string json)
    {
        TemplateDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<TemplateDefinition>(json, StreamingJson.Options);
        }
        catch (JsonException ex)
        {
            return (null, [new TemplateError(ex.Path ?? "$", $"not valid template JSON: {ex.Message}")]);
        }
        if (definition is null)
            return (null, [new TemplateError("$", "the body is empty; send {\"channel\": \"sms\", \"variants\": {\"en\": {\"text\": \"...\"}}}")]);

        var errors = new List<TemplateError>();
        if (!TopicCatalog.Channels.Contains(definition.Channel))
            errors.Add(new TemplateError("channel", $"'{definition.Channel}' is not a channel; use one of {string.Join(", ", TopicCatalog.Channels)}."));
        if (definition.Variants.Count == 0)
            errors.Add(new TemplateError("variants", "a template needs at least one locale variant, e.g. \"variants\": {\"en\": {\"text\": \"Hello {{ person.traits.first_name }}\"}}."));
        else if (!definition.Variants.ContainsKey(definition.DefaultLocale))
            errors.Add(new TemplateError("defaultLocale", $"no variant for the default locale '{definition.DefaultLocale}'; add it or set defaultLocale to one of {string.Join(", ", definition.Variants.Keys)}."));
        if (definition.Channel == "wechat" && definition.Variants.Values.Any(v => string.IsNullOrWhiteSpace(v.ProviderTemplateId)))
            errors.Add(new TemplateError("variants.*.providerTemplateId", "a wechat template names the WeChat template id of every variant."));
        if (definition.Channel == "email" && definition.Variants.Values.Any(v => string.IsNullOrWhiteSpace(v.Subject)))
            errors.Add(new TemplateError("variants.*.subject", "an e-mail template needs a subject in every variant."));

        var parts = new Dictionary<string, IReadOnlyDictionary<string, IFluidTemplate>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (locale, variant) in definition.Variants)
        {
            var compiled = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
            foreach (var (field, text) in variant.Parts())
            {
                var path = $"variants.{locale}.{field}";
                if (!Parser.TryParse(text, out var template, out var syntaxError))
                {
                    errors.Add(new TemplateError(path, $"Liquid syntax error: {syntaxError}"));
                    continue;
                }
                foreach (var unknown in VariableRoots.Unknown(template))
                    errors.Add(new TemplateError(path, $"unknown variable '{unknown}'; templates read person.traits.*, person.id, event.*, vars.*, links.unsubscribe and links.open_pixel."));
                compiled[field] = template;
            }
            parts[locale] = compiled;
        }
        return errors.Count > 0 ? (null, errors) : (new CompiledTemplate(id, definition, parts), []);
    }
}

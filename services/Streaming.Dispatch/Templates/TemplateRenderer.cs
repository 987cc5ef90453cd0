using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Streaming.Dispatch.Templates;

/// <summary>
/// Renders a compiled template for one person: picks the variant of the person's locale (exact, then
/// its language, then the default), and renders every part. HTML parts are HTML-encoded, the others not.
/// </summary>
public static class TemplateRenderer
{
    public static async ValueTask<RenderedContent> RenderAsync(CompiledTemplate template, TemplateModel model)
    {
        var locale = PickLocale(template, model.Locale);
        var parts = template.Parts[locale];
        var context = new TemplateContext(TemplateOptions.Default);
        foreach (var (name, value) in model.Roots())
            context.SetValue(name, FluidValue.Create(value, TemplateOptions.Default));

        async ValueTask<string?> Part(string field, TextEncoder encoder) =>
            parts.TryGetValue(field, out var part) ? await part.RenderAsync(context, encoder) : null;

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in template.Definition.Variants[locale].Data.Keys)
            data[key] = (await Part($"data.{key}", NullEncoder.Default))!;
        return new RenderedContent(
            locale,
            await Part("subject", NullEncoder.Default),
            await Part("title", NullEncoder.Default),
            (await Part("text", NullEncoder.Default))!,
            await Part("html", HtmlEncoder.Default),
            data,
            template.Definition.Variants[locale].ProviderTemplateId);
    }

    public static string PickLocale(CompiledTemplate template, string? wanted)
    {
        if (wanted is { Length: > 0 })
        {
            if (template.Parts.ContainsKey(wanted))
                return wanted;
            var language = wanted.Split('-', '_')[0];
            if (template.Parts.ContainsKey(language))
                return language;
        }
        return template.Definition.DefaultLocale;
    }
}

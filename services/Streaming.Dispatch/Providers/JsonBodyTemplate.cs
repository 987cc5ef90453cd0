using System.Text.Encodings.Web;
using Fluid;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// A provider's request body written in Liquid (a generic HTTP provider's <c>BodyTemplate</c>); every
/// value is JSON-escaped, so a message text with quotes or newlines still makes valid JSON.
/// </summary>
public sealed class JsonBodyTemplate
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = TemplateOptions.Default;
    private readonly IFluidTemplate _template;

    public JsonBodyTemplate(string text)
    {
        if (!Parser.TryParse(text, out var template, out var error))
            throw new ArgumentException($"The provider body template does not parse: {error}", nameof(text));
        _template = template;
    }

    public string Render(IReadOnlyDictionary<string, string?> values)
    {
        var context = new TemplateContext(Options);
        foreach (var (key, value) in values)
            context.SetValue(key, value ?? "");
        return _template.Render(context, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    }

    public static bool IsValid(string text, out string? error) => Parser.TryParse(text, out _, out error);
}

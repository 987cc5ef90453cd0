using System.Text.Json.Nodes;
using Streaming.Dispatch.Templates;

namespace Streaming.Dispatch.Tests.Templates;

public sealed class TemplateCompiler_ValidationTests
{
    [Fact]
    public void TemplateCompiler_names_unknown_variables_and_syntax_errors_by_field()
    {
        var (template, errors) = TemplateCompiler.Compile("t", """
            {"channel": "sms", "defaultLocale": "en", "variants": {
              "en": {"text": "Hi {{ person.traits.first_name }}, {{ coupon }} {% assign x = vars.code %}{{ x }}"},
              "de": {"text": "Hallo {{ person.traits.first_name "}
            }}
            """);

        Assert.Null(template);
        Assert.Contains(errors, e => e.Field == "variants.en.text" && e.Message.Contains("unknown variable 'coupon'", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Message.Contains("'x'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "variants.de.text" && e.Message.StartsWith("Liquid syntax error", StringComparison.Ordinal));
    }

    [Fact]
    public void TemplateCompiler_refuses_an_unknown_channel_and_a_missing_default_locale()
    {
        var (_, errors) = TemplateCompiler.Compile("t", """{"channel": "fax", "defaultLocale": "fr", "variants": {"en": {"text": "x"}}}""");

        Assert.Contains(errors, e => e.Field == "channel");
        Assert.Contains(errors, e => e.Field == "defaultLocale");
    }

    [Fact]
    public async Task TemplateRenderer_renders_the_persons_locale_variant_and_falls_back_to_the_language_then_the_default()
    {
        var (template, errors) = TemplateCompiler.Compile("t", """
            {"channel": "email", "defaultLocale": "en", "variants": {
              "en": {"subject": "Hi {{ person.traits.first_name }}", "text": "Code {{ vars.code }}", "html": "<b>{{ person.traits.first_name }}</b>"},
              "de": {"subject": "Hallo {{ person.traits.first_name }}", "text": "Code {{ vars.code }} für {{ event.product }}"}
            }}
            """);
        Assert.Empty(errors);

        var german = await TemplateRenderer.RenderAsync(template!, Model("de-AT", "Jörg <3"));
        var other = await TemplateRenderer.RenderAsync(template!, Model("fr", "Ann"));

        Assert.Equal("de", german.Locale);
        Assert.Equal("Hallo Jörg <3", german.Subject);
        Assert.Equal("Code X1 für Shoes", german.Text);
        Assert.Equal("en", other.Locale);
        Assert.Equal("<b>Ann</b>", other.Html);
        var escaped = await TemplateRenderer.RenderAsync(template!, Model("en", "<script>"));
        Assert.Equal("<b>&lt;script&gt;</b>", escaped.Html);
    }

    private static TemplateModel Model(string locale, string name) => new(
        42,
        new JsonObject { ["locale"] = locale, ["first_name"] = name },
        new JsonObject { ["product"] = "Shoes" },
        new JsonObject { ["code"] = "X1" },
        new Dictionary<string, string>());
}

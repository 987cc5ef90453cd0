namespace Streaming.Dispatch.Templates;

/// <summary>
/// A message template (definition kind <c>template</c>): its channel, default locale and the variant per
/// locale, each in Liquid over <c>person</c> (id, traits), <c>event</c> (the trigger's properties),
/// <c>vars</c> (the request's variables) and <c>links</c> (unsubscribe, open_pixel).
/// </summary>
public sealed record TemplateDefinition
{
    public const string Kind = "template";

    public string Channel { get; init; } = "";

    public string DefaultLocale { get; init; } = "en";

    public Dictionary<string, TemplateVariant> Variants { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One locale's content; which parts a channel uses: sms text; push title, text, data; email subject, text, html; webhook subject, text, data; wechat providerTemplateId, data.</summary>
public sealed record TemplateVariant
{
    public string? Subject { get; init; }

    public string? Title { get; init; }

    public string Text { get; init; } = "";

    public string? Html { get; init; }

    public Dictionary<string, string> Data { get; init; } = new(StringComparer.Ordinal);

    public string? ProviderTemplateId { get; init; }

    public IEnumerable<(string Field, string Text)> Parts()
    {
        if (Subject is not null)
            yield return ("subject", Subject);
        if (Title is not null)
            yield return ("title", Title);
        yield return ("text", Text);
        if (Html is not null)
            yield return ("html", Html);
        foreach (var (key, value) in Data)
            yield return ($"data.{key}", value);
    }
}

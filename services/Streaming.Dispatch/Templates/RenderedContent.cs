namespace Streaming.Dispatch.Templates;

/// <summary>A template rendered for one person: the parts its channel uses, and the locale chosen.</summary>
public sealed record RenderedContent(string Locale, string? Subject, string? Title, string Text, string? Html, IReadOnlyDictionary<string, string> Data, string? ProviderTemplateId);

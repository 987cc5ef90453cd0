namespace Streaming.Gateway.Enrichment;

/// <summary>
/// A configured PII path (Gateway:PiiFields, a source's <c>piiPaths</c>): <c>traits.a.b</c> (event
/// traits and context.traits), <c>properties.a.b</c> or <c>context.a.b</c>. Segments are compared
/// like PII names: case- and separator-insensitive.
/// </summary>
public sealed record PiiField(string Root, IReadOnlyList<string> Segments)
{
    public const int MaxDepth = 8;
    private static readonly string[] Roots = ["traits", "properties", "context"];

    public static bool TryParse(string text, out PiiField field)
    {
        field = null!;
        var parts = text.Split('.');
        if (parts.Length < 2 || parts.Length > MaxDepth + 1 || !Roots.Contains(parts[0]) || parts.Any(p => p.Trim().Length == 0))
            return false;
        field = new PiiField(parts[0], parts[1..]);
        return true;
    }

    public const string Hint = "a dotted path starting with traits., properties. or context. (at most 8 names after the root), e.g. 'traits.member_card' or 'properties.billing.contact'";
}

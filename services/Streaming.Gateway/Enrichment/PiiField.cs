namespace Streaming.Gateway.Enrichment;

public enum PiiScope { Traits, Properties }

/// <summary>A configured PII field: <c>traits.&lt;name&gt;</c> (event traits and context.traits) or <c>properties.&lt;name&gt;</c>.</summary>
public sealed record PiiField(PiiScope Scope, string Name)
{
    public string HashName => Name + "_hash";

    public static bool TryParse(string text, out PiiField field)
    {
        field = null!;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1 || text.IndexOf('.', dot + 1) >= 0)
            return false;
        PiiScope? scope = text[..dot] switch
        {
            "traits" => PiiScope.Traits,
            "properties" => PiiScope.Properties,
            _ => null,
        };
        if (scope is null)
            return false;
        field = new PiiField(scope.Value, text[(dot + 1)..]);
        return true;
    }
}

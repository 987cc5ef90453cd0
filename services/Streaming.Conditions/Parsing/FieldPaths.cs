using Streaming.Conditions.Model;

namespace Streaming.Conditions.Parsing;

/// <summary>Reads the text form of <see cref="FieldPath"/>.</summary>
public static class FieldPaths
{
    public const string Help = "must be a path such as \"revenue\" (= properties.revenue), \"properties.product.sku\", \"context.app.version\", \"traits.plan\" or an attribute ($name, $type, $source, $channel, $day, $hour, $userId, $anonymousId)";

    public static bool TryParse(string text, out FieldPath path, out string? problem)
    {
        path = null!;
        problem = null;
        if (text.StartsWith('$'))
        {
            if (!FieldPath.Attributes.Contains(text))
            {
                problem = $"unknown attribute '{text}'; attributes are {string.Join(", ", FieldPath.Attributes)}";
                return false;
            }
            path = FieldPath.Attribute(text);
            return true;
        }
        var segments = text.Split('.');
        if (text.Length == 0 || text.Length > 200 || segments.Any(s => s.Length == 0))
        {
            problem = Help + $" (got \"{text}\")";
            return false;
        }
        var root = segments[0] switch
        {
            "properties" => FieldRoot.Properties,
            "context" => FieldRoot.Context,
            "traits" => FieldRoot.Traits,
            _ => (FieldRoot?)null,
        };
        if (root is not null && segments.Length == 1)
        {
            problem = $"'{text}' names a whole object; give a value inside it, e.g. \"{text}.name\"";
            return false;
        }
        path = root is null ? new FieldPath(FieldRoot.Properties, segments) : new FieldPath(root.Value, segments[1..]);
        return true;
    }
}

using System.Text.Json;

namespace Streaming.Conditions.Parsing;

/// <summary>
/// JSON may escape a lone surrogate ("\ud800"), which is no .NET string: readers check a document
/// once up front, so that everything after it can read strings freely.
/// </summary>
public static class JsonTexts
{
    /// <summary>Where the texts that are no .NET string are: a value at <c>Path</c>, or a key of the object at <c>Path</c> (<c>Key</c>).</summary>
    public static IEnumerable<(string Path, bool Key)> Unreadable(JsonElement node, string path)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.String:
                if (!Readable(node))
                    yield return (path, false);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in node.EnumerateArray())
                {
                    foreach (var found in Unreadable(item, $"{path}[{i}]"))
                        yield return found;
                    i++;
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    if (Name(property) is not { } name)
                    {
                        yield return (path, true);
                        continue;
                    }
                    foreach (var found in Unreadable(property.Value, path is "" or "$" ? name : $"{path}.{name}"))
                        yield return found;
                }
                break;
        }
    }

    private static string? Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool Readable(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

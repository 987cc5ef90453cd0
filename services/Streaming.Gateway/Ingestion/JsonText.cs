using System.Text.Json;

namespace Streaming.Gateway.Ingestion;

public static class JsonText
{
    /// <summary>
    /// The string value, or false when the JSON escapes do not form valid Unicode (a lone surrogate
    /// like "\ud800" parses as JSON but has no .NET string).
    /// </summary>
    public static bool TryGetString(JsonElement value, out string text)
    {
        text = "";
        if (value.ValueKind != JsonValueKind.String)
            return false;
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The member's name, or false when its escapes do not form valid Unicode (see <see cref="TryGetString"/>).</summary>
    public static bool TryGetName(JsonProperty member, out string name)
    {
        try
        {
            name = member.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }
}

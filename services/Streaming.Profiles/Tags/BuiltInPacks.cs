using System.Text.Json;
using System.Text.Json.Nodes;

namespace Streaming.Profiles.Tags;

/// <summary>A tag of a built-in pack: an ordinary definition a tenant installs, copies and changes.</summary>
public sealed record PackTag(string Id, string Definition);

public sealed record TagPack(string Name, string Description, IReadOnlyList<PackTag> Tags);

/// <summary>The built-in packs (behaviour, rfm, lifecycle), shipped as JSON resources in Packs/.</summary>
public static class BuiltInPacks
{
    private static readonly Lazy<IReadOnlyList<TagPack>> Loaded = new(Load);

    public static IReadOnlyList<TagPack> All => Loaded.Value;

    public static TagPack? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    private static List<TagPack> Load()
    {
        var assembly = typeof(BuiltInPacks).Assembly;
        var packs = new List<TagPack>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Packs.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            var root = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
            var tags = root["tags"]!.AsArray().Select(t => new PackTag((string)t!["id"]!, t["definition"]!.ToJsonString())).ToList();
            packs.Add(new TagPack((string)root["pack"]!, (string)root["description"]!, tags));
        }
        return packs;
    }
}

using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>Reads YAML into plain maps, lists and strings, and walks them by key.</summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static IReadOnlyList<Dictionary<object, object>> ReadDocuments(string text)
    {
        var parser = new MergingParser(new Parser(new StringReader(text)));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object?>(parser) is Dictionary<object, object> map)
            {
                documents.Add(map);
            }
        }

        return documents;
    }

    public static Dictionary<object, object> ReadDocument(string text) =>
        ReadDocuments(text).SingleOrDefault() ?? [];

    /// <summary>The value at a path of keys, or null when any step is missing.</summary>
    public static object? At(this object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static Dictionary<object, object>? Map(this object? node, params string[] path) =>
        node.At(path) as Dictionary<object, object>;

    public static IReadOnlyList<object> List(this object? node, params string[] path) =>
        node.At(path) as List<object> ?? [];

    public static string? Text(this object? node, params string[] path) => node.At(path) as string;
}

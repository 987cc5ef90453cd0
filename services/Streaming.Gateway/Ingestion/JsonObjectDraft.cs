using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Streaming.Gateway.Ingestion;

/// <summary>
/// A JSON object being rewritten: the sender's members are copied byte for byte (never decoded and
/// re-encoded, so odd escapes survive untouched), the gateway's members are added or replace them.
/// Untouched objects are written back as their original text.
/// </summary>
public sealed class JsonObjectDraft
{
    private readonly JsonElement? _original;
    private List<Member>? _members;

    private readonly record struct Member(JsonProperty? Original, string? Name, byte[]? Json, JsonObjectDraft? Child);

    public JsonObjectDraft(JsonElement? original = null)
    {
        if (original is { ValueKind: not JsonValueKind.Object })
            throw new ArgumentException("A JsonObjectDraft starts from a JSON object.", nameof(original));
        _original = original;
    }

    /// <summary>The sender's object with the members of <paramref name="defaults"/> it lacks (batch-level context).</summary>
    public static JsonObjectDraft Merge(JsonElement? own, JsonElement? defaults)
    {
        var draft = new JsonObjectDraft(own);
        if (defaults is not { } fallback)
            return draft;
        if (own is null)
            return new JsonObjectDraft(fallback);
        var members = draft.Materialize();
        foreach (var property in fallback.EnumerateObject())
        {
            if (!own.Value.TryGetProperty(JsonMarshal.GetRawUtf8PropertyName(property), out _))
                members.Add(new Member(property, null, null, null));
        }
        return draft;
    }

    public bool IsEmpty => _members is null ? _original is null || !_original.Value.EnumerateObject().Any() : _members.Count == 0;

    /// <summary>The sender's value of a member (before any change made here).</summary>
    public bool TryGetOriginal(string name, out JsonElement value)
    {
        if (_members is null)
        {
            if (_original is { } original)
                return original.TryGetProperty(name, out value);
            value = default;
            return false;
        }
        foreach (var member in _members)
        {
            if (member.Original is { } p && p.NameEquals(name))
            {
                value = p.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The sender's members still present (the gateway's own excluded), as a snapshot safe to change the draft under.</summary>
    public List<JsonProperty> OriginalMembers()
    {
        var found = new List<JsonProperty>();
        if (_members is null)
        {
            if (_original is { } original)
            {
                foreach (var property in original.EnumerateObject())
                    found.Add(property);
            }
            return found;
        }
        foreach (var member in _members)
        {
            if (member.Original is { } p)
                found.Add(p);
        }
        return found;
    }

    public bool Has(string name)
    {
        if (_members is null)
            return _original is { } original && original.TryGetProperty(name, out _);
        foreach (var member in _members)
        {
            if (member.Original is { } p ? p.NameEquals(name) : member.Name == name)
                return true;
        }
        return false;
    }

    public void SetString(string name, string value) => SetJson(name, EncodeString(value));

    public void SetBool(string name, bool value) => SetJson(name, value ? "true"u8.ToArray() : "false"u8.ToArray());

    /// <summary>Sets a member to JSON text (already valid JSON).</summary>
    public void SetJson(string name, byte[] json)
    {
        Remove(name);
        Materialize().Add(new Member(null, name, json, null));
    }

    /// <summary>
    /// The object member <paramref name="name"/> as a draft to change in place: the sender's object
    /// when it is one, otherwise a new object replacing whatever was there.
    /// </summary>
    public JsonObjectDraft Child(string name)
    {
        var members = Materialize();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member.Child is not null && member.Name == name)
                return member.Child;
            if (member.Original is { } p && p.NameEquals(name) && p.Value.ValueKind == JsonValueKind.Object)
            {
                var child = new JsonObjectDraft(p.Value);
                members[i] = new Member(p, name, null, child);
                return child;
            }
        }
        Remove(name);
        var created = new JsonObjectDraft();
        members.Add(new Member(null, name, null, created));
        return created;
    }

    public bool Remove(string name)
    {
        if (!Has(name))
            return false;
        Materialize().RemoveAll(m => m.Original is { } p && m.Child is null ? p.NameEquals(name) : m.Name == name);
        return true;
    }

    public void WriteTo(IBufferWriter<byte> output)
    {
        if (_members is null)
        {
            if (_original is { } original)
                output.Write(JsonMarshal.GetRawUtf8Value(original));
            else
                output.Write("{}"u8);
            return;
        }
        output.Write("{"u8);
        var first = true;
        foreach (var member in _members)
        {
            if (!first)
                output.Write(","u8);
            first = false;
            if (member.Original is { } p)
            {
                output.Write("\""u8);
                output.Write(JsonMarshal.GetRawUtf8PropertyName(p));
                output.Write("\":"u8);
            }
            else
            {
                output.Write(EncodeString(member.Name!));
                output.Write(":"u8);
            }
            if (member.Child is not null)
                member.Child.WriteTo(output);
            else if (member.Json is not null)
                output.Write(member.Json);
            else
                output.Write(JsonMarshal.GetRawUtf8Value(member.Original!.Value.Value));
        }
        output.Write("}"u8);
    }

    public string ToJson()
    {
        if (_members is null)
            return _original is { } original ? Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(original)) : "{}";
        var buffer = Scratch;
        buffer.ResetWrittenCount();
        WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override string ToString() => ToJson();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    private static ArrayBufferWriter<byte> Scratch => _scratch ??= new ArrayBufferWriter<byte>(4096);

    private const int EncodedCacheLimit = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> EncodedCache = new(StringComparer.Ordinal);
    private static int _encodedCount;

    /// <summary>
    /// A JSON string literal (quotes included), escaped the platform's way. Short values repeat
    /// (device types, OS and browser names and versions), so their encodings are kept; the arrays
    /// are only ever read.
    /// </summary>
    public static byte[] EncodeString(string value)
    {
        if (value.Length > 24)
            return Encode(value);
        if (EncodedCache.TryGetValue(value, out var cached))
            return cached;
        var encoded = Encode(value);
        // A counter, not EncodedCache.Count (which takes every lock): client IPs keep missing once it is full.
        if (Volatile.Read(ref _encodedCount) < EncodedCacheLimit && EncodedCache.TryAdd(value, encoded))
            Interlocked.Increment(ref _encodedCount);
        return encoded;
    }

    private static byte[] Encode(string value)
    {
        var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var bytes = new byte[encoded.Length + 2];
        bytes[0] = (byte)'"';
        encoded.CopyTo(bytes.AsSpan(1));
        bytes[^1] = (byte)'"';
        return bytes;
    }

    private List<Member> Materialize()
    {
        if (_members is not null)
            return _members;
        // Sized once: the gateway adds a few members (ip, device, os, browser) to the sender's.
        _members = new List<Member>(_original is { } sized ? sized.GetPropertyCount() + 4 : 4);
        if (_original is { } original)
        {
            foreach (var property in original.EnumerateObject())
                _members.Add(new Member(property, null, null, null));
        }
        return _members;
    }
}

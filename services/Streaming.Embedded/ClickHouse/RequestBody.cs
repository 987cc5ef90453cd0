using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using ZstdSharp;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Request and response bodies in the HTTP encodings ClickHouse accepts: a request body is
/// decoded by its <c>Content-Encoding</c>; a response is encoded when the client asked for it
/// (<c>enable_http_compression=1</c> and an <c>Accept-Encoding</c> the endpoint knows).
/// </summary>
public static class RequestBody
{
    /// <summary>Encodings the endpoint can answer in, preferred first.</summary>
    private static readonly string[] AnswerEncodings = ["zstd", "br", "lz4", "gzip", "deflate"];

    /// <summary>Wraps <paramref name="body"/> so it reads decoded bytes; null when the encoding is unknown.</summary>
    public static Stream? Decode(Stream body, string? contentEncoding)
    {
        var encoding = contentEncoding?.Trim().ToLowerInvariant();
        return encoding switch
        {
            null or "" or "identity" or "none" => body,
            "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress),
            "deflate" => new ZLibStream(body, CompressionMode.Decompress),
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            "zstd" => new DecompressionStream(body),
            "lz4" => LZ4Stream.Decode(body),
            _ => null,
        };
    }

    /// <summary>
    /// The encoding to answer with, preferring what ClickHouse prefers; null for none. ClickHouse
    /// compresses only when the request set <c>enable_http_compression</c>.
    /// </summary>
    public static string? ChooseResponseEncoding(string? acceptEncoding, bool compressionEnabled)
    {
        if (!compressionEnabled || string.IsNullOrWhiteSpace(acceptEncoding))
        {
            return null;
        }

        var offered = acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.Split(';', 2)[0].Trim().ToLowerInvariant())
            .ToHashSet();
        return AnswerEncodings.FirstOrDefault(offered.Contains);
    }

    /// <summary>Wraps <paramref name="output"/> so written bytes are encoded with <paramref name="encoding"/>.</summary>
    public static Stream Encode(Stream output, string encoding) => encoding switch
    {
        "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "zstd" => new CompressionStream(output, level: 1, leaveOpen: true),
        "lz4" => LZ4Stream.Encode(output, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unsupported response encoding"),
    };
}

using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace Streaming.Gateway.Http;

/// <summary>
/// Reads a request body into a pooled buffer, stopping one byte past the limit (so an oversized
/// body costs at most the limit to refuse). Decodes <c>Content-Encoding: gzip</c>; the limit applies
/// to the decoded JSON.
/// </summary>
public sealed class RequestBody : IDisposable
{
    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length, bool tooLarge)
    {
        _buffer = buffer;
        Length = length;
        TooLarge = tooLarge;
    }

    public int Length { get; }

    public bool TooLarge { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public bool UnsupportedEncoding { get; private init; }

    public static async Task<RequestBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit && !IsGzip(request))
            return new RequestBody([], 0, tooLarge: true);
        var encoding = request.Headers.ContentEncoding.ToString();
        var body = request.Body;
        GZipStream? gzip = null;
        if (IsGzip(request))
            body = gzip = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            return new RequestBody([], 0, tooLarge: false) { UnsupportedEncoding = true };

        var initial = request.ContentLength is > 0 and var length && length <= limit && gzip is null ? (int)length + 1 : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initial, limit + 1));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > limit)
                        break;
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, limit + 1) - total), cancellationToken);
                if (read == 0)
                    break;
                total += read;
                if (total > limit)
                    break;
            }
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new RequestBody([], 0, tooLarge: false) { UnsupportedEncoding = true };
        }
        finally
        {
            if (gzip is not null)
                await gzip.DisposeAsync();
        }
        return new RequestBody(buffer, Math.Min(total, limit + 1), total > limit);
    }

    private static bool IsGzip(HttpRequest request) =>
        request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

using System.Text;
using Microsoft.AspNetCore.Http;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// What a ClickHouse HTTP request asks for, read from its query string and headers the way
/// ClickHouse's HTTP handler reads them: <c>query</c>, <c>database</c>, <c>default_format</c>,
/// <c>query_id</c>, <c>param_&lt;name&gt;</c>, credentials, and every other key as a setting for
/// this request only.
/// </summary>
public sealed class ClickHouseRequest
{
    // Keys the HTTP layer consumes itself; everything else in the query string is an engine setting.
    private static readonly HashSet<string> HttpKeys = new(StringComparer.Ordinal)
    {
        "query", "database", "default_format", "query_id", "user", "password", "quota_key",
        "session_id", "session_timeout", "session_check", "compress", "decompress", "buffer_size",
        "wait_end_of_query", "enable_http_compression", "http_zlib_compression_level",
        "send_progress_in_http_headers", "http_headers_progress_interval_ms", "http_response_buffer_size",
        "http_wait_end_of_query", "add_http_cors_header", "cancel_http_readonly_queries_on_client_close",
        "http_native_compression_disable_checksumming_on_decompress", "role", "stacktrace",
        "client_protocol_version", "default_session_timeout", "max_session_timeout",
    };

    public string? Query { get; private init; }

    public string? Database { get; private init; }

    public string DefaultFormat { get; private init; } = "TabSeparated";

    public string QueryId { get; private init; } = Guid.NewGuid().ToString();

    public string User { get; private init; } = "default";

    public string Password { get; private init; } = string.Empty;

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private init; } = [];

    /// <summary>Settings for this request only: the query string's, plus readonly=2 for GET as ClickHouse does.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; private init; } = [];

    /// <summary>The settings in a canonical form: requests with equal keys can share a session.</summary>
    public string SessionKey => string.Join('\n', Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key + "=" + s.Value));

    public bool CompressionEnabled { get; private init; }

    public static ClickHouseRequest From(HttpRequest request)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        var settings = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in request.Query)
        {
            var value = values.LastOrDefault() ?? string.Empty;
            if (key.StartsWith("param_", StringComparison.Ordinal))
            {
                parameters.Add(new(key["param_".Length..], value));
            }
            else if (!HttpKeys.Contains(key))
            {
                settings.Add(new(key, value));
            }
        }

        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !settings.Any(setting => setting.Key == "readonly"))
        {
            settings.Add(new("readonly", "2"));
        }

        var (user, password) = Credentials(request);
        var format = First(request.Query["default_format"], request.Headers["X-ClickHouse-Format"]);
        return new ClickHouseRequest
        {
            Query = request.Query.TryGetValue("query", out var query) ? query.LastOrDefault() : null,
            Database = First(request.Query["database"], request.Headers["X-ClickHouse-Database"]),
            DefaultFormat = string.IsNullOrWhiteSpace(format) ? "TabSeparated" : format,
            QueryId = First(request.Query["query_id"]) is { Length: > 0 } id ? id : Guid.NewGuid().ToString(),
            User = user,
            Password = password,
            Parameters = parameters,
            Settings = settings,
            CompressionEnabled = First(request.Query["enable_http_compression"]) is "1" or "true" or "True",
        };
    }

    private static (string User, string Password) Credentials(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? (decoded, string.Empty) : (decoded[..colon], decoded[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return (string.Empty, string.Empty);
            }
        }

        var user = First(request.Headers["X-ClickHouse-User"], request.Query["user"]);
        var password = First(request.Headers["X-ClickHouse-Key"], request.Query["password"]);
        return (string.IsNullOrEmpty(user) ? "default" : user, password ?? string.Empty);
    }

    private static string? First(params Microsoft.Extensions.Primitives.StringValues[] candidates) =>
        candidates.Select(values => values.LastOrDefault()).FirstOrDefault(value => !string.IsNullOrEmpty(value));
}

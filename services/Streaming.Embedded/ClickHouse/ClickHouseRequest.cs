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

    /// <summary>compress=1: answer in ClickHouse's native compressed blocks (checksum, method, sizes, data).</summary>
    public bool NativeCompression { get; private init; }

    /// <summary>decompress=1: the body comes in ClickHouse's native compressed blocks.</summary>
    public bool NativeDecompression { get; private init; }

    /// <summary>session_id: statements of one session share a connection (temporary tables, USE, SET).</summary>
    public string? SessionId { get; private init; }

    public string? SessionTimeout { get; private init; }

    /// <summary>session_check=1: the session must exist already.</summary>
    public bool SessionCheck { get; private init; }

    /// <summary>A GET asked for readonly=0, which ClickHouse refuses: GET is read-only.</summary>
    public bool LiftsGetReadonly { get; private init; }

    /// <summary>The query and parameters came in a form body (multipart/form-data or urlencoded), not in the body as SQL.</summary>
    public bool FromForm { get; private init; }

    /// <summary>Reads the query string, and the form fields when <paramref name="form"/> is given (they add to the query string, as in ClickHouse's HTMLForm).</summary>
    public static ClickHouseRequest From(HttpRequest request, IFormCollection? form = null)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        var settings = new List<KeyValuePair<string, string>>();
        var fields = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            fields[key] = values;
        }

        foreach (var (key, values) in form ?? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)[])
        {
            fields[key] = values;
        }

        foreach (var (key, values) in fields)
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

        var isGet = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var liftsReadonly = false;
        if (isGet)
        {
            // GET never writes, whatever the query string says (ClickHouse: readonly = 2 for GET).
            liftsReadonly = settings.Any(setting => setting.Key == "readonly" && setting.Value is not ("1" or "2"));
            if (!settings.Any(setting => setting.Key == "readonly"))
            {
                settings.Add(new("readonly", "2"));
            }
        }

        string? Field(string name) => fields.TryGetValue(name, out var values) ? values.LastOrDefault() : null;

        var (user, password) = Credentials(request, Field("user"), Field("password"));
        var format = First(Field("default_format"), request.Headers["X-ClickHouse-Format"]);
        return new ClickHouseRequest
        {
            Query = Field("query"),
            Database = First(Field("database"), request.Headers["X-ClickHouse-Database"]),
            DefaultFormat = string.IsNullOrWhiteSpace(format) ? "TabSeparated" : format,
            QueryId = Field("query_id") is { Length: > 0 } id ? id : Guid.NewGuid().ToString(),
            User = user,
            Password = password,
            Parameters = parameters,
            Settings = settings,
            CompressionEnabled = Field("enable_http_compression") is "1" or "true" or "True",
            NativeCompression = Field("compress") is "1" or "true",
            NativeDecompression = Field("decompress") is "1" or "true",
            SessionId = Field("session_id") is { Length: > 0 } session ? session : null,
            SessionTimeout = Field("session_timeout"),
            SessionCheck = Field("session_check") is "1" or "true",
            LiftsGetReadonly = liftsReadonly,
            FromForm = form is not null,
        };
    }

    private static (string User, string Password) Credentials(HttpRequest request, string? userField, string? passwordField)
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

        var user = First(request.Headers["X-ClickHouse-User"], userField);
        var password = First(request.Headers["X-ClickHouse-Key"], passwordField);
        return (string.IsNullOrEmpty(user) ? "default" : user, password ?? string.Empty);
    }

    private static string? First(params Microsoft.Extensions.Primitives.StringValues[] candidates) =>
        candidates.Select(values => values.LastOrDefault()).FirstOrDefault(value => !string.IsNullOrEmpty(value));
}

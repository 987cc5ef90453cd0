using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// ClickHouse's HTTP interface over a pool of chDB connections: <c>/ping</c>, and queries on
/// <c>/</c> by GET or POST with the SQL in <c>?query=</c>, in the body, or both (joined by a
/// newline, as ClickHouse does). An INSERT's data is streamed into the engine, never pasted
/// into SQL; settings apply to one request only.
/// </summary>
internal sealed partial class ClickHouseHttpEndpoint(
    ChDbConnectionPool pool, ClickHouseUsers users, StatementGuard guard, ClickHouseSessions sessions, string version, string timezone)
{

    // The statement is looked at in the first megabyte; an INSERT's data after that is streamed.
    private const int HeadLimit = 1 << 20;
    private const int MaxQueryBytes = 256 << 20;
    private const int ChunkSize = 256 << 10;
    private static readonly byte[] Ok = "Ok.\n"u8.ToArray();

    // Form bodies are read before the password is known (it may be a field): bounded, and kept in memory.
    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 10_000,
        ValueLengthLimit = 16 << 20,
        MultipartBodyLengthLimit = 64 << 20,
        BufferBodyLengthLimit = 64 << 20,
        MemoryBufferThreshold = 64 << 20,
    };

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (RequestOriginCheck.Refusal(context.Request) is { } refusal)
        {
            await ClickHouseResponse.WriteErrorAsync(context, new ClickHouseError(ClickHouseError.AccessDenied, refusal + ". (ACCESS_DENIED)"), version);
            return;
        }

        if (path is "/ping" or "/replicas_status")
        {
            await WriteOkAsync(context);
            return;
        }

        if (path is not ("/" or ""))
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/plain; charset=UTF-8";
            await context.Response.WriteAsync(
                $"There is no handle {path}\n\nUse / or /ping for health checks.\nSend queries with POST / (SQL in the body) or GET /?query=...\n",
                context.RequestAborted);
            return;
        }

        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (!context.Request.Query.ContainsKey("query") && !hasBody)
        {
            await WriteOkAsync(context);
            return;
        }

        // ClickHouse also takes the query and its parameters as form fields, which keeps long parameter values out of the URL.
        IFormCollection? form = null;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            context.Features.Set<IFormFeature>(new FormFeature(context.Request, FormLimits));
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
            {
                await ClickHouseResponse.WriteErrorAsync(context, new ClickHouseError(ClickHouseError.BadArguments,
                    $"Cannot read the form body: {e.Message} Send the query and param_<name> fields as multipart/form-data or urlencoded fields, values up to {FormLimits.ValueLengthLimit >> 20} MiB."), version);
                return;
            }
        }

        var request = ClickHouseRequest.From(context.Request, form);
        ClickHouseResponse.WriteCommonHeaders(context.Response, request.QueryId, timezone);
        var (user, error) = users.Authenticate(request.User, request.Password);
        if (user is not null)
        {
            error = await ExecuteAsync(context, request, user);
        }

        if (error is not null)
        {
            await ClickHouseResponse.WriteErrorAsync(context, error, version);
        }
    }

    private async Task<ClickHouseError?> ExecuteAsync(HttpContext context, ClickHouseRequest request, ClickHouseUser user)
    {
        if (request.LiftsGetReadonly)
        {
            return new ClickHouseError(ClickHouseError.Readonly,
                "Cannot modify 'readonly' setting in readonly mode: a GET request only reads; send writes by POST. (READONLY)");
        }

        var (settings, settingsError) = user.SettingsFor(request.Settings);
        if (settingsError is not null)
        {
            return settingsError;
        }

        var database = string.IsNullOrEmpty(request.Database) ? (user.IsReadOnly ? user.Databases[0] : "default") : request.Database;
        if (user.IsReadOnly && !user.Databases.Contains(database) && !ClickHouseUser.MetadataDatabases.Contains(database))
        {
            return new ClickHouseError(ClickHouseError.AccessDenied,
                $"{user.Name}: Not enough privileges: the user {user.Name} may read the databases {string.Join(", ", user.Databases)}, not {database}. (ACCESS_DENIED)");
        }

        var body = request.FromForm ? Stream.Null : RequestBody.Decode(context.Request.Body, context.Request.Headers.ContentEncoding.ToString());
        if (body is null)
        {
            return new ClickHouseError(ClickHouseError.BadArguments,
                $"Unknown Content-Encoding '{context.Request.Headers.ContentEncoding}': send gzip, deflate, br, zstd, lz4 or no encoding.");
        }

        if (request.NativeDecompression)
        {
            body = new NativeBlockReadStream(body);
        }

        await using var decoded = body;
        var text = new ArrayBufferWriter<byte>(4096);
        if (request.Query is { Length: > 0 } query)
        {
            // ClickHouse reads the query parameter, a newline, then the body.
            text.Write(Encoding.UTF8.GetBytes(query + "\n"));
        }

        ClickHouseError? readError;
        bool complete;
        try
        {
            complete = await ReadAsync(decoded, text, HeadLimit, context.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            return new ClickHouseError(ClickHouseError.CannotDecompress, $"Cannot decode the request body ({context.Request.Headers.ContentEncoding}): {e.Message}");
        }

        var shape = StatementShape.Inspect(text.WrittenSpan, complete);
        if (shape.Kind != StatementKind.InsertWithData && !complete)
        {
            // Not an INSERT with data: the whole body is SQL.
            (complete, readError) = await ReadRestAsync(decoded, text, context.RequestAborted);
            if (readError is not null)
            {
                return readError;
            }

            shape = StatementShape.Inspect(text.WrittenSpan, isComplete: true);
        }

        var (lease, leaseError) = await LeaseAsync(request, user, settings!, context.RequestAborted);
        if (leaseError is not null)
        {
            return leaseError;
        }

        using (lease)
        {
            var sessionError = PrepareSession(lease!, request, database, settings!, user);
            if (sessionError is not null)
            {
                return sessionError;
            }

            var statement = shape.Kind == StatementKind.InsertWithData
                ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text.WrittenSpan[..shape.HeadLength]).TrimEnd() + " FORMAT " + shape.Format)
                : text.WrittenSpan.ToArray();
            var refused = guard.Check(lease!.Connection, user, statement, request.Parameters);
            if (refused is not null)
            {
                return refused;
            }

            return shape.Kind == StatementKind.InsertWithData
                ? await InsertAsync(context, request, lease, text, shape, complete ? null : decoded)
                : await QueryAsync(context, request, lease, text, shape);
        }
    }

    /// <summary>The client session's connection when the request names one, else one from the pool with these settings.</summary>
    private async Task<(IChDbLease? Lease, ClickHouseError? Error)> LeaseAsync(ClickHouseRequest request, ClickHouseUser user,
        IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken)
    {
        if (request.SessionId is null)
        {
            return (await pool.RentAsync(SettingsKey(user, settings), cancellationToken), null);
        }

        var timeout = ClickHouseSessions.DefaultTimeout;
        if (request.SessionTimeout is { Length: > 0 } given)
        {
            if (!uint.TryParse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || TimeSpan.FromSeconds(seconds) > ClickHouseSessions.MaxTimeout)
            {
                return (null, new ClickHouseError(ClickHouseError.BadArguments,
                    $"session_timeout '{given}' must be a number of seconds from 0 to {ClickHouseSessions.MaxTimeout.TotalSeconds}."));
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        return sessions.Acquire(user.Name, request.SessionId, timeout, request.SessionCheck);
    }

    /// <summary>Settings in a canonical form, with the user: only requests with equal keys share a pooled connection.</summary>
    private static string SettingsKey(ClickHouseUser user, IReadOnlyList<KeyValuePair<string, string>> settings) =>
        user.Name + "\n" + string.Join('\n', settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key + "=" + s.Value));

    private static async Task<ClickHouseError?> QueryAsync(HttpContext context, ClickHouseRequest request, IChDbLease lease, ArrayBufferWriter<byte> text, StatementShape shape)
    {
        if (shape.Kind == StatementKind.SessionChange)
        {
            lease.Discard();
            lease.Connection.CurrentDatabase = string.Empty; // a USE in a client session: unknown from here on
        }

        var sql = text.WrittenMemory;
        // chDB blocks the calling thread for the whole statement: keep it off the thread pool.
        using var result = await Task.Factory.StartNew(
            () => lease.Connection.Query(sql.Span, request.DefaultFormat, request.Parameters),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (result.Error is not null)
        {
            return result.Error;
        }

        var format = shape.Format ?? request.DefaultFormat;
        var response = context.Response;
        response.ContentType = ClickHouseResponse.ContentType(format);
        response.Headers["X-ClickHouse-Format"] = format;
        response.Headers["X-ClickHouse-Summary"] = ClickHouseResponse.Summary(
            result.RowsRead, result.BytesRead, result.RowsWritten, result.BytesWritten, result.ResultRows, result.Data.Length, result.Elapsed);
        await WriteBodyAsync(context, request, result.Data);
        return null;
    }

    private static async Task<ClickHouseError?> InsertAsync(HttpContext context, ClickHouseRequest request, IChDbLease lease,
        ArrayBufferWriter<byte> text, StatementShape shape, Stream? rest)
    {
        var head = Encoding.UTF8.GetString(text.WrittenSpan[..shape.HeadLength]);
        using var insert = lease.Connection.BeginInsert(head, shape.Format!, request.Parameters);
        insert.Append(text.WrittenSpan[shape.DataOffset..]);
        if (rest is not null && insert.Error is null)
        {
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                int read;
                while (insert.Error is null && (read = await rest.ReadAsync(chunk.AsMemory(0, ChunkSize), context.RequestAborted)) > 0)
                {
                    insert.Append(chunk.AsSpan(0, read));
                }
            }
            catch (InvalidDataException e)
            {
                return new ClickHouseError(ClickHouseError.CannotDecompress, $"Cannot decode the request body: {e.Message}");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        using var result = insert.Complete();
        if (result.Error is not null)
        {
            return result.Error;
        }

        var response = context.Response;
        response.ContentType = "text/plain; charset=UTF-8";
        response.Headers["X-ClickHouse-Summary"] = ClickHouseResponse.Summary(
            result.RowsRead, result.BytesRead, result.RowsWritten, result.BytesWritten, 0, 0, result.Elapsed);
        response.ContentLength = 0;
        return null;
    }

    /// <summary>Switches the database and applies the request's settings; a changed pooled connection is never reused.</summary>
    private static ClickHouseError? PrepareSession(IChDbLease lease, ClickHouseRequest request, string database,
        IReadOnlyList<KeyValuePair<string, string>> settings, ClickHouseUser user)
    {
        var connection = lease.Connection;
        // In a client session USE lasts: the database switches only when the request names one (or the session is new).
        var switchTo = lease.IsClientSession && string.IsNullOrEmpty(request.Database) && connection.SessionKey.Length > 0 ? null : database;
        if (switchTo is not null && !string.Equals(switchTo, connection.CurrentDatabase, StringComparison.Ordinal))
        {
            using var use = connection.Query("USE " + QuoteIdentifier(switchTo));
            if (use.Error is not null)
            {
                return use.Error;
            }

            connection.CurrentDatabase = switchTo;
        }

        var sessionKey = SettingsKey(user, settings);
        if (connection.SessionKey == sessionKey)
        {
            return null;
        }

        // A pristine pooled connection (the pool hands out no other kind when keys differ), or a client
        // session's: apply the settings and remember them; should one fail, a pooled connection is thrown away.
        lease.Discard();
        foreach (var (name, value) in settings)
        {
            if (!SettingName().IsMatch(name))
            {
                return new ClickHouseError(ClickHouseError.UnknownSetting, $"Unknown setting '{name}': a setting name has letters, digits and underscores only.");
            }

            if (name == "readonly" && connection.IsReadOnly)
            {
                continue; // a read-only session stays so; the engine refuses to set it again
            }

            // SET takes no query parameters; the value goes in as a quoted literal the engine converts to the setting's type.
            using var set = connection.Query($"SET {name} = {QuoteString(value)}");
            if (set.Error is not null)
            {
                return set.Error;
            }

            connection.IsReadOnly |= name == "readonly" && value != "0";
        }

        connection.SessionKey = sessionKey;
        lease.Keep();
        return null;
    }

    private static async Task WriteBodyAsync(HttpContext context, ClickHouseRequest request, ReadOnlyMemory<byte> data)
    {
        if (request.NativeCompression)
        {
            // Native blocks first, then HTTP compression over them if asked for too, as ClickHouse layers them.
            data = NativeBlocks.Compress(data.Span);
        }

        var encoding = RequestBody.ChooseResponseEncoding(context.Request.Headers.AcceptEncoding.ToString(), request.CompressionEnabled);
        if (encoding is null || data.IsEmpty)
        {
            context.Response.ContentLength = data.Length;
            await context.Response.Body.WriteAsync(data, context.RequestAborted);
            return;
        }

        context.Response.Headers.ContentEncoding = encoding;
        await using var encoded = RequestBody.Encode(context.Response.Body, encoding);
        await encoded.WriteAsync(data, context.RequestAborted);
    }

    private static async Task WriteOkAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=UTF-8";
        context.Response.ContentLength = Ok.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(Ok, context.RequestAborted);
        }
    }

    /// <summary>Reads until the end of the body or until <paramref name="limit"/> bytes are buffered; true at the end.</summary>
    private static async Task<bool> ReadAsync(Stream body, ArrayBufferWriter<byte> target, int limit, CancellationToken cancellationToken)
    {
        while (target.WrittenCount < limit)
        {
            var read = await body.ReadAsync(target.GetMemory(64 << 10), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            target.Advance(read);
        }

        return false;
    }

    private static async Task<(bool Complete, ClickHouseError? Error)> ReadRestAsync(Stream body, ArrayBufferWriter<byte> target, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(body, target, MaxQueryBytes, cancellationToken)
                ? (true, null)
                : (false, new ClickHouseError(ClickHouseError.BadArguments, $"The query is larger than {MaxQueryBytes >> 20} MiB; send data with INSERT .. FORMAT instead."));
        }
        catch (InvalidDataException e)
        {
            return (false, new ClickHouseError(ClickHouseError.CannotDecompress, $"Cannot decode the request body: {e.Message}"));
        }
    }

    internal static string QuoteIdentifier(string name) => "`" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "`";

    private static string QuoteString(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SettingName();
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Streaming.Gateway.Grpc;

/// <summary>
/// What a gRPC client does wrong is its own fault, so it is one Information line without a stack
/// trace. grpc-dotnet's call handler logs such calls (a body that arrives too slowly, a stream the
/// client aborts, a malformed message) with the whole exception, so its category is raised to
/// Warning (<see cref="HandlerCategory"/>) and this middleware writes the line instead: for a call
/// whose client went away, here; for a malformed message, <see cref="IngestMethods"/>.
/// </summary>
public sealed class GrpcClientFaultLog(RequestDelegate next, ILogger<GrpcClientFaultLog> logger)
{
    /// <summary>grpc-dotnet's per-call log category (its errors stay visible at Warning and above).</summary>
    public const string HandlerCategory = "Grpc.AspNetCore.Server.ServerCallHandler";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.RequestAborted.IsCancellationRequested && IsGrpc(context.Request))
        {
            logger.LogInformation("gRPC {Path} from {Client}: the client went away or sent its request too slowly; nothing was accepted from the unfinished message",
                context.Request.Path.Value, context.Connection.RemoteIpAddress);
        }
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}

namespace Streaming.Standalone;

/// <summary>
/// A start that cannot succeed because of something the person starting it can fix (a setting, a
/// port in use): printed as one sentence naming the setting and the fix, no stack trace, exit code 1.
/// </summary>
public sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Which start failures are the person's to fix, and the sentence that says how.</summary>
public static class StartupProblems
{
    public static string? Explain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StartupProblemException problem:
                    return problem.Message;
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }:
                case Microsoft.AspNetCore.Connections.AddressInUseException:
                    return $"{exception.Message} Another program uses that port: stop it, or choose other ports with "
                        + "--http-port, --grpc-port, --clickhouse-port and --redis-port.";
            }
        }
        return null;
    }
}

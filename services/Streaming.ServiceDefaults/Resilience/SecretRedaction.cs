using System.Text.RegularExpressions;

namespace Streaming.ServiceDefaults.Resilience;

/// <summary>
/// Takes credentials out of a failure message before it is logged: drivers put connection strings
/// and URLs into their exception messages, and a retry log line must never carry a password.
/// </summary>
public static partial class SecretRedaction
{
    public static string Redact(string message) =>
        UserInfo().Replace(KeyValue().Replace(message, "$1=***"), "://***@");

    // password=..., Password: ..., token=..., apikey=... up to a separator.
    [GeneratedRegex(@"(?i)\b(password|pwd|passwd|secret|token|api[_-]?key|authorization)\s*[=:]\s*[^;,&\s]+")]
    private static partial Regex KeyValue();

    // scheme://user:pass@host
    [GeneratedRegex(@"://[^/@\s]+@")]
    private static partial Regex UserInfo();
}

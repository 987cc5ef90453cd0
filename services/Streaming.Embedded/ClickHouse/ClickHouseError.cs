using System.Globalization;
using System.Text.RegularExpressions;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// A ClickHouse error as the HTTP interface reports it: a numeric code (the
/// <c>X-ClickHouse-Exception-Code</c> header) and a text starting <c>Code: N. DB::Exception:</c>.
/// </summary>
public sealed partial record ClickHouseError(int Code, string Message)
{
    // Codes from ClickHouse's ErrorCodes.cpp that the endpoint raises itself.
    public const int BadArguments = 36;
    public const int UnknownFormat = 73;
    public const int CannotParseInput = 27;
    public const int SyntaxError = 62;
    public const int UnknownSetting = 115;
    public const int Readonly = 164;
    public const int SessionNotFound = 372;
    public const int SessionIsLocked = 373;
    public const int TooManySessions = 202;
    public const int SettingConstraintViolation = 452;
    public const int AccessDenied = 497;
    public const int RequiredPassword = 194;
    public const int AuthenticationFailed = 516;
    public const int CannotDecompress = 271;
    public const int UnknownException = 1002;

    /// <summary>The body ClickHouse sends: "Code: N. DB::Exception: ...".</summary>
    public string Text => Message.StartsWith("Code: ", StringComparison.Ordinal)
        ? Message
        : $"Code: {Code}. DB::Exception: {Message}";

    /// <summary>HTTP status ClickHouse's HTTP handler answers with for this code (exceptionCodeToHTTPStatus).</summary>
    public int HttpStatus => Code switch
    {
        RequiredPassword => 401,
        192 or 193 or AuthenticationFailed or 512 or Readonly or AccessDenied => 403, // UNKNOWN_USER, WRONG_PASSWORD, SET_NON_GRANTED_ROLE
        6 or 25 or 26 or CannotParseInput or BadArguments or 38 or 41 or 53 or SyntaxError or 72 or 117 or 321 => 400,
        46 or 47 or 50 or 56 or 60 or 63 or UnknownFormat or 81 or UnknownSetting => 404,
        48 => 501, // NOT_IMPLEMENTED
        159 => 408, // TIMEOUT_EXCEEDED
        _ => 500,
    };

    /// <summary>Reads the code from an engine message ("Code: 60. DB::Exception: ..."), else <see cref="UnknownException"/>.</summary>
    public static ClickHouseError FromEngineMessage(string message)
    {
        var text = message.TrimEnd();
        var match = CodePattern().Match(text);
        return match.Success
            ? new ClickHouseError(int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture), text)
            : new ClickHouseError(UnknownException, text);
    }

    [GeneratedRegex(@"Code:\s*(\d+)\.")]
    private static partial Regex CodePattern();
}

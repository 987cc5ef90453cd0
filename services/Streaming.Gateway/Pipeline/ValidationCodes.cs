namespace Streaming.Gateway.Pipeline;

/// <summary>The reason codes of refused events and of warnings; stable, documented in docs/gateway.md.</summary>
public static class ValidationCodes
{
    public const string NotAnObject = "not_an_object";
    public const string EventTooLarge = "event_too_large";
    public const string MissingType = "missing_type";
    public const string InvalidType = "invalid_type";
    public const string WrongType = "wrong_type";
    public const string InvalidString = "invalid_string";
    public const string MissingIdentifier = "missing_identifier";
    public const string MissingEventName = "missing_event_name";
    public const string MissingGroupId = "missing_group_id";
    public const string MissingPreviousId = "missing_previous_id";
    public const string InvalidTimestamp = "invalid_timestamp";
    public const string TimestampOutOfRange = "timestamp_out_of_range";
    public const string WriteKeyMismatch = "write_key_mismatch";

    // Warnings: the event is kept (or dropped on purpose) and the sender is told.
    public const string JunkIdentifier = "junk_identifier";
    public const string JunkPii = "junk_pii";
    public const string FutureTimestamp = "future_timestamp";
    public const string BotDropped = "bot_dropped";
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Gateway.Enrichment;
using Streaming.Gateway.Ingestion;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Adds what the gateway knows: the skew-corrected time (flagged when in the future), a messageId
/// when the sender gave none, the client IP, the parsed user agent, and the bot flag (dropping the
/// event when its source drops bots).
/// </summary>
public sealed class EnrichEventStep(IOptions<GatewayOptions> options, ClientIp clientIp) : IPipelineStep<EventDraft, RequestScope>
{
    private static readonly StepResult BotDropped = StepResult.Drop("known bot or crawler (source setting dropBots)");
    private readonly long _futureToleranceMs = (long)options.Value.FutureTolerance.TotalMilliseconds;

    public StepResult Run(EventDraft draft, RequestScope scope)
    {
        CorrectClock(draft, scope);
        if (draft.Timestamp > ValidateEventStep.LatestTime)
        {
            // Each time was sane alone; their gap moved the event past what any later stage can store.
            return Rejected.Because(ValidationCodes.TimestampOutOfRange, "sentAt",
                $"originalTimestamp and sentAt are {TimeSpan.FromMilliseconds((draft.SentAt ?? 0) - (draft.OriginalTimestamp ?? 0)).TotalDays:0} days apart the wrong way: corrected for clock skew the event would happen after 2100-01-01. Send sentAt as the time the batch was sent, on the same clock as originalTimestamp.");
        }
        draft.MessageId = string.IsNullOrEmpty(draft.MessageId) ? GeneratedMessageId(draft, scope) : draft.MessageId;
        var context = draft.Context;
        AddIp(context, scope);
        if (context.TryGetOriginal("userAgent", out var uaElement) && JsonText.TryGetString(uaElement, out var userAgent) && userAgent.Length > 0)
        {
            var ua = UserAgentParser.Parse(userAgent);
            AddUserAgent(context, ua);
            if (ua.IsBot)
            {
                context.SetBool("bot", true);
                if (scope.Source.Settings.DropBots)
                {
                    scope.Warn(draft.Index, "context.userAgent", ValidationCodes.BotDropped, "known bot or crawler; dropped (source setting dropBots)");
                    return BotDropped;
                }
            }
        }
        return StepResult.Continue;
    }

    /// <summary>
    /// The device clock may be wrong, but the gap between the event and the send is right on that
    /// clock: timestamp = receivedAt - (sentAt - originalTimestamp). Without sentAt the sender's
    /// time stands; without any time, receivedAt.
    /// </summary>
    private void CorrectClock(EventDraft draft, RequestScope scope)
    {
        var original = draft.OriginalTimestamp ?? draft.ClientTimestamp;
        draft.OriginalTimestamp = original;
        draft.Timestamp = original is { } o && draft.SentAt is { } sent
            ? Math.Max(0, scope.ReceivedAt - (sent - o))
            : original ?? scope.ReceivedAt;
        if (draft.Timestamp - scope.ReceivedAt > _futureToleranceMs)
        {
            draft.Context.SetBool("futureTimestamp", true);
            var ahead = TimeSpan.FromMilliseconds(draft.Timestamp - scope.ReceivedAt);
            scope.Warn(draft.Index, "timestamp", ValidationCodes.FutureTimestamp,
                $"the event time is {ahead.TotalHours:0.#} h after it was received; kept and flagged context.futureTimestamp");
        }
    }

    /// <summary>Derived from the event's own bytes, so an SDK retry of the same event gets the same id and is deduplicated.</summary>
    private static string GeneratedMessageId(EventDraft draft, RequestScope scope) =>
        DeterministicId.From(scope.Source.Tenant, scope.Source.Id, draft.Raw.GetRawText());

    private void AddIp(JsonObjectDraft context, RequestScope scope)
    {
        string? ip = null;
        if (context.TryGetOriginal("ip", out var sent) && JsonText.TryGetString(sent, out var sentIp))
            ip = clientIp.Clean(sentIp);
        ip ??= scope.ClientIp?.ToString();
        if (ip is not null)
            context.SetString("ip", ip);
        else
            context.Remove("ip");
    }

    private static void AddUserAgent(JsonObjectDraft context, UserAgentInfo ua)
    {
        var device = context.Child("device");
        if (!device.Has("type"))
            device.SetString("type", ua.DeviceType);
        FillNameAndVersion(context, "os", ua.Os, ua.OsVersion);
        FillNameAndVersion(context, "browser", ua.Browser, ua.BrowserVersion);
    }

    /// <summary>context.&lt;part&gt;.name and .version from the user agent, unless the SDK sent a name of its own (then its version stays too).</summary>
    private static void FillNameAndVersion(JsonObjectDraft context, string part, string? name, string? version)
    {
        if (name is null)
            return;
        var child = context.Child(part);
        if (child.Has("name"))
            return;
        child.SetString("name", name);
        if (version is not null && !child.Has("version"))
            child.SetString("version", version);
    }
}

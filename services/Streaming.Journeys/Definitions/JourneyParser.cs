using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Topics;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Definitions;

/// <summary>
/// Reads and validates a journey definition (JSON; the API converts YAML first). Every wrong part is
/// reported with its path (<c>steps[2].timeout: ...</c>), as tag definitions are; conditions and event
/// filters are parsed by <see cref="ConditionParser"/>, the one condition language.
/// </summary>
public sealed partial class JourneyParser
{
    private static readonly string[] RootKeys = ["name", "description", "timeZone", "trigger", "entry", "reentry", "maxConcurrent", "goal", "exit", "quietHours", "steps"];
    private static readonly string[] StepTypes = ["send", "delay", "waitUntil", "branch", "split", "updateProfile", "exit"];
    private const int MaxSteps = 100;

    private readonly List<ConditionError> _errors = [];

    private JourneyParser()
    {
    }

    public static ParseResult<JourneyDefinition> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return new ParseResult<JourneyDefinition>(null, [new ConditionError("$", $"not valid JSON: {ex.Message}")]);
        }
        using (document)
            return Parse(document.RootElement);
    }

    public static ParseResult<JourneyDefinition> Parse(JsonElement root)
    {
        var parser = new JourneyParser();
        var value = parser.Definition(root);
        return parser._errors.Count == 0 && value is not null
            ? new ParseResult<JourneyDefinition>(value, [])
            : new ParseResult<JourneyDefinition>(null, parser._errors.Count > 0 ? parser._errors : [new ConditionError("$", "empty document")]);
    }

    private JourneyDefinition? Definition(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("$", "must be an object: { \"name\", \"trigger\", \"steps\", ... } (docs/journeys.md)");
            return null;
        }
        UnknownKeys(root, "", RootKeys);
        var name = Text(root, "name", "name", required: true, 200);
        var zone = TimeZoneInfo.Utc;
        if (root.TryGetProperty("timeZone", out var tz))
        {
            if (tz.ValueKind != JsonValueKind.String || !ConditionParser.TryFindTimeZone(tz.GetString()!, out zone))
                Error("timeZone", "must be an IANA time zone name such as \"Asia/Shanghai\" or \"UTC\"");
        }
        var trigger = root.TryGetProperty("trigger", out var t) ? Trigger(t, "trigger") : Missing<JourneyTrigger>("trigger", "is required: {\"event\": {\"name\": \"Signed Up\"}}, {\"tag\": \"vip\"}, {\"trait\": \"churn_score\", \"op\": \"gte\", \"value\": 75} or {\"api\": true}");
        var entry = root.TryGetProperty("entry", out var e) ? Condition(e, "entry") : null;
        var reentry = root.TryGetProperty("reentry", out var r) ? Reentry(r, "reentry") : ReentryPolicy.Once;
        var maxConcurrent = 1;
        if (root.TryGetProperty("maxConcurrent", out var mc) && (!mc.TryGetInt32(out maxConcurrent) || maxConcurrent is < 1 or > 100))
            Error("maxConcurrent", "must be a whole number 1..100: how many instances of this journey one person may be in at once");
        if (reentry is { Mode: not ReentryMode.Concurrent } && maxConcurrent > 1)
            Error("maxConcurrent", "only a \"concurrent\" re-entry policy runs several instances at once; remove maxConcurrent or set reentry.policy to \"concurrent\"");
        var goal = root.TryGetProperty("goal", out var g) ? Goal(g, "goal") : null;
        EventFilter? exit = null;
        if (root.TryGetProperty("exit", out var x))
        {
            if (x.ValueKind != JsonValueKind.Object || !x.TryGetProperty("event", out var xe))
                Error("exit", "must be {\"event\": {\"name\": \"Unsubscribed\"}}: the event that ends the instance without conversion");
            else
                exit = Filter(xe, "exit.event");
        }
        var quiet = root.TryGetProperty("quietHours", out var q) ? Quiet(q, "quietHours") : null;
        var steps = root.TryGetProperty("steps", out var s) ? Steps(s) : Missing<List<JourneyStep>>("steps", "is required: a list of steps, e.g. [{\"id\": \"d1-push\", \"type\": \"send\", \"channel\": \"push\", \"template\": \"coupon\"}]");
        if (name is null || trigger is null || reentry is null || steps is null || _errors.Count > 0)
            return null;
        return new JourneyDefinition(name, zone, trigger, entry, reentry, maxConcurrent, goal, exit, quiet, steps);
    }

    private JourneyTrigger? Trigger(JsonElement node, string path)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return Missing<JourneyTrigger>(path, "must be an object with one of event, schedule, tag, trait or api");
        if (node.TryGetProperty("event", out var e))
        {
            if (node.TryGetProperty("notFollowedBy", out var b))
            {
                UnknownKeys(node, path, ["event", "notFollowedBy", "within"]);
                var did = Filter(e, path + ".event");
                var thenNot = Filter(b, path + ".notFollowedBy");
                var within = Duration(node, "within", path + ".within", required: true);
                return did is null || thenNot is null || within is null ? null : new AbsenceTrigger(did, thenNot, within.Value);
            }
            UnknownKeys(node, path, ["event"]);
            return Filter(e, path + ".event") is { } filter ? new EventTrigger(filter) : null;
        }
        if (node.TryGetProperty("schedule", out var schedule))
        {
            UnknownKeys(node, path, ["schedule"]);
            return Schedule(schedule, path + ".schedule");
        }
        if (node.TryGetProperty("tag", out var tag))
        {
            UnknownKeys(node, path, ["tag", "on"]);
            var on = node.TryGetProperty("on", out var o) ? o.GetString() : "entered";
            if (on is not ("entered" or "left"))
                Error(path + ".on", "must be \"entered\" or \"left\"");
            if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 and <= 64 } tagId)
                return Missing<JourneyTrigger>(path + ".tag", "must be a tag id, e.g. \"vip\"");
            return new TagTrigger(tagId, on != "left");
        }
        if (node.TryGetProperty("trait", out _))
        {
            // A trait crossing is written as the condition language writes a trait comparison.
            return Condition(node, path) is TraitCondition trait ? new TraitTrigger(trait.Trait, trait.Operator, trait.Values) : null;
        }
        if (node.TryGetProperty("api", out var api))
        {
            UnknownKeys(node, path, ["api"]);
            return api.ValueKind == JsonValueKind.True ? new ApiTrigger() : Missing<JourneyTrigger>(path + ".api", "must be true");
        }
        return Missing<JourneyTrigger>(path, "needs one of event (with notFollowedBy and within for \"did A, then not B within T\"), schedule, tag, trait or api, e.g. {\"event\": {\"name\": \"Signed Up\"}}");
    }

    private ScheduleTrigger? Schedule(JsonElement node, string path)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return Missing<ScheduleTrigger>(path, "must be {\"cron\": \"0 9 * * 1\", \"condition\": {...}}: when (the journey's time zone) and who (a condition on history)");
        UnknownKeys(node, path, ["cron", "condition"]);
        var text = Text(node, "cron", path + ".cron", required: true, 100);
        Cronos.CronExpression? cron = null;
        if (text is not null)
        {
            try
            {
                cron = Cronos.CronExpression.Parse(text);
            }
            catch (Cronos.CronFormatException ex)
            {
                Error(path + ".cron", $"is not a cron expression of five fields (minute hour day month weekday), e.g. \"0 9 * * 1\": {ex.Message}");
            }
        }
        var condition = node.TryGetProperty("condition", out var c) ? Condition(c, path + ".condition") : Missing<Condition>(path + ".condition", "is required: the audience, e.g. {\"tag\": \"vip\"}");
        return text is null || cron is null || condition is null ? null : new ScheduleTrigger(text, cron, condition);
    }

    private ReentryPolicy? Reentry(JsonElement node, string path)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return Missing<ReentryPolicy>(path, "must be {\"policy\": \"once\"}, {\"policy\": \"cooldown\", \"cooldown\": \"30d\"} or {\"policy\": \"concurrent\", \"correlationKey\": \"order_id\"}");
        UnknownKeys(node, path, ["policy", "cooldown", "correlationKey"]);
        var policy = node.TryGetProperty("policy", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        switch (policy)
        {
            case "once":
                return ReentryPolicy.Once;
            case "cooldown":
                var cooldown = Duration(node, "cooldown", path + ".cooldown", required: true);
                return cooldown is null ? null : new ReentryPolicy(ReentryMode.Cooldown, cooldown.Value, null);
            case "concurrent":
                var key = Text(node, "correlationKey", path + ".correlationKey", required: true, 200);
                return key is null ? null : new ReentryPolicy(ReentryMode.Concurrent, TimeSpan.Zero, key);
            default:
                return Missing<ReentryPolicy>(path + ".policy", "must be \"once\", \"cooldown\" or \"concurrent\"");
        }
    }

    private JourneyGoal? Goal(JsonElement node, string path)
    {
        if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("event", out var e))
            return Missing<JourneyGoal>(path, "must be {\"event\": {\"name\": \"Order Completed\"}, \"within\": \"7d\"}: the conversion that ends the instance");
        UnknownKeys(node, path, ["event", "within"]);
        var filter = Filter(e, path + ".event");
        var within = Duration(node, "within", path + ".within", required: false);
        return filter is null ? null : new JourneyGoal(filter, within);
    }

    private QuietHours? Quiet(JsonElement node, string path)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return Missing<QuietHours>(path, "must be {\"from\": \"21:00\", \"to\": \"08:00\"} (local time of the person)");
        UnknownKeys(node, path, ["from", "to"]);
        var from = TimeOfDay(node, "from", path + ".from");
        var to = TimeOfDay(node, "to", path + ".to");
        return from is null || to is null ? null : new QuietHours(from.Value, to.Value);
    }

    private List<JourneyStep>? Steps(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Array || node.GetArrayLength() == 0)
            return Missing<List<JourneyStep>>("steps", "must be a non-empty list of steps");
        if (node.GetArrayLength() > MaxSteps)
            return Missing<List<JourneyStep>>("steps", $"has more than {MaxSteps} steps; split the journey");
        var steps = new List<JourneyStep>();
        var ids = new List<string>();
        var index = 0;
        foreach (var item in node.EnumerateArray())
        {
            var path = $"steps[{index.ToString(CultureInfo.InvariantCulture)}]";
            var id = item.ValueKind == JsonValueKind.Object ? Text(item, "id", path + ".id", required: true, 64) : null;
            if (item.ValueKind != JsonValueKind.Object)
                Error(path, "must be an object with id and type");
            else if (id is not null && !IdPattern().IsMatch(id))
                Error(path + ".id", "must be 1-64 characters: letters, digits, '-' or '_' (e.g. d1-push)");
            else if (id is not null && ids.Contains(id))
                Error(path + ".id", $"'{id}' is already the id of an earlier step; step ids are unique");
            ids.Add(id ?? "");
            if (item.ValueKind == JsonValueKind.Object && Step(item, path, id ?? "") is { } step)
                steps.Add(step);
            index++;
        }
        // Every "next" names a LATER step: a journey cannot loop, so every instance ends.
        for (var i = 0; i < steps.Count; i++)
        {
            var path = $"steps[{ids.IndexOf(steps[i].Id).ToString(CultureInfo.InvariantCulture)}]";
            foreach (var (key, target) in Targets(steps[i]))
            {
                var at = ids.IndexOf(target);
                if (at < 0)
                    Error($"{path}.{key}", $"names no step: '{Quote(target)}'; use the id of a later step");
                else if (at <= ids.IndexOf(steps[i].Id))
                    Error($"{path}.{key}", $"'{Quote(target)}' is not a later step; a journey only moves forward (no loops)");
            }
        }
        return steps;
    }

    private static IEnumerable<(string Key, string Target)> Targets(JourneyStep step)
    {
        if (step.Next is not null)
            yield return ("next", step.Next);
        switch (step)
        {
            case WaitUntilStep { OnTimeout: { } timeout }:
                yield return ("onTimeout", timeout);
                break;
            case BranchStep branch:
                for (var i = 0; i < branch.Paths.Count; i++)
                    yield return ($"branches[{i.ToString(CultureInfo.InvariantCulture)}].next", branch.Paths[i].Next);
                if (branch.Otherwise is not null)
                    yield return ("otherwise", branch.Otherwise);
                break;
            case SplitStep split:
                for (var i = 0; i < split.Variants.Count; i++)
                    yield return ($"variants[{i.ToString(CultureInfo.InvariantCulture)}].next", split.Variants[i].Next);
                break;
        }
    }

    private JourneyStep? Step(JsonElement node, string path, string id)
    {
        var type = node.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is null || !StepTypes.Contains(type))
            return Missing<JourneyStep>(path + ".type", $"must be one of {string.Join(", ", StepTypes)}");
        var next = Text(node, "next", path + ".next", required: false, 64);
        switch (type)
        {
            case "send":
            {
                UnknownKeys(node, path, ["id", "type", "next", "channel", "template", "variables", "mustDeliver", "expiresAfter"]);
                var channel = Text(node, "channel", path + ".channel", required: true, 32);
                if (channel is not null && !TopicCatalog.Channels.Contains(channel))
                    Error(path + ".channel", $"unknown channel '{Quote(channel)}'; channels are {string.Join(", ", TopicCatalog.Channels)}");
                var template = Text(node, "template", path + ".template", required: true, 200);
                var variables = new Dictionary<string, string>(StringComparer.Ordinal);
                if (node.TryGetProperty("variables", out var v))
                {
                    if (v.ValueKind != JsonValueKind.Object)
                    {
                        Error(path + ".variables", "must be an object of name -> \"trait.<name>\", \"event.<path>\" or a literal text");
                    }
                    else
                    {
                        foreach (var property in v.EnumerateObject())
                        {
                            if (property.Value.ValueKind != JsonValueKind.String)
                                Error($"{path}.variables.{property.Name}", "must be a text: \"trait.first_name\", \"event.coupon_code\" or a literal");
                            else
                                variables[property.Name] = property.Value.GetString()!;
                        }
                    }
                }
                var mustDeliver = node.TryGetProperty("mustDeliver", out var md) && md.ValueKind == JsonValueKind.True;
                if (node.TryGetProperty("mustDeliver", out md) && md.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    Error(path + ".mustDeliver", "must be true or false");
                var expires = Duration(node, "expiresAfter", path + ".expiresAfter", required: false) ?? TimeSpan.FromDays(1);
                return channel is null || template is null ? null : new SendStep(id, next, channel, template, variables, mustDeliver, expires);
            }
            case "delay":
            {
                UnknownKeys(node, path, ["id", "type", "next", "duration", "untilLocalTime", "until"]);
                var duration = Duration(node, "duration", path + ".duration", required: false);
                var local = node.TryGetProperty("untilLocalTime", out _) ? TimeOfDay(node, "untilLocalTime", path + ".untilLocalTime") : null;
                DateTimeOffset? until = null;
                if (node.TryGetProperty("until", out var u))
                {
                    if (u.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                        until = date;
                    else
                        Error(path + ".until", "must be an ISO-8601 time, e.g. \"2026-12-24T09:00:00Z\"");
                }
                if (new object?[] { duration, local, until }.Count(o => o is not null) != 1)
                    return Missing<JourneyStep>(path, "a delay needs exactly one of duration (\"1h\", \"3d\"), untilLocalTime (\"09:00\") or until (an ISO-8601 time)");
                return new DelayStep(id, next, duration, local, until);
            }
            case "waitUntil":
            {
                UnknownKeys(node, path, ["id", "type", "next", "event", "condition", "timeout", "onTimeout"]);
                var filter = node.TryGetProperty("event", out var e) ? Filter(e, path + ".event") : null;
                var condition = node.TryGetProperty("condition", out var c) ? Condition(c, path + ".condition") : null;
                if (!node.TryGetProperty("event", out _) && !node.TryGetProperty("condition", out _))
                    Error(path, "a waitUntil needs an event ({\"name\": \"Coupon Used\"}) or a condition to wait for");
                var timeout = Duration(node, "timeout", path + ".timeout", required: true);
                var onTimeout = Text(node, "onTimeout", path + ".onTimeout", required: false, 64);
                // Built even with a wrong timeout (already reported), so its onTimeout and next are checked too.
                return new WaitUntilStep(id, next, filter, condition, timeout ?? TimeSpan.Zero, onTimeout);
            }
            case "branch":
            {
                UnknownKeys(node, path, ["id", "type", "branches", "otherwise"]);
                if (!node.TryGetProperty("branches", out var b) || b.ValueKind != JsonValueKind.Array || b.GetArrayLength() == 0)
                    return Missing<JourneyStep>(path + ".branches", "must be a non-empty list of {\"name\", \"condition\", \"next\"}");
                var paths = new List<BranchPath>();
                var i = 0;
                foreach (var item in b.EnumerateArray())
                {
                    var at = $"{path}.branches[{i.ToString(CultureInfo.InvariantCulture)}]";
                    var branchName = item.ValueKind == JsonValueKind.Object ? Text(item, "name", at + ".name", required: false, 64) : null;
                    var condition = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("condition", out var c)
                        ? Condition(c, at + ".condition") : Missing<Condition>(at + ".condition", "is required: when this branch is taken");
                    var target = item.ValueKind == JsonValueKind.Object ? Text(item, "next", at + ".next", required: true, 64) : null;
                    if (condition is not null && target is not null)
                        paths.Add(new BranchPath(branchName ?? $"branch-{i.ToString(CultureInfo.InvariantCulture)}", condition, target));
                    i++;
                }
                var otherwise = Text(node, "otherwise", path + ".otherwise", required: false, 64);
                return new BranchStep(id, paths, otherwise);
            }
            case "split":
            {
                UnknownKeys(node, path, ["id", "type", "variants", "control"]);
                if (!node.TryGetProperty("variants", out var vs) || vs.ValueKind != JsonValueKind.Array || vs.GetArrayLength() == 0)
                    return Missing<JourneyStep>(path + ".variants", "must be a non-empty list of {\"name\": \"A\", \"percent\": 45, \"next\": \"step-id\"}");
                var variants = new List<SplitVariant>();
                var i = 0;
                foreach (var item in vs.EnumerateArray())
                {
                    var at = $"{path}.variants[{i.ToString(CultureInfo.InvariantCulture)}]";
                    var variantName = item.ValueKind == JsonValueKind.Object ? Text(item, "name", at + ".name", required: true, 64) : null;
                    var percent = 0;
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("percent", out var p) || !p.TryGetInt32(out percent) || percent is < 1 or > 100)
                        Error(at + ".percent", "must be a whole percentage 1..100");
                    var target = item.ValueKind == JsonValueKind.Object ? Text(item, "next", at + ".next", required: true, 64) : null;
                    if (variantName is not null && target is not null)
                        variants.Add(new SplitVariant(variantName, percent, target));
                    i++;
                }
                var control = 0;
                if (node.TryGetProperty("control", out var cp) && (!cp.TryGetInt32(out control) || control is < 0 or > 99))
                    Error(path + ".control", "must be a whole percentage 0..99: the share that gets nothing and exits");
                if (variants.Sum(v => v.Percent) + control != 100)
                    Error(path, $"variants and control must add up to 100 (they add up to {(variants.Sum(v => v.Percent) + control).ToString(CultureInfo.InvariantCulture)})");
                return new SplitStep(id, variants, control);
            }
            case "updateProfile":
            {
                UnknownKeys(node, path, ["id", "type", "next", "traits"]);
                if (!node.TryGetProperty("traits", out var traits) || traits.ValueKind != JsonValueKind.Object || !traits.EnumerateObject().Any())
                    return Missing<JourneyStep>(path + ".traits", "must be a non-empty object of trait -> value, e.g. {\"coupon_sent\": true}");
                var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in traits.EnumerateObject())
                {
                    if (property.Name.Length is 0 or > 200)
                        Error($"{path}.traits", $"trait names are 1..200 characters ('{Quote(property.Name)}')");
                    else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        Error($"{path}.traits.{property.Name}", "must be a text, number, boolean or null (null removes the trait)");
                    else
                        values[property.Name] = property.Value.Clone();
                }
                return new UpdateProfileStep(id, next, values);
            }
            default:
                UnknownKeys(node, path, ["id", "type"]);
                return new ExitStep(id);
        }
    }

    private Condition? Condition(JsonElement node, string path)
    {
        var parsed = ConditionParser.ParseCondition(node, path);
        _errors.AddRange(parsed.Errors);
        return parsed.Value;
    }

    private EventFilter? Filter(JsonElement node, string path)
    {
        var parsed = ConditionParser.ParseEventFilter(node, path);
        _errors.AddRange(parsed.Errors);
        return parsed.Value;
    }

    private TimeSpan? Duration(JsonElement node, string key, string path, bool required)
    {
        if (!node.TryGetProperty(key, out var value))
        {
            if (required)
                Error(path, "is required: a duration such as \"30m\", \"1h\", \"3d\" or \"2w\"");
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && Durations.TryParse(value.GetString()!, out var duration) && duration > TimeSpan.Zero)
            return duration;
        Error(path, "must be a duration such as \"30m\", \"1h\", \"3d\" or \"2w\"");
        return null;
    }

    private TimeOnly? TimeOfDay(JsonElement node, string key, string path)
    {
        if (node.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            && TimeOnly.TryParseExact(value.GetString(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        Error(path, "must be a local time of day \"HH:mm\", e.g. \"09:00\"");
        return null;
    }

    private string? Text(JsonElement node, string key, string path, bool required, int maxLength)
    {
        if (!node.TryGetProperty(key, out var value))
        {
            if (required)
                Error(path, "is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            Error(path, "must be a non-empty text");
            return null;
        }
        if (text.Length > maxLength)
        {
            Error(path, $"is longer than {maxLength.ToString(CultureInfo.InvariantCulture)} characters");
            return null;
        }
        return text;
    }

    private void UnknownKeys(JsonElement node, string path, string[] known)
    {
        foreach (var property in node.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                Error(path.Length == 0 ? property.Name : $"{path}.{property.Name}", $"unknown key; known keys here are {string.Join(", ", known)}");
        }
    }

    private T? Missing<T>(string path, string message) where T : class
    {
        Error(path, message);
        return null;
    }

    private void Error(string path, string message) => _errors.Add(new ConditionError(path, message));

    private static string Quote(string text) => text.Length <= 80 ? text : text[..80] + "...";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}

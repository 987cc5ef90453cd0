using System.Globalization;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// A user of the embedded endpoint. <c>default</c> is the services' user (full access but for
/// what <see cref="StatementGuard"/> refuses to everyone); <c>bi</c> only reads its databases,
/// within <see cref="Limits"/> that the request cannot lift.
/// </summary>
public sealed record ClickHouseUser(string Name, string Password, bool IsReadOnly, IReadOnlyList<string> Databases, ClickHouseQueryLimits? Limits)
{
    /// <summary>Databases every user may read for metadata (BI tools list tables and columns there).</summary>
    public static readonly IReadOnlySet<string> MetadataDatabases = new HashSet<string>(StringComparer.Ordinal)
    {
        "system", "information_schema", "INFORMATION_SCHEMA",
    };

    /// <summary>Settings a read-only user may only tighten, never lift (ClickHouse's settings constraints).</summary>
    public static readonly IReadOnlySet<string> ProtectedSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "readonly", "allow_ddl", "max_execution_time", "max_memory_usage", "max_result_rows", "result_overflow_mode",
        "timeout_overflow_mode", "max_memory_usage_for_user", "max_estimated_execution_time", "max_result_bytes",
        "max_concurrent_queries_for_user", "dialect", "allow_introspection_functions", "profile",
    };

    /// <summary>
    /// The settings a request of this user runs with: the request's own, checked against the
    /// user's constraints, then the user's limits and read-only mode, which come last so nothing
    /// the request sends outranks them. Null settings and an error when the request tries to lift one.
    /// </summary>
    public (IReadOnlyList<KeyValuePair<string, string>>? Settings, ClickHouseError? Error) SettingsFor(IReadOnlyList<KeyValuePair<string, string>> requested)
    {
        var dialect = requested.FirstOrDefault(s => s.Key.Equals("dialect", StringComparison.OrdinalIgnoreCase));
        if (dialect.Key is not null && !dialect.Value.Equals("clickhouse", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Violation("dialect", "the endpoint checks statements with ClickHouse's own parser"));
        }

        if (!IsReadOnly || Limits is null)
        {
            return (requested, null);
        }

        var settings = new List<KeyValuePair<string, string>>();
        var limits = Limits.AsSettings();
        foreach (var (name, value) in requested)
        {
            if (!ProtectedSettings.Contains(name))
            {
                settings.Add(new(name, value));
                continue;
            }

            if (name.Equals("readonly", StringComparison.OrdinalIgnoreCase))
            {
                if (value is not ("1" or "2"))
                {
                    return (null, new ClickHouseError(ClickHouseError.Readonly,
                        $"{Name}: Cannot modify 'readonly' setting in readonly mode: the user {Name} is read-only. (READONLY)"));
                }

                continue; // the endpoint sets it below
            }

            if (name is "result_overflow_mode" or "timeout_overflow_mode" && value is "throw" or "break")
            {
                settings.Add(new(name, value));
                continue;
            }

            // A limit may be lowered (JDBC's setMaxRows sends max_result_rows), never raised or switched off.
            var limit = limits.FirstOrDefault(l => l.Key == name).Value;
            if (limit is not null && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > 0
                && asked <= ulong.Parse(limit, CultureInfo.InvariantCulture))
            {
                limits.RemoveAll(l => l.Key == name);
                settings.Add(new(name, value));
                continue;
            }

            return (null, Violation(name, $"the user {Name} runs with {name} = {limit ?? "the endpoint's value"} at most"));
        }

        settings.AddRange(limits);
        settings.Add(new("readonly", "2"));
        return (settings, null);
    }

    private ClickHouseError Violation(string setting, string why) => new(ClickHouseError.SettingConstraintViolation,
        $"{Name}: Setting {setting} should not be changed: {why}. (SETTING_CONSTRAINT_VIOLATION)");
}

/// <summary>Per-query limits for a read-only user (ClickHouse's profile settings of the same names).</summary>
public sealed record ClickHouseQueryLimits
{
    /// <summary>max_execution_time: a query running longer is stopped (code 159).</summary>
    public TimeSpan MaxExecutionTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>max_memory_usage: bytes one query may use (code 241 beyond).</summary>
    public long MaxMemoryUsage { get; init; } = 2L << 30;

    /// <summary>max_result_rows with result_overflow_mode = throw: a larger answer is an error (code 396), never silently cut.</summary>
    public long MaxResultRows { get; init; } = 1_000_000;

    internal List<KeyValuePair<string, string>> AsSettings() =>
    [
        new("max_execution_time", ((long)Math.Ceiling(MaxExecutionTime.TotalSeconds)).ToString(CultureInfo.InvariantCulture)),
        new("max_memory_usage", MaxMemoryUsage.ToString(CultureInfo.InvariantCulture)),
        new("max_result_rows", MaxResultRows.ToString(CultureInfo.InvariantCulture)),
    ];
}

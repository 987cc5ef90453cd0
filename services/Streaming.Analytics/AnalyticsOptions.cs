using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Streaming.Analytics;

/// <summary>Analytics settings (section <c>Analytics</c>; env <c>Analytics__*</c>).</summary>
public sealed partial class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Database of the tables (created by the migrations).</summary>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,63}$", ErrorMessage = "Analytics:Database must be a plain identifier (letters, digits, '_').")]
    public string Database { get; set; } = "streaming";

    /// <summary>Database of the read-only BI views.</summary>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,63}$", ErrorMessage = "Analytics:BiDatabase must be a plain identifier (letters, digits, '_').")]
    public string BiDatabase { get; set; } = "bi";

    /// <summary>How long events are kept after they were received (TTL of streaming.events), in days; default 3 years.</summary>
    // Expiry is a DateTime (up to 2106): longer TTLs would overflow and drop rows at once.
    [Range(1, 29_200, ErrorMessage = "Analytics:EventsTtlDays must be between 1 and 29200 (80 years).")]
    public int EventsTtlDays { get; set; } = 1095;

    /// <summary>Most messages of one partition inserted in one ClickHouse insert.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Analytics:BatchSize must be between 1 and 1000000.")]
    public int BatchSize { get; set; } = 10_000;

    /// <summary>A batch smaller than BatchSize waits until its partition's last insert is this old (ms).</summary>
    [Range(0, 60_000, ErrorMessage = "Analytics:FlushIntervalMs must be between 0 and 60000.")]
    public int FlushIntervalMs { get; set; } = 1000;

    /// <summary>Consumer group of the sink (one group per deployment).</summary>
    [Required]
    public string ConsumerGroup { get; set; } = "analytics";

    /// <summary>Apply the migrations when the service starts (the Helm job also runs <c>migrate</c>).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Run the Kafka sinks in this process (off for a query-only deployment).</summary>
    public bool SinkEnabled { get; set; } = true;

    internal static bool IsIdentifier(string name) => IdentifierPattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex IdentifierPattern();
}

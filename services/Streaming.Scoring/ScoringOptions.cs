using System.ComponentModel.DataAnnotations;

namespace Streaming.Scoring;

/// <summary>Settings of the scoring service (section <c>Scoring</c>, env <c>Scoring__*</c>); docs/configuration.md lists them.</summary>
public sealed class ScoringOptions
{
    public const string Section = "Scoring";

    /// <summary>Consumer group of the profiles.changes subscription.</summary>
    [Required]
    public string GroupId { get; set; } = "scoring";

    /// <summary>Score where the band "medium" starts (0–100).</summary>
    [Range(1, 100)]
    public int MediumFrom { get; set; } = 50;

    /// <summary>Score where the band "high" starts (0–100, above <see cref="MediumFrom"/>).</summary>
    [Range(1, 100)]
    public int HighFrom { get; set; } = 75;

    /// <summary>Hours between rescoring a person without any profile change (recency grows without events).</summary>
    [Range(1, 24 * 30)]
    public int RescoreEveryHours { get; set; } = 24;

    /// <summary>
    /// When to retrain on the latest cuts the history allows, as a cron expression in UTC (five fields,
    /// e.g. <c>0 3 */14 * *</c>: 03:00 on every 14th day); empty (the default) means never: retraining is the CLI's job.
    /// </summary>
    public string? RetrainCron { get; set; }

    /// <summary>Horizon of the scheduled retrain, in days.</summary>
    [Range(1, 365)]
    public int RetrainHorizonDays { get; set; } = 60;

    /// <summary>The ClickHouse database the scheduled retrain reads history from (the analytics one).</summary>
    [Required]
    public string RetrainDatabase { get; set; } = "streaming";

    /// <summary>Tenants to retrain besides those that already have a published model.</summary>
    public string[] RetrainTenants { get; set; } = [];
}

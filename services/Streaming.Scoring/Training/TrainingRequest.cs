namespace Streaming.Scoring.Training;

/// <summary>What to train: the tenant, the two cuts and the horizon a churn is counted over.</summary>
public sealed record TrainingRequest(string Tenant, DateTimeOffset TrainAsOf, DateTimeOffset EvaluateAsOf, TimeSpan Horizon)
{
    /// <summary>Fewer positive or negative examples than this and no model is published (Segment's rule).</summary>
    public const int MinimumExamples = 100;

    /// <summary>The latest cuts the history allows: evaluation labels need a full horizon after the evaluation cut, training labels end at it.</summary>
    public static TrainingRequest Latest(string tenant, DateTimeOffset lastEvent, TimeSpan horizon, DateTimeOffset? train, DateTimeOffset? evaluate)
    {
        var evaluateAsOf = evaluate ?? (lastEvent - horizon).UtcDateTime.Date;
        var trainAsOf = train ?? evaluateAsOf - horizon;
        return new TrainingRequest(tenant, new DateTimeOffset(trainAsOf.UtcDateTime, TimeSpan.Zero), new DateTimeOffset(evaluateAsOf.UtcDateTime, TimeSpan.Zero), horizon);
    }

    /// <summary>
    /// How far the training labels look ahead: the horizon, but never past the evaluation cut. Month
    /// cuts are the natural ones (2011-02-01 and 2011-04-01 with 60 days is one day short), so a gap up
    /// to 10 % shorter than the horizon is accepted and the training labels stop at the evaluation cut:
    /// nothing of the evaluation period is seen, and the report says so.
    /// </summary>
    public TimeSpan TrainingLabelWindow => EvaluateAsOf - TrainAsOf < Horizon ? EvaluateAsOf - TrainAsOf : Horizon;

    private TimeSpan MinimumGap => Horizon * 0.9;

    /// <summary>Why these cuts cannot give an honest evaluation, or null.</summary>
    public string? Problem(DateTimeOffset lastEvent)
    {
        if (Horizon <= TimeSpan.Zero)
            return "--horizon must be a positive number of days, e.g. 60d.";
        if (EvaluateAsOf < TrainAsOf + MinimumGap)
            return $"--evaluate-as-of ({EvaluateAsOf:yyyy-MM-dd}) must be at least --train-as-of + horizon ({TrainAsOf + Horizon:yyyy-MM-dd}; a month's rounding is accepted, not more): the training labels would otherwise see the evaluation period.";
        if (EvaluateAsOf + Horizon > lastEvent)
            return $"The history ends at {lastEvent:yyyy-MM-dd HH:mm}; an evaluation at {EvaluateAsOf:yyyy-MM-dd} needs it to reach {EvaluateAsOf + Horizon:yyyy-MM-dd} (cut + horizon). Choose an earlier --evaluate-as-of or a shorter --horizon.";
        return null;
    }
}

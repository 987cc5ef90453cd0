namespace Streaming.ServiceDefaults.Pipeline;

/// <summary>What a pipeline step decided about the item it was given (<see cref="StepResult"/>).</summary>
public enum StepVerdict
{
    /// <summary>Go on to the next step.</summary>
    Continue,

    /// <summary>Stop here on purpose, nothing is wrong (a duplicate, a bot, a refused merge): counted, not kept.</summary>
    Drop,

    /// <summary>Stop here: the item cannot be processed as it is. It is kept with the reason for inspection (a dead-letter topic, events.rejected).</summary>
    DeadLetter,

    /// <summary>
    /// Stop the whole request: the sender is answered with the reason (401, 413, 429, 503) and
    /// nothing of it is accepted. Only an edge that answers a sender can refuse; a consumer keeps a
    /// refused message as a dead letter (<see cref="Consumers.HandlerOutcome.Of"/>).
    /// </summary>
    Refuse,
}

namespace Streaming.ServiceDefaults.Timers;

/// <summary>Sets (or, with no <paramref name="Due"/>, cancels) the timer <paramref name="Id"/> of <paramref name="PartitionKey"/>.</summary>
public readonly record struct TimerChange(string PartitionKey, string Id, long? Due);

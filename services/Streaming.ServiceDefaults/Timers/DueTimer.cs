namespace Streaming.ServiceDefaults.Timers;

/// <summary>A timer whose time has come: its partition, its id and the due time (epoch ms) it was set for.</summary>
public readonly record struct DueTimer(int Partition, string Id, long Due);

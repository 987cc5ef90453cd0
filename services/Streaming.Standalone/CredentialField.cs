namespace Streaming.Standalone;

/// <summary>
/// One credential of the standalone host, kept in <c>&lt;data&gt;/credentials.json</c> under <see cref="Name"/>.
/// <see cref="EnvironmentVariable"/> fixes its value; otherwise it is generated once and kept.
/// A <see cref="HashOnly"/> credential (one the host only verifies) is kept as <c>&lt;name&gt;Hash</c>: its
/// value is known only on the start that generated it or when it is given.
/// </summary>
public sealed record CredentialField(string Name, string? EnvironmentVariable, Func<string> Generate, bool HashOnly = false);

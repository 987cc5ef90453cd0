namespace Streaming.Tests.Helpers;

/// <summary>The selected test infrastructure cannot run on this machine; the message says what to do.</summary>
public sealed class TestInfrastructureUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

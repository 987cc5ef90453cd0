using Microsoft.Extensions.Logging;

namespace Streaming.ServiceDefaults.Tests.Resilience;

/// <summary>
/// A logger factory that keeps what one pipeline logged, so a test can wait until a retry or an
/// opened circuit actually happened (the metrics are process-wide; these lines are this test's).
/// </summary>
public sealed class PipelineEvents : ILoggerFactory, ILoggerProvider, ILogger
{
    private readonly List<string> lines = [];
    private readonly Lock gate = new();

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
                return [.. lines];
        }
    }

    public int Count(string fragment) => Lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits (up to a minute) until a line containing <paramref name="fragment"/> was logged.</summary>
    public async Task WaitForAsync(string fragment)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (Count(fragment) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing containing '{fragment}' was logged within a minute; logged: {string.Join(" | ", Lines)}");
            await Task.Delay(20);
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (gate)
            lines.Add($"{logLevel}: {formatter(state, exception)}");
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}

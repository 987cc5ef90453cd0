using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Streaming.Tests.Helpers;

/// <summary>
/// A real logger provider that keeps what is logged, so tests can check levels and stack traces,
/// or wait until something happened (a retry, an opened circuit). Hand it to a host with
/// <c>Logging.AddProvider</c>, or to a component as <c>new LoggerFactory([logs])</c>.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Lines logged so far that contain <paramref name="fragment"/>.</summary>
    public int Count(string fragment) => Entries.Count(e => e.Message.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits (up to a minute) until a line containing <paramref name="fragment"/> was logged.</summary>
    public async Task WaitForAsync(string fragment)
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (Count(fragment) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing containing '{fragment}' was logged within a minute; logged: {string.Join(" | ", Entries.Select(e => e.Message))}");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}

namespace Streaming.Tests.Helpers;

/// <summary>
/// The one way a test waits for something to happen: poll until it holds, for at least
/// <see cref="Limit"/>. Tests never assert timing: the machines running the suite are shared and
/// may be loaded many times over (a rebalance that takes 1 s on a quiet machine took over 30 s at a
/// load of 43), so a wait only bounds how long a broken build takes to fail. The loop ends as soon
/// as the condition holds, so a quiet machine is not slowed.
/// </summary>
public static class Eventually
{
    /// <summary>The shortest time any wait gives a condition before failing.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>A wait's time: what the test asked for, raised to <see cref="Limit"/>.</summary>
    public static TimeSpan Generous(TimeSpan? asked = null) => asked is { } time && time > Limit ? time : Limit;

    /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> names <paramref name="what"/> otherwise.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var time = Generous(limit);
        var deadline = DateTime.UtcNow + time;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Within {time.TotalSeconds:F0} s: {what} did not happen.");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it answers a value, and returns it.</summary>
    public static async Task<T> Async<T>(string what, Func<Task<T?>> probe, TimeSpan? limit = null) where T : class
    {
        T? found = null;
        await UntilAsync(async () => (found = await probe()) is not null, what, limit);
        return found!;
    }

    /// <inheritdoc cref="Async{T}(string, Func{Task{T}}, TimeSpan?)"/>
    public static async Task<T> ValueAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? limit = null) where T : struct
    {
        T? found = null;
        await UntilAsync(async () => (found = await probe()) is not null, what, limit);
        return found!.Value;
    }
}

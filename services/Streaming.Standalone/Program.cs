using Streaming.Embedded.ClickHouse;
using Streaming.Standalone;

StandaloneOptions options;
try
{
    options = StandaloneOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

// On a fresh machine the ClickHouse engine is fetched first (once); a missing prerequisite is
// explained in a sentence that says what to do, not in a stack trace.
ChDbLibraryLookup chdb;
try
{
    chdb = await ChDbLibrary.TryEnsureAsync(message => Console.WriteLine(message), stop.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("stopped before the ClickHouse engine was fetched; nothing was left half-written.");
    return 130;
}
if (chdb.Path is null)
{
    Console.Error.WriteLine($"Streaming cannot start: {chdb.Problem}");
    return 1;
}
if (options.FetchChDbOnly)
{
    Console.WriteLine(chdb.Path);
    return 0;
}

StandaloneHost host;
try
{
    host = await StandaloneHost.StartAsync(options, message => Console.WriteLine(message), stop.Token);
}
catch (Exception ex) when (StartupProblems.Explain(ex) is { } problem)
{
    Console.Error.WriteLine($"Streaming cannot start: {problem}");
    return 1;
}
await using var running = host;
Console.WriteLine(host.Describe());
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("stopping ...");
}
return 0;

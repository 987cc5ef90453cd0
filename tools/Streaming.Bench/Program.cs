using Streaming.Bench;

var scenarios = typeof(IBenchScenario).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchScenario).IsAssignableFrom(t))
    .Select(t => (IBenchScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name)
    .ToList();

var scenario = args.Length > 0 ? scenarios.FirstOrDefault(s => s.Name == args[0]) : null;
if (scenario is null)
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tools/Streaming.Bench -- <scenario> [options]");
    foreach (var s in scenarios)
        Console.Error.WriteLine($"  {s.Name,-12} {s.Description}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await scenario.RunAsync(args[1..], cancel.Token);

namespace Streaming.Bench;

/// <summary>
/// One benchmark scenario (<c>dotnet run -c Release --project tools/Streaming.Bench -- &lt;name&gt;</c>).
/// A scenario starts what it measures by itself, prints human-readable figures, and its last
/// line is one JSON object with those figures.
/// </summary>
public interface IBenchScenario
{
    string Name { get; }
    string Description { get; }
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}

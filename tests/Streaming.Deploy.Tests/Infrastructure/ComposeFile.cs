namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>docker-compose.yml at the repository root.</summary>
public sealed class ComposeFile
{
    private ComposeFile(Dictionary<object, object> services) => Services = services;

    public Dictionary<object, object> Services { get; }

    public static ComposeFile Load() =>
        new(Yaml.ReadDocument(File.ReadAllText(RepositoryRoot.Combine("docker-compose.yml"))).Map("services") ?? []);

    public IEnumerable<string> ServiceNames => Services.Keys.Cast<string>();

    public object? Service(string name) => Services.GetValueOrDefault(name);

    /// <summary>Environment variable names of a service; compose allows a map or a NAME=value list.</summary>
    public IReadOnlySet<string> EnvironmentNames(string service)
    {
        var environment = Service(service).At("environment");
        var names = environment switch
        {
            Dictionary<object, object> map => map.Keys.Cast<string>(),
            List<object> list => list.Cast<string>().Select(entry => entry.Split('=', 2)[0]),
            _ => [],
        };
        return new HashSet<string>(names, StringComparer.Ordinal);
    }
}

namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>The manifests `helm template` produced, with the workloads picked out.</summary>
public sealed class RenderedChart(IReadOnlyList<Dictionary<object, object>> manifests)
{
    public IReadOnlyList<Dictionary<object, object>> Manifests { get; } = manifests;

    public IEnumerable<Dictionary<object, object>> OfKind(string kind) =>
        Manifests.Where(m => m.Text("kind") == kind);

    /// <summary>Deployments and Jobs: everything that runs a pod.</summary>
    public IReadOnlyList<Workload> Workloads =>
        Manifests.Where(m => m.Text("kind") is "Deployment" or "Job").Select(m => new Workload(m, this)).ToList();

    public IReadOnlyList<Workload> Deployments => Workloads.Where(w => w.Kind == "Deployment").ToList();

    public Dictionary<object, object>? ConfigMap(string name) =>
        OfKind("ConfigMap").FirstOrDefault(m => m.Text("metadata", "name") == name);
}

/// <summary>One Deployment or Job and its first container.</summary>
public sealed class Workload(Dictionary<object, object> manifest, RenderedChart chart)
{
    public string Kind => manifest.Text("kind")!;

    public string Name => manifest.Text("metadata", "name")!;

    /// <summary>app.kubernetes.io/component: the service's key in values (gateway, dispatch-push).</summary>
    public string Component => manifest.Text("metadata", "labels", "app.kubernetes.io/component") ?? "";

    /// <summary>streaming/project: the project under services/ that the image runs.</summary>
    public string? Project => manifest.Text("metadata", "labels", "streaming/project");

    public Dictionary<object, object> PodSpec => manifest.Map("spec", "template", "spec") ?? [];

    public Dictionary<object, object> Container =>
        PodSpec.List("containers").OfType<Dictionary<object, object>>().Single();

    public override string ToString() => $"{Kind}/{Name}";

    /// <summary>
    /// The environment variable names the application reads: the container's env and the keys of
    /// ConfigMaps in envFrom, less the variables that exist only to be expanded into another
    /// one through $(NAME) (how a password from a Secret reaches a connection string).
    /// </summary>
    public IReadOnlySet<string> ApplicationEnvironmentNames()
    {
        var env = Container.List("env").OfType<Dictionary<object, object>>().ToList();
        var names = new HashSet<string>(env.Select(e => e.Text("name")!), StringComparer.Ordinal);
        foreach (var source in Container.List("envFrom"))
        {
            var configMap = source.Text("configMapRef", "name");
            if (configMap is not null && chart.ConfigMap(configMap)?.Map("data") is { } data)
            {
                names.UnionWith(data.Keys.Select(k => (string)k));
            }
        }

        foreach (var value in env.Select(e => e.Text("value")).OfType<string>())
        {
            foreach (var name in names.ToList())
            {
                if (value.Contains($"$({name})", StringComparison.Ordinal))
                {
                    names.Remove(name);
                }
            }
        }

        return names;
    }
}

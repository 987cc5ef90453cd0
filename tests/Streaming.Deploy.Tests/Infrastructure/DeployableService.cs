using System.Xml.Linq;

namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>
/// A service that must be deployable: a web project under services/ (Sdk="Microsoft.NET.Sdk.Web")
/// that is not a library or the all-in-one standalone host.
/// </summary>
/// <param name="Project">The suffix of services/Streaming.&lt;Project&gt;, e.g. Gateway.</param>
public sealed record DeployableService(string Project)
{
    private static readonly HashSet<string> NotDeployed =
        new(StringComparer.Ordinal) { "ServiceDefaults", "Embedded", "Standalone", "Conditions" };

    /// <summary>The name used for its compose service and chart component, e.g. gateway.</summary>
    public string Name => Project.ToLowerInvariant();

    /// <summary>True for a compose service or chart component that runs this project: its own
    /// name, or its name with a suffix (one dispatcher per channel: dispatch-push, dispatch-sms).</summary>
    public bool IsNamedBy(string name) =>
        name == Name || name.StartsWith(Name + "-", StringComparison.Ordinal);

    public override string ToString() => Project;

    public static IReadOnlyList<DeployableService> FindAll()
    {
        var servicesDir = RepositoryRoot.Combine("services");
        var found = new List<DeployableService>();
        foreach (var dir in Directory.GetDirectories(servicesDir, "Streaming.*"))
        {
            var project = Path.GetFileName(dir)["Streaming.".Length..];
            var csproj = Path.Combine(dir, $"Streaming.{project}.csproj");
            if (NotDeployed.Contains(project) || !File.Exists(csproj))
            {
                continue;
            }

            var sdk = XDocument.Load(csproj).Root?.Attribute("Sdk")?.Value;
            if (sdk == "Microsoft.NET.Sdk.Web")
            {
                found.Add(new DeployableService(project));
            }
        }

        return found.OrderBy(s => s.Project, StringComparer.Ordinal).ToList();
    }
}

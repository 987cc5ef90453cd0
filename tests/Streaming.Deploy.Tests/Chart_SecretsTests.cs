using System.Text.RegularExpressions;
using Streaming.Deploy.Tests.Infrastructure;

namespace Streaming.Deploy.Tests;

/// <summary>Credentials reach the pods from existing Secrets; the chart never carries one.</summary>
public sealed partial class Chart_SecretsTests
{
    /// <summary>Keys that name a credential. Their values in the chart's values files may only say
    /// where the secret is (a Secret's name or key), never what it is.</summary>
    [GeneratedRegex("password|passwd|secret|apikey|api_key|token|salt|credential", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialKey();

    [GeneratedRegex("(existingSecret|Key|key|secretName)$")]
    private static partial Regex ReferenceKey();

    public static TheoryData<string> ValuesFiles()
    {
        var chart = RepositoryRoot.Combine("charts", "streaming");
        var data = new TheoryData<string> { "values.yaml" };
        foreach (var file in Directory.GetFiles(Path.Combine(chart, "ci"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(chart, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Chart_values_hold_no_secret_values_when_read_as_shipped(string valuesFile)
    {
        var values = Yaml.ReadDocument(File.ReadAllText(RepositoryRoot.Combine("charts", "streaming", valuesFile)));

        var offending = Scalars(values, "").Where(entry =>
            CredentialKey().IsMatch(entry.Key) && !ReferenceKey().IsMatch(entry.Key) && entry.Value.Length > 0).ToList();

        Assert.True(offending.Count == 0,
            $"{valuesFile} holds credential values: {string.Join(", ", offending.Select(e => e.Path))}. " +
            "Reference an existing Secret instead (existingSecret and a key).");
    }

    [Theory]
    [MemberData(nameof(Renders.ValuesSets), MemberType = typeof(Renders))]
    public void Chart_passes_credentials_through_secret_references_when_rendered(string valuesSet)
    {
        var chart = Renders.ByName(valuesSet);
        Assert.Empty(chart.OfKind("Secret"));

        var credentials = new[] { "Admin__ApiKey", "Gateway__PiiSalt", "Kafka__SaslPassword" };
        foreach (var workload in chart.Workloads)
        {
            foreach (var env in workload.Container.List("env").OfType<Dictionary<object, object>>())
            {
                var name = env.Text("name")!;
                var value = env.Text("value") ?? "";
                if (credentials.Contains(name) || name.EndsWith("_PASSWORD", StringComparison.Ordinal))
                {
                    Assert.True(env.At("valueFrom", "secretKeyRef") is not null, $"{workload}: {name} must come from a secretKeyRef");
                }

                Assert.DoesNotMatch(@"(?i)password=(?!\$\()", value);
            }
        }
    }

    private static IEnumerable<(string Key, string Path, string Value)> Scalars(object? node, string path) => node switch
    {
        Dictionary<object, object> map => map.SelectMany(kv => Scalars(kv.Value, $"{path}.{kv.Key}")
            .Select(s => s.Path == $"{path}.{kv.Key}" ? ((string)kv.Key, s.Path, s.Value) : s)),
        List<object> list => list.SelectMany((item, i) => Scalars(item, $"{path}[{i}]")),
        string text => [(path, path, text)],
        _ => [],
    };
}

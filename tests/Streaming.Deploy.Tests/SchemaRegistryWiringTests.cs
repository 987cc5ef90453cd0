using Streaming.Deploy.Tests.Infrastructure;

namespace Streaming.Deploy.Tests;

/// <summary>Every workload of the chart (services and the create-topics hook that registers the schemas) reaches the Schema Registry.</summary>
public sealed class SchemaRegistryWiringTests
{
    [Fact]
    public void Chart_gives_every_workload_the_registry_url_and_the_password_from_its_secret_when_auth_is_set()
    {
        var chart = Renders.Production;
        Assert.NotEmpty(chart.Workloads);
        foreach (var workload in chart.Workloads)
        {
            var names = workload.ApplicationEnvironmentNames();
            Assert.True(names.Contains("SchemaRegistry__Url"), $"{workload} has no SchemaRegistry__Url");
            Assert.True(names.Contains("SchemaRegistry__BasicAuthUsername"), $"{workload} has no SchemaRegistry__BasicAuthUsername");
            var password = workload.Container.List("env").OfType<Dictionary<object, object>>()
                .SingleOrDefault(e => e.Text("name") == "SchemaRegistry__BasicAuthPassword");
            Assert.True(password is not null, $"{workload} has no SchemaRegistry__BasicAuthPassword");
            Assert.Equal("streaming-schema-registry", password.Text("valueFrom", "secretKeyRef", "name"));
            Assert.Equal("password", password.Text("valueFrom", "secretKeyRef", "key"));
            Assert.Null(password.Text("value"));
        }
    }

    [Fact]
    public void Chart_sends_no_registry_password_when_auth_is_not_set()
    {
        foreach (var workload in Renders.Default.Workloads)
        {
            var names = workload.ApplicationEnvironmentNames();
            Assert.Contains("SchemaRegistry__Url", names);
            Assert.DoesNotContain("SchemaRegistry__BasicAuthPassword", names);
        }
    }
}

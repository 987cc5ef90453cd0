using Streaming.Deploy.Tests.Infrastructure;

namespace Streaming.Deploy.Tests;

/// <summary>Every service in the repository can be run with docker-compose and with the chart,
/// configured through the same environment variables in both.</summary>
public sealed class Deploy_ServiceCoverageTests
{
    private static readonly IReadOnlyList<DeployableService> Services = DeployableService.FindAll();

    [Fact]
    public void Repository_has_deployable_services_when_scanned()
    {
        Assert.Contains(Services, s => s.Project == "Gateway");
        Assert.DoesNotContain(Services, s => s.Project is "Standalone" or "ServiceDefaults" or "Embedded");
    }

    [Fact]
    public void Compose_runs_every_deployable_service_when_it_exists_on_disk()
    {
        var missing = Coverage.MissingFromCompose(Services, ComposeFile.Load());

        Assert.True(missing.Count == 0,
            $"docker-compose.yml has no service for: {string.Join(", ", missing)}. " +
            "Add one built from deploy/docker/Dockerfile with that SERVICE build arg.");
    }

    [Fact]
    public void Compose_builds_each_service_from_the_shared_dockerfile_with_its_project()
    {
        var compose = ComposeFile.Load();
        foreach (var service in Services)
        {
            foreach (var name in compose.ServiceNames.Where(service.IsNamedBy))
            {
                var build = compose.Service(name).Map("build");
                Assert.True(build is not null, $"compose service {name} has no build section");
                Assert.Equal("deploy/docker/Dockerfile", build.Text("dockerfile"));
                Assert.Equal(service.Project, build.Text("args", "SERVICE"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders.ValuesSets), MemberType = typeof(Renders))]
    public void Chart_deploys_every_deployable_service_when_rendered(string valuesSet)
    {
        var missing = Coverage.MissingFromChart(Services, Renders.ByName(valuesSet));

        Assert.True(missing.Count == 0,
            $"The chart rendered with {valuesSet} values has no Deployment for: {string.Join(", ", missing)}. " +
            "Add an entry to services: in charts/streaming/values.yaml.");
    }

    [Fact]
    public void Chart_coverage_check_reports_a_service_when_the_chart_drops_it()
    {
        var dropped = Assert.Single(Services, s => s.Project == "Gateway");
        var withoutIt = Helm.Template(null, $"services.{dropped.Name}.enabled=false");

        var missing = Coverage.MissingFromChart(Services, withoutIt);

        Assert.Equal([dropped.Project], missing.Select(s => s.Project));
    }

    [Fact]
    public void Chart_and_compose_set_the_same_environment_variables_for_each_service()
    {
        var compose = ComposeFile.Load();
        var problems = new List<string>();

        foreach (var deployment in Renders.ComposeLike.Deployments)
        {
            if (compose.Service(deployment.Component) is null)
            {
                problems.Add($"{deployment} has no compose service named {deployment.Component}");
                continue;
            }

            var inChart = deployment.ApplicationEnvironmentNames();
            var inCompose = compose.EnvironmentNames(deployment.Component);
            var onlyInChart = inChart.Except(inCompose).Order(StringComparer.Ordinal).ToList();
            var onlyInCompose = inCompose.Except(inChart).Order(StringComparer.Ordinal).ToList();
            if (onlyInChart.Count > 0 || onlyInCompose.Count > 0)
            {
                problems.Add($"{deployment.Component}: only in the chart [{string.Join(", ", onlyInChart)}], " +
                    $"only in docker-compose.yml [{string.Join(", ", onlyInCompose)}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Chart_and_compose_use_only_documented_environment_variables()
    {
        var documented = File.ReadAllText(RepositoryRoot.Combine("docs", "configuration.md"));
        var compose = ComposeFile.Load();

        foreach (var service in Services)
        {
            foreach (var name in compose.ServiceNames.Where(service.IsNamedBy))
            {
                foreach (var variable in compose.EnvironmentNames(name))
                {
                    Assert.True(documented.Contains($"`{variable}`", StringComparison.Ordinal),
                        $"compose service {name} sets {variable}, which docs/configuration.md does not document");
                }
            }
        }

        foreach (var deployment in Renders.Default.Deployments)
        {
            foreach (var variable in deployment.ApplicationEnvironmentNames())
            {
                Assert.True(documented.Contains($"`{variable}`", StringComparison.Ordinal),
                    $"{deployment} sets {variable}, which docs/configuration.md does not document");
            }
        }
    }
}

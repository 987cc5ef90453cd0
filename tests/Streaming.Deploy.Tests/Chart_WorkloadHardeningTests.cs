using Streaming.Deploy.Tests.Infrastructure;

namespace Streaming.Deploy.Tests;

/// <summary>What a cluster's admission policies and an operator expect of every pod the chart runs.</summary>
public sealed class Chart_WorkloadHardeningTests
{
    [Theory]
    [MemberData(nameof(Renders.ValuesSets), MemberType = typeof(Renders))]
    public void Chart_deployments_probe_healthz_and_readyz_when_rendered(string valuesSet)
    {
        foreach (var deployment in Renders.ByName(valuesSet).Deployments)
        {
            var container = deployment.Container;
            Assert.True(container.Text("livenessProbe", "httpGet", "path") == "/healthz", $"{deployment}: liveness probe on /healthz");
            Assert.True(container.Text("startupProbe", "httpGet", "path") == "/healthz", $"{deployment}: startup probe on /healthz");
            Assert.True(container.Text("readinessProbe", "httpGet", "path") == "/readyz", $"{deployment}: readiness probe on /readyz");
        }
    }

    [Theory]
    [MemberData(nameof(Renders.ValuesSets), MemberType = typeof(Renders))]
    public void Chart_workloads_run_as_non_root_with_read_only_root_filesystem_when_rendered(string valuesSet)
    {
        foreach (var workload in Renders.ByName(valuesSet).Workloads)
        {
            var pod = workload.PodSpec.Map("securityContext");
            var container = workload.Container.Map("securityContext");
            Assert.True(pod.Text("runAsNonRoot") == "true", $"{workload}: runAsNonRoot");
            Assert.True(int.TryParse(pod.Text("runAsUser"), out var uid) && uid > 0, $"{workload}: numeric non-root runAsUser");
            Assert.True(container.Text("readOnlyRootFilesystem") == "true", $"{workload}: readOnlyRootFilesystem");
            Assert.True(container.Text("allowPrivilegeEscalation") == "false", $"{workload}: allowPrivilegeEscalation false");
            Assert.Contains("ALL", container.List("capabilities", "drop").Cast<string>());
            Assert.True(workload.Container.List("volumeMounts").Any(m => m.Text("mountPath") == "/tmp"),
                $"{workload}: a writable /tmp, since the root filesystem is read-only");
        }
    }

    [Theory]
    [MemberData(nameof(Renders.ValuesSets), MemberType = typeof(Renders))]
    public void Chart_workloads_declare_requests_and_memory_limits_when_rendered(string valuesSet)
    {
        foreach (var workload in Renders.ByName(valuesSet).Workloads)
        {
            var resources = workload.Container.Map("resources");
            Assert.True(resources.Text("requests", "cpu") is not null, $"{workload}: cpu request");
            Assert.True(resources.Text("requests", "memory") is not null, $"{workload}: memory request");
            Assert.True(resources.Text("limits", "memory") is not null, $"{workload}: memory limit");
        }
    }

    [Theory]
    [MemberData(nameof(Renders.ValuesSets), MemberType = typeof(Renders))]
    public void Chart_deployments_have_a_service_and_disruption_budget_when_rendered(string valuesSet)
    {
        var chart = Renders.ByName(valuesSet);
        foreach (var deployment in chart.Deployments)
        {
            Assert.Contains(chart.OfKind("Service"), s => s.Text("metadata", "name") == deployment.Name);
            Assert.Contains(chart.OfKind("PodDisruptionBudget"), s => s.Text("metadata", "name") == deployment.Name);
        }
    }

    [Fact]
    public void Chart_runs_topic_creation_and_migrations_before_install_and_upgrade()
    {
        var jobs = Renders.Default.OfKind("Job").ToList();

        foreach (var (component, verb) in new[] { ("create-topics", "create-topics"), ("migrate-clickhouse", "migrate") })
        {
            var job = jobs.SingleOrDefault(j => j.Text("metadata", "labels", "app.kubernetes.io/component") == component);
            Assert.True(job is not null, $"no {component} Job");
            Assert.Equal("pre-install,pre-upgrade", job.Text("metadata", "annotations", "helm.sh/hook"));
            var container = job.List("spec", "template", "spec", "containers").Single();
            Assert.Equal([verb], container.List("args").Cast<string>());
        }
    }

    [Fact]
    public void Chart_scales_consumers_with_autoscalers_when_production_values_enable_them()
    {
        var chart = Renders.Production;

        foreach (var deployment in chart.Deployments)
        {
            var hpa = chart.OfKind("HorizontalPodAutoscaler").SingleOrDefault(h => h.Text("metadata", "name") == deployment.Name);
            Assert.True(hpa is not null, $"{deployment}: no HorizontalPodAutoscaler");
            Assert.Equal(deployment.Name, hpa.Text("spec", "scaleTargetRef", "name"));
            Assert.Null(deployment.PodSpec.At("replicas"));
        }
    }

    [Fact]
    public void Dockerfile_runtime_stage_runs_as_non_root_with_a_healthz_healthcheck()
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("deploy", "docker", "Dockerfile"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        var runtimeStage = lines.Skip(lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();

        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:", runtimeStage[0], StringComparison.Ordinal);
        Assert.Contains(runtimeStage, l => l == "USER $APP_UID");
        Assert.Contains(runtimeStage, l => l.Contains("/healthz", StringComparison.Ordinal));
        Assert.Contains(runtimeStage, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.True(File.Exists(RepositoryRoot.Combine(".dockerignore")), ".dockerignore keeps bin/ and obj/ out of the build context");
    }
}

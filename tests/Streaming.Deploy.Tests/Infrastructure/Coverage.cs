namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>Which deployable services a compose file or a rendered chart leaves out.</summary>
public static class Coverage
{
    public static IReadOnlyList<DeployableService> MissingFromChart(
        IEnumerable<DeployableService> services, RenderedChart chart) =>
        services.Where(s => !chart.Deployments.Any(d => d.Project == s.Project && s.IsNamedBy(d.Component))).ToList();

    public static IReadOnlyList<DeployableService> MissingFromCompose(
        IEnumerable<DeployableService> services, ComposeFile compose) =>
        services.Where(s => !compose.ServiceNames.Any(s.IsNamedBy)).ToList();
}

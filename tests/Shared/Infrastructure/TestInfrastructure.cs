namespace Streaming.Tests.Helpers;

/// <summary>Starts the servers a test needs on the infrastructure <see cref="TestInfra.Selected"/> picks.</summary>
public static class TestInfrastructure
{
    public static Task<ITestInfrastructure> StartAsync(TestServers servers, CancellationToken cancellationToken = default) =>
        StartAsync(servers, TestInfra.Selected, cancellationToken);

    public static async Task<ITestInfrastructure> StartAsync(TestServers servers, TestInfraKind kind, CancellationToken cancellationToken = default) =>
        kind == TestInfraKind.Containers
            ? await ContainerInfrastructure.StartAsync(servers, dockerEndpoint: null, cancellationToken)
            : await EmbeddedInfrastructure.StartAsync(servers, cancellationToken);
}

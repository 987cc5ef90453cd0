namespace Streaming.ServiceDefaults.Tests.Infrastructure;

/// <summary>
/// The STREAMING_TEST_INFRA switch. The machine these tests were written on has no Docker, which
/// is the case that matters: a run asked to use containers must stop at once and say why.
/// </summary>
public sealed class TestInfrastructure_SwitchTests
{
    [Fact]
    public async Task TestInfrastructure_fails_at_once_naming_the_switch_when_containers_are_selected_and_docker_is_absent()
    {
        // A Docker endpoint nobody listens on: the same answer on a machine with Docker as without.
        var nowhere = new Uri("unix://" + Path.Combine(Path.GetTempPath(), "no-docker-" + Guid.NewGuid().ToString("N") + ".sock"));

        var failure = await Assert.ThrowsAsync<TestInfrastructureUnavailableException>(
            () => ContainerInfrastructure.StartAsync(TestServers.Kafka | TestServers.Redis | TestServers.ClickHouse | TestServers.SchemaRegistry, nowhere));

        Assert.Contains("STREAMING_TEST_INFRA=containers", failure.Message, StringComparison.Ordinal);
        Assert.Contains(nowhere.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.Contains("unset STREAMING_TEST_INFRA", failure.Message, StringComparison.Ordinal);
    }

    [NoDockerFact]
    public async Task TestInfrastructure_fails_at_once_when_containers_are_selected_on_a_machine_without_docker()
    {
        var failure = await Assert.ThrowsAsync<TestInfrastructureUnavailableException>(
            () => TestInfrastructure.StartAsync(TestServers.Redis, TestInfraKind.Containers));

        Assert.Contains("no Docker answers", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, TestInfraKind.Embedded)]
    [InlineData("", TestInfraKind.Embedded)]
    [InlineData("embedded", TestInfraKind.Embedded)]
    [InlineData(" Containers ", TestInfraKind.Containers)]
    public void TestInfra_reads_the_switch_when_it_is_set_or_not(string? value, TestInfraKind expected) =>
        Assert.Equal(expected, TestInfra.Parse(value));

    [Fact]
    public void TestInfra_refuses_an_unknown_value_naming_the_switch_and_the_choices()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TestInfra.Parse("docker"));

        Assert.Contains("STREAMING_TEST_INFRA='docker'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'containers'", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs where no Docker endpoint is configured (this machine); elsewhere the endpoint test above covers the failure.</summary>
    private sealed class NoDockerFactAttribute : FactAttribute
    {
        public NoDockerFactAttribute()
        {
            var dockerMayBeHere = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
                || File.Exists("/var/run/docker.sock")
                || File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock"));
            if (dockerMayBeHere)
                Skip = "a Docker endpoint is configured on this machine";
        }
    }
}

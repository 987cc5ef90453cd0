using Microsoft.Extensions.DependencyInjection;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.ServiceDefaults.Tests.Registration;

public sealed class OneShotJobs_RunTests
{
    private static async Task<(int? ExitCode, string Output, int Runs)> RunAsync(string[] args, params (string, string)[] settings)
    {
        var builder = SampleService.Builder(settings);
        builder.AddSample();
        using var host = builder.Build();
        var output = new StringWriter();
        var exitCode = await host.RunJobAsync(args, output);
        return (exitCode, output.ToString(), host.Services.GetRequiredService<SampleCounter>().Count);
    }

    [Fact]
    public async Task RunJobAsync_runs_the_job_the_first_argument_names_and_returns_its_exit_code()
    {
        var succeeded = await RunAsync(["count", "--Sample:Workers=7"], ("Sample:Workers", "7"));
        Assert.Equal((OneShotJobs.Succeeded, 1), (succeeded.ExitCode, succeeded.Runs));
        Assert.Contains("count: 7 workers", succeeded.Output);

        var failed = await RunAsync(["count"], ("Sample:Target", "remote"));
        Assert.Equal(OneShotJobs.Failed, failed.ExitCode);
        Assert.Contains("did not answer", failed.Output);
    }

    [Fact]
    public async Task RunJobAsync_lets_the_service_serve_when_there_is_no_command()
    {
        Assert.Null((await RunAsync([])).ExitCode);
        Assert.Null((await RunAsync(["--Sample:Workers=3"])).ExitCode);
        Assert.Null((await RunAsync(["Sample:Workers=3"])).ExitCode);
    }

    [Fact]
    public async Task RunJobAsync_refuses_an_unknown_command_and_lists_the_known_ones()
    {
        var (exitCode, output, runs) = await RunAsync(["cuont"]);

        Assert.Equal(OneShotJobs.Misconfigured, exitCode);
        Assert.Contains("Unknown command 'cuont'. Commands: count", output);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task RunJobAsync_names_the_setting_and_does_nothing_when_the_job_options_are_invalid()
    {
        var (exitCode, output, runs) = await RunAsync(["count"], ("Sample:Workers", "0"));

        Assert.Equal(OneShotJobs.Misconfigured, exitCode);
        Assert.Contains("Sample:Workers must be between 1 and 100", output);
        Assert.Equal(0, runs);
    }
}

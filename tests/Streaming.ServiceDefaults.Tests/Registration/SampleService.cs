using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.ServiceDefaults.Tests.Registration;

/// <summary>A service registered the one way: options bound and checked at start, Add* once, one job.</summary>
public static class SampleService
{
    public static IHostApplicationBuilder AddSample(this IHostApplicationBuilder builder)
    {
        if (!builder.TryRegisterOnce("sample"))
            return builder;
        builder.AddServiceOptions<SampleOptions, SampleOptionsValidator>(SampleOptions.Section);
        builder.Services.AddSingleton<SampleCounter>();
        builder.Services.AddOneShotJob<CountJob>("count");
        return builder;
    }

    public static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }
}

public sealed class SampleOptions
{
    public const string Section = "Sample";

    [Range(1, 100, ErrorMessage = "Sample:Workers must be between 1 and 100 (env Sample__Workers).")]
    public int Workers { get; set; } = 4;

    public string Target { get; set; } = "local";
}

internal sealed class SampleOptionsValidator : IValidateOptions<SampleOptions>
{
    public ValidateOptionsResult Validate(string? name, SampleOptions options) => options.Target is "local" or "remote"
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail($"Sample:Target is '{options.Target}'; use 'local' or 'remote' (env Sample__Target).");
}

public sealed class SampleCounter
{
    public int Count { get; set; }
}

/// <summary>Counts its runs and reports the configured workers; fails (exit 1) for a remote target it cannot reach.</summary>
public sealed class CountJob(IOptions<SampleOptions> options, SampleCounter counter) : IOneShotJob
{
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        counter.Count++;
        if (options.Value.Target == "remote")
        {
            await output.WriteLineAsync("count: the remote target did not answer");
            return OneShotJobs.Failed;
        }
        await output.WriteLineAsync($"count: {options.Value.Workers} workers");
        return OneShotJobs.Succeeded;
    }
}

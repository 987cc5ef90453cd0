using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Streaming.ServiceDefaults.Registration;

/// <summary>Registers one-shot jobs by command and runs the one the command line names.</summary>
public static class OneShotJobs
{
    public const int Succeeded = 0;
    /// <summary>The job ran and did not reach its goal (it said why).</summary>
    public const int Failed = 1;
    /// <summary>Unknown command or a setting the job needs is wrong (the message names it); nothing was done.</summary>
    public const int Misconfigured = 2;

    /// <summary>Makes <c>&lt;executable&gt; <paramref name="command"/></c> run <typeparamref name="TJob"/> and exit. Keep command names: deployments call them.</summary>
    public static IServiceCollection AddOneShotJob<TJob>(this IServiceCollection services, string command)
        where TJob : class, IOneShotJob
    {
        if (services.Any(d => d.ServiceType == typeof(JobCommand) && d.ImplementationInstance is JobCommand c && c.Name == command))
            return services;
        services.AddSingleton(new JobCommand(command));
        services.AddKeyedSingleton<IOneShotJob, TJob>(command);
        return services;
    }

    /// <summary>
    /// When the first argument is a command (not an option such as <c>--Section:Key=value</c>), runs its job
    /// and returns the exit code; null when the process should serve. An unknown command is refused with
    /// the known ones listed, so a typo in a deployment job never starts a serving instance. The job runs
    /// only with a configuration the service itself would start with (every option validated at start is
    /// checked first): deployments run jobs with the service's configuration.
    /// </summary>
    public static async Task<int?> RunJobAsync(this IHost host, string[] args, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || args[0].StartsWith('-') || args[0].Contains('=', StringComparison.Ordinal))
            return null;
        output ??= Console.Out;
        var command = args[0];
        var known = host.Services.GetServices<JobCommand>().Select(c => c.Name).ToList();
        if (!known.Contains(command))
        {
            await output.WriteLineAsync(known.Count == 0
                ? $"Unknown command '{command}': this service has no commands; start it without one to serve."
                : $"Unknown command '{command}'. Commands: {string.Join(", ", known)}; start without one to serve.");
            return Misconfigured;
        }
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
            return await host.Services.GetRequiredKeyedService<IOneShotJob>(command).RunAsync(output, cancellationToken);
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            await output.WriteLineAsync($"{command}: not started, the configuration is wrong: {string.Join(" ", failures)}");
            return Misconfigured;
        }
    }

    private static List<string> Failures(Exception ex) => ex switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException all when all.InnerExceptions.All(e => e is OptionsValidationException) => [.. all.InnerExceptions.SelectMany(Failures)],
        _ => [],
    };

    private sealed record JobCommand(string Name);
}

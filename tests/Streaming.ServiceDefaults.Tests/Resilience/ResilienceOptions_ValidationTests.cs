using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.Registry;
using Streaming.ServiceDefaults.Resilience;

namespace Streaming.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceOptions_ValidationTests
{
    [Fact]
    public void ResilienceOptions_stop_the_start_naming_each_setting_when_out_of_range()
    {
        using var services = Services(new()
        {
            ["Resilience:ClickHouseWrite:MaxRetryAttempts"] = "-1",
            ["Resilience:RedisScript:BreakDuration"] = "00:00:00.100",
            ["Resilience:Http:BaseDelay"] = "00:01:00",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ResilienceOptions>>().Value);

        Assert.Contains("Resilience:ClickHouseWrite:MaxRetryAttempts must be between 0 and 100 (got -1)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Resilience:RedisScript:BreakDuration must be at least 00:00:00.500", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Resilience:Http:BaseDelay must be between 00:00:00 and Resilience:Http:MaxDelay", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResiliencePipelines_are_built_from_configuration_when_the_settings_are_valid()
    {
        using var services = Services(new() { ["Resilience:ClickHouseWrite:MaxRetryAttempts"] = "7" });

        var provider = services.GetRequiredService<ResiliencePipelineProvider<string>>();

        Assert.Equal(7, services.GetRequiredService<IOptions<ResilienceOptions>>().Value.ClickHouseWrite.MaxRetryAttempts);
        Assert.NotNull(provider.GetPipeline(ResiliencePipelines.ClickHouseWrite));
        Assert.NotNull(provider.GetPipeline(ResiliencePipelines.RedisScript));
        Assert.NotNull(provider.GetPipeline<HttpResponseMessage>(ResiliencePipelines.Http));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddStreamingResilience(configuration).BuildServiceProvider();
    }
}

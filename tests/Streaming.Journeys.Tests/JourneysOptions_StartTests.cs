using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults;

namespace Streaming.Journeys.Tests;

/// <summary>A wrong setting stops the start with a message naming the setting and the fix.</summary>
public sealed class JourneysOptions_StartTests
{
    [Theory]
    [InlineData("Journeys:FrequencyCaps", "2 per day", "Journeys:FrequencyCaps")]
    [InlineData("Journeys:QuietHoursFrom", "9pm", "Journeys:QuietHoursFrom")]
    [InlineData("Journeys:MaxInstanceEvents", "1", "Journeys:MaxInstanceEvents")]
    public async Task Start_stops_naming_the_setting_when_it_is_wrong(string key, string value, string named)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:1",
            ["Redis:Configuration"] = "127.0.0.1:1,abortConnect=false",
            ["Admin:ApiKey"] = "ak_journeys_start_0001",
            [key] = value,
        });
        foreach (var (k, v) in SharedSchemaRegistry.Settings)
            builder.Configuration[k] = v;
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults("journeys");
        builder.AddJourneys();
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults;

namespace Streaming.Scoring.Tests;

public sealed class ScoringOptions_StartTests
{
    [Theory]
    [InlineData("Scoring:HighFrom", "40", "Scoring:HighFrom (40) must be above Scoring:MediumFrom (50)")]
    [InlineData("Scoring:MediumFrom", "0", "MediumFrom")]
    [InlineData("Redis:Configuration", "", "The scoring service reads live profiles and keeps scores in Redis: set Redis:Configuration (env Redis__Configuration)")]
    [InlineData("Scoring:RetrainCron", "every two weeks", "Scoring:RetrainCron ('every two weeks') is not a cron expression")]
    [InlineData("Scoring:RetrainCron", "0 3 */14 * *", "Scoring:RetrainCron is set, so the scoring service trains on ClickHouse history: set ClickHouse:ConnectionString")]
    public async Task Scoring_does_not_start_and_names_the_setting_when_it_is_invalid(string key, string value, string message)
    {
        var builder = WebApplication.CreateBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:9", // nothing listens: start-up fails on the setting under test first
            ["Redis:Configuration"] = "127.0.0.1:9,abortConnect=false",
            ["Admin:ApiKey"] = "ak_scoring_options_0001",
        };
        settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("scoring");
        builder.AddScoring();
        await using var app = builder.Build();
        app.MapScoring();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }
}

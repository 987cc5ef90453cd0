using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults;

namespace Streaming.Profiles.Tests;

public sealed class ProfilesOptions_StartTests
{
    [Theory]
    [InlineData("Profiles:CacheMegabytes", "-1", "Profiles:CacheMegabytes must be 0 (no cache) or a size in MB")]
    [InlineData("Redis:Configuration", "", "The profiles service keeps live profiles in Redis: set Redis:Configuration (env Redis__Configuration)")]
    public async Task Profiles_does_not_start_and_names_the_setting_when_it_is_invalid(string key, string value, string message)
    {
        var builder = WebApplication.CreateBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:9", // nothing listens: start-up fails on the setting under test first
            ["Redis:Configuration"] = "127.0.0.1:9,abortConnect=false",
            ["Admin:ApiKey"] = ProfilesFixture.AdminKey,
        };
        settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("profiles");
        builder.AddProfiles();
        await using var app = builder.Build();
        app.MapProfiles();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }
}

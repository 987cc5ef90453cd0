using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Identity.Tests.Api;

public sealed class IdentityOptions_StartTests
{
    private static WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        var configuration = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:9", // nothing listens: start-up fails on the setting under test first
            ["Redis:Configuration"] = "127.0.0.1:9,abortConnect=false",
            ["Admin:ApiKey"] = "test-admin-key-0123456789",
        };
        foreach (var (key, value) in settings)
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults("identity");
        builder.AddIdentity();
        return builder.Build();
    }

    [Theory]
    [InlineData("Identity:DedupBuckets", "0", "Identity:DedupBuckets is 0; use between 1 and 16777216")]
    [InlineData("Identity:GroupId", "", "Identity:GroupId must not be empty")]
    [InlineData("Redis:Configuration", "", "Identity keeps its graph in Redis: set Redis:Configuration")]
    public async Task Identity_does_not_start_and_names_the_setting_when_it_is_invalid(string key, string value, string message)
    {
        await using var app = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Identity_consumes_events_raw_in_the_group_its_options_name()
    {
        await using var configured = Build(("Identity:GroupId", "identity-blue"));
        await using var unset = Build();

        static string GroupOf(WebApplication app) =>
            app.Services.GetServices<IHostedService>().OfType<ConsumerRuntime<TrackingEvent>>().Single().Subscription.GroupId;

        Assert.Equal("identity-blue", GroupOf(configured));
        Assert.Equal("identity", GroupOf(unset));
    }
}

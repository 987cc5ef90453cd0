using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Topics;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Gateway.Tests;

public sealed class GatewayOptions_StartTests
{
    private static WebApplication Build(params (string Key, string? Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:9", // nothing listens: start-up fails on the setting under test first
            ["Admin:ApiKey"] = GatewayFixture.AdminKey,
            ["Gateway:PiiSalt"] = "a-salt-of-sixteen-chars",
            ["Gateway:GrpcPort"] = "0",
            ["Gateway:GrpcAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings)
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults("gateway");
        builder.AddGateway();
        builder.UseGatewayListeners();
        return builder.Build();
    }

    [Theory]
    [InlineData("Gateway:PiiSalt", "", "Gateway:PiiSalt is required and must be at least 16 characters (env Gateway__PiiSalt, from a secret)")]
    [InlineData("Gateway:GrpcAddress", "localhost", "Gateway:GrpcAddress must be '*' or an IP address.")]
    [InlineData("Kafka:TopicReplicationFactor", "0", "Kafka:TopicReplicationFactor must be -1 (the brokers' default) or a number of replicas")]
    public async Task Gateway_does_not_start_and_names_the_setting_when_it_is_invalid(string key, string value, string message)
    {
        await using var app = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Gateway_create_topics_command_exits_with_code_2_naming_the_setting_when_Kafka_is_not_configured()
    {
        await using var app = Build(("Kafka:BootstrapServers", ""));
        var output = new StringWriter();

        var exitCode = await app.RunJobAsync([CreateTopicsJob.Command], output);

        Assert.Equal(OneShotJobs.Misconfigured, exitCode);
        Assert.Contains("Kafka:BootstrapServers is required (env Kafka__BootstrapServers)", output.ToString());
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults;

namespace Streaming.Dispatch.Tests.Service;

public sealed class DispatchOptions_StartTests
{
    [Theory]
    [InlineData("Dispatch:Providers:p:Kind", "fax", "Dispatch:Providers:p:Kind is 'fax'")]
    [InlineData("Dispatch:VaultKey", "c2hvcnQ=", "Dispatch:VaultKey must be base64 of 32 random bytes")]
    [InlineData("Dispatch:Channels:0", "pager", "Dispatch:Channels has 'pager'")]
    public async Task Dispatch_does_not_start_and_names_the_setting_when_it_is_invalid(string key, string value, string message)
    {
        var builder = WebApplication.CreateBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:9",
            ["Redis:Configuration"] = "127.0.0.1:9,abortConnect=false",
            ["Admin:ApiKey"] = DispatchFixture.AdminKey,
            ["Dispatch:Providers:p:Kind"] = "sms-http",
            ["Dispatch:Providers:p:Url"] = "http://127.0.0.1:9/sms",
        };
        settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("dispatch");
        builder.AddDispatch();
        await using var app = builder.Build();
        app.MapDispatch();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }
}

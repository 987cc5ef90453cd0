using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.ServiceDefaults.Tests.Registration;

public sealed class ServiceRegistration_StartTests
{
    [Theory]
    [InlineData("Sample:Workers", "0", "Sample:Workers must be between 1 and 100 (env Sample__Workers).")]
    [InlineData("Sample:Target", "moon", "Sample:Target is 'moon'; use 'local' or 'remote' (env Sample__Target).")]
    public async Task Host_does_not_start_and_names_the_setting_when_a_service_option_is_invalid(string key, string value, string message)
    {
        var builder = SampleService.Builder((key, value));
        builder.AddSample();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Host_starts_with_valid_options_and_registers_a_service_added_twice_once()
    {
        var builder = SampleService.Builder(("Sample:Workers", "9"));
        builder.AddSample();
        builder.AddSample();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Single(host.Services.GetServices<SampleCounter>());
        // Its data annotations and its validator, once each.
        Assert.Equal(2, host.Services.GetServices<IValidateOptions<SampleOptions>>().Count());
        Assert.Equal(9, host.Services.GetRequiredService<IOptions<SampleOptions>>().Value.Workers);
    }
}

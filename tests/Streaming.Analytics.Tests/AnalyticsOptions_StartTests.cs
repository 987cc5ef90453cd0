using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Streaming.Analytics.Schema;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Analytics.Tests;

[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsOptions_StartTests(ClickHouseFixture fixture)
{
    private WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        var configuration = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:9", // nothing listens: start-up fails on the setting under test first
            ["ClickHouse:ConnectionString"] = fixture.ConnectionString,
            ["Admin:ApiKey"] = AnalyticsApiHost.AdminKey,
            ["Analytics:SinkEnabled"] = "false",
            ["Analytics:MigrateOnStart"] = "false",
        };
        foreach (var (key, value) in settings)
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults("analytics");
        builder.AddAnalytics();
        return builder.Build();
    }

    [Theory]
    [InlineData("Analytics:EventsTtlDays", "0", "Analytics:EventsTtlDays must be between 1 and 29200")]
    [InlineData("Analytics:Database", "streaming; DROP TABLE x", "Analytics:Database must be a plain identifier")]
    public async Task Analytics_does_not_start_and_names_the_setting_when_it_is_invalid(string key, string value, string message)
    {
        await using var app = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Analytics_migrate_command_applies_the_migrations_once_and_exits()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        (string, string)[] database = [("Analytics:Database", "m_" + suffix), ("Analytics:BiDatabase", "mbi_" + suffix)];
        await using var app = Build(database);
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.Equal(OneShotJobs.Succeeded, await app.RunJobAsync([MigrateJob.Command], first));
        Assert.Equal(OneShotJobs.Succeeded, await app.RunJobAsync([MigrateJob.Command], second));

        Assert.Contains($"Applied migrations: {string.Join(", ", Migrator.All.Select(m => m.Version))}.", first.ToString());
        Assert.Contains("ClickHouse schema is up to date.", second.ToString());
    }
}

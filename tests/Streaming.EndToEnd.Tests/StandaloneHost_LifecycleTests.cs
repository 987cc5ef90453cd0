using System.Net;
using ClickHouse.Driver.ADO;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests;

public sealed class StandaloneHost_LifecycleTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "streaming-e2e-" + Guid.NewGuid().ToString("N"));

    private StandaloneOptions Options => new()
    {
        DataDirectory = _data,
        HttpPort = 0,
        GrpcPort = 0,
        ClickHousePort = 0,
        SchemaRegistryPort = 0,
        RedisPort = 0,
        WriteKey = "wk_test_lifecycle_0001",
        AdminKey = "ak_test_lifecycle_0001",
    };

    [Fact]
    public async Task Standalone_becomes_ready_stops_cleanly_and_restarts_with_its_ClickHouse_data()
    {
        await using (var host = await StandaloneHost.StartAsync(Options))
        {
            using var http = new HttpClient { BaseAddress = host.HttpUrl };
            await WaitReadyAsync(http);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            await ExecuteAsync(host.ClickHouseConnectionString, "CREATE TABLE IF NOT EXISTS default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
            await ExecuteAsync(host.ClickHouseConnectionString, "INSERT INTO default.kept SELECT number FROM numbers(1000)");
            Assert.Contains("wk_test_lifecycle_0001", host.Describe(), StringComparison.Ordinal);
        }

        await using (var host = await StandaloneHost.StartAsync(Options))
        {
            using var http = new HttpClient { BaseAddress = host.HttpUrl };
            await WaitReadyAsync(http);
            using var connection = new ClickHouseConnection(host.ClickHouseConnectionString);
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(), sum(n) FROM default.kept";
            using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(1000UL, Convert.ToUInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(499_500UL, Convert.ToUInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Options_parse_ports_and_data_folder_and_name_a_bad_argument()
    {
        var options = StandaloneOptions.Parse(["--data", "/tmp/x", "--http-port", "9000", "--Kafka:LingerMs=1"]);
        Assert.Equal("/tmp/x", options.DataDirectory);
        Assert.Equal(9000, options.HttpPort);
        Assert.Equal("1", options.Configuration["Kafka:LingerMs"]);
        var error = Assert.Throws<ArgumentException>(() => StandaloneOptions.Parse(["--http-port", "eighty"]));
        Assert.Contains("--http-port", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (true)
        {
            var response = await http.GetAsync("/readyz");
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"/readyz still {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(200);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        using var connection = new ClickHouseConnection(connectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

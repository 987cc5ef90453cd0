using System.Net;
using ClickHouse.Driver;
using ClickHouse.Driver.Utility;
using Streaming.Embedded.ClickHouse;

namespace Streaming.Embedded.Tests.ClickHouse;

/// <summary>The read-only bi user: reads its databases, writes nothing, and cannot lift its limits.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EmbeddedClickHouse_BiUserTests(ClickHouseFixture fixture) : IDisposable
{
    private readonly HttpClient _bi = fixture.Http("bi");

    public void Dispose() => _bi.Dispose();

    [Fact]
    public async Task EmbeddedClickHouse_lets_bi_read_its_views_and_metadata_when_connected_with_the_driver()
    {
        using var connection = fixture.ConnectBi();

        var count = await connection.ExecuteScalarAsync("SELECT count() FROM events");
        var database = await connection.ExecuteScalarAsync("SELECT currentDatabase()");
        var tables = await connection.ExecuteScalarAsync("SELECT count() FROM system.tables WHERE database = 'bi'");

        Assert.NotNull(count);
        Assert.Equal("bi", database);
        Assert.True(Convert.ToInt64(tables, System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Theory]
    [InlineData("INSERT INTO streaming.events VALUES ('tenantb', 1)", "164")]
    [InlineData("INSERT INTO bi.events VALUES ('tenantb', 1)", "164")]
    [InlineData("CREATE TABLE bi.never (a UInt8) ENGINE = Memory", "164")]
    [InlineData("DROP TABLE streaming.events", "164")]
    [InlineData("ALTER TABLE streaming.events DELETE WHERE 1", "164")]
    [InlineData("SELECT * FROM streaming.events", "497")]
    [InlineData("SELECT * FROM `streaming`.`events`", "497")]
    [InlineData("SELECT * FROM bi.events WHERE id IN (SELECT id FROM streaming.events)", "497")]
    [InlineData("SHOW TABLES FROM streaming", "497")]
    [InlineData("USE streaming", "497")]
    [InlineData("SELECT * FROM merge('streaming', '.*')", "497")]
    [InlineData("SELECT 1 SETTINGS max_execution_time = 0", "452")]
    [InlineData("SET max_result_rows = 0", "452")]
    [InlineData("SET readonly = 0", "452")]
    [InlineData("SET profile = 'default'", "452")]
    public async Task EmbeddedClickHouse_refuses_bi_when_it_writes_or_leaves_its_databases(string sql, string expectedCode)
    {
        var (_, code, body) = await EmbeddedClickHouse_HostileRequestsTests.PostAsync(_bi, sql);
        var rows = await fixture.Http().GetStringAsync("/?query=SELECT+count()+FROM+streaming.events+WHERE+tenant+%3D+'tenantb'");

        Assert.Equal(expectedCode, code);
        Assert.StartsWith($"Code: {expectedCode}. DB::Exception: bi:", body, StringComparison.Ordinal);
        Assert.Equal("0\n", rows);
    }

    [Theory]
    [InlineData("readonly=0", "164")]
    [InlineData("max_execution_time=0", "452")]
    [InlineData("max_execution_time=100000", "452")]
    [InlineData("max_memory_usage=0", "452")]
    [InlineData("max_result_rows=0", "452")]
    [InlineData("database=streaming", "497")]
    public async Task EmbeddedClickHouse_refuses_bi_when_the_query_string_lifts_a_limit(string setting, string expectedCode)
    {
        var (status, code, _) = await EmbeddedClickHouse_HostileRequestsTests.PostAsync(_bi, "SELECT 1", "/?" + setting);

        Assert.Equal(expectedCode, code);
        Assert.NotEqual(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task EmbeddedClickHouse_stops_a_bi_query_when_its_result_passes_the_row_limit()
    {
        await using var limited = await fixture.StartAsync(options: new EmbeddedClickHouseOptions
        {
            DataPath = fixture.DataPath,
            BiLimits = new ClickHouseQueryLimits { MaxResultRows = 100 },
        });
        using var connection = new global::ClickHouse.Driver.ADO.ClickHouseConnection(limited.BiConnectionString!);

        var small = await connection.ExecuteScalarAsync("SELECT count() FROM numbers(1000)");
        var error = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteScalarAsync("SELECT number FROM numbers(1000)"));

        Assert.Equal(1000UL, Convert.ToUInt64(small, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(396, error.ErrorCode); // TOO_MANY_ROWS_OR_BYTES
    }

    [Fact]
    public async Task EmbeddedClickHouse_lets_bi_lower_its_row_limit_when_a_jdbc_client_sets_max_rows()
    {
        var (status, _, body) = await EmbeddedClickHouse_HostileRequestsTests.PostAsync(_bi, "SELECT number FROM numbers(100)", "/?max_result_rows=10&result_overflow_mode=break");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.InRange(body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 10, 100);
    }
}

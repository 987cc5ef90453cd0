using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;

namespace Streaming.Embedded.Tests.ClickHouse;

/// <summary>ClickHouse.Driver against the embedded endpoint, as the services use it.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EmbeddedClickHouse_DriverTests(ClickHouseFixture fixture)
{
    // Two newlines in a row: chDB silently cuts RowBinary data sent inline after the query there.
    private static readonly string[] TagsWithBlankLine = ["a", "b\n\nc"];

    [Fact]
    public async Task EmbeddedClickHouse_creates_alters_and_drops_tables_when_driver_sends_ddl()
    {
        using var connection = fixture.Connect();
        var table = ClickHouseFixture.UniqueName("ddl");

        await connection.ExecuteStatementAsync($"CREATE TABLE {table} (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        await connection.ExecuteStatementAsync($"ALTER TABLE {table} ADD COLUMN score Float64 DEFAULT 0");
        var columns = new List<string>();
        using (var reader = await connection.ExecuteReaderAsync($"SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '{table}' ORDER BY position"))
        {
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        await connection.ExecuteStatementAsync($"DROP TABLE {table}");
        var remaining = await connection.ExecuteScalarAsync($"SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = '{table}'");

        Assert.Equal(["id", "name", "score"], columns);
        Assert.Equal(0UL, Convert.ToUInt64(remaining, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EmbeddedClickHouse_stores_every_row_exactly_when_driver_bulk_copies_a_million_rows()
    {
        using var connection = fixture.Connect();
        var table = ClickHouseFixture.UniqueName("bulk");
        await connection.ExecuteStatementAsync($"CREATE TABLE {table} (id UInt64, amount Int64, payload String) ENGINE = MergeTree ORDER BY id");
        const int rows = 1_000_000;
        // The payload holds 0x0A 0x0A pairs: the bytes that truncate data inlined in SQL.
        var payload = System.Text.Encoding.Latin1.GetString([0x41, 0x0A, 0x0A, 0x42, 0x0A, 0x0A]);

        using var client = fixture.Client();
        var written = await client.InsertBinaryAsync(
            table,
            ["id", "amount", "payload"],
            Enumerable.Range(0, rows).Select(i => new object[] { (ulong)i, (long)i * 3 - 7, payload }),
            new InsertOptions { BatchSize = 100_000, MaxDegreeOfParallelism = 4 });

        using var reader = await connection.ExecuteReaderAsync(
            $"SELECT count(), sum(id), sum(amount), countIf(payload = unhex('410A0A420A0A')) FROM {table}");
        Assert.True(reader.Read());
        Assert.Equal(rows, written);
        Assert.Equal((ulong)rows, reader.GetFieldValue<ulong>(0));
        Assert.Equal(499_999_500_000UL, Convert.ToUInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3L * 499_999_500_000L - 7L * rows, Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((ulong)rows, reader.GetFieldValue<ulong>(3));
    }

    [Fact]
    public async Task EmbeddedClickHouse_binds_values_as_data_when_query_has_parameters()
    {
        using var connection = fixture.Connect();
        var hostile = "x' OR 1=1 --\n\n\\ \"quoted\" \t tab";
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT {text:String} AS text, {number:Int64} + 1 AS next, {day:Date} AS day, length({list:Array(UInt8)}) AS n";
        command.AddParameter("text", hostile);
        command.AddParameter("number", 41L);
        command.AddParameter("day", new DateTime(2024, 2, 29));
        command.AddParameter("list", new byte[] { 1, 2, 3 });

        using var reader = await command.ExecuteReaderAsync();
        Assert.True(reader.Read());
        Assert.Equal(hostile, reader.GetString(0));
        Assert.Equal(42L, reader.GetInt64(1));
        Assert.Equal(new DateTime(2024, 2, 29), reader.GetDateTime(2));
        Assert.Equal(3UL, Convert.ToUInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EmbeddedClickHouse_round_trips_typed_columns_when_driver_inserts_and_reads_them()
    {
        using var connection = fixture.Connect();
        var table = ClickHouseFixture.UniqueName("typed");
        await connection.ExecuteStatementAsync(
            $"CREATE TABLE {table} (id UInt32, at DateTime64(3, 'UTC'), tags Array(String), maybe Nullable(Int32), price Decimal(18, 4), doc JSON) ENGINE = MergeTree ORDER BY id");
        var at = new DateTime(2025, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);
        using (var client = fixture.Client())
        {
            // The INSERT in the URL and only rows in the body: the other way the driver sends inserts.
            await client.InsertBinaryAsync(
                table,
                ["id", "at", "tags", "maybe", "price", "doc"],
                new[]
                {
                    new object[] { 1u, at, TagsWithBlankLine, 7, 12.3456m, "{\"plan\":\"pro\",\"seats\":3}" },
                    new object[] { 2u, at.AddDays(1), Array.Empty<string>(), DBNull.Value, -0.0001m, "{\"plan\":\"free\"}" },
                },
                new InsertOptions { QueryPlacement = InsertQueryPlacement.Url });
        }

        using var reader = await connection.ExecuteReaderAsync(
            $"SELECT id, at, tags, maybe, price, doc.plan::String, toString(doc) FROM {table} ORDER BY id");
        Assert.True(reader.Read());
        Assert.Equal(at, reader.GetDateTime(1));
        Assert.Equal(["a", "b\n\nc"], (string[])reader.GetValue(2));
        Assert.Equal(7, reader.GetInt32(3));
        Assert.Equal(12.3456m, reader.GetDecimal(4));
        Assert.Equal("pro", reader.GetString(5));
        Assert.Contains("\"seats\":3", reader.GetString(6), StringComparison.Ordinal);
        Assert.True(reader.Read());
        Assert.Equal(at.AddDays(1), reader.GetDateTime(1));
        Assert.Empty((string[])reader.GetValue(2));
        Assert.True(reader.IsDBNull(3));
        Assert.Equal(-0.0001m, reader.GetDecimal(4));
        Assert.Equal("free", reader.GetString(5));
        Assert.False(reader.Read());
    }

    [Fact]
    public async Task EmbeddedClickHouse_raises_server_exception_with_code_when_query_fails()
    {
        using var connection = fixture.Connect();

        var unknownTable = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteScalarAsync("SELECT count() FROM no_such_table"));
        var syntax = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteScalarAsync("SELEC 1"));

        Assert.Equal(60, unknownTable.ErrorCode);
        Assert.Contains("no_such_table", unknownTable.Message, StringComparison.Ordinal);
        Assert.Equal(62, syntax.ErrorCode);
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_every_query_when_eight_run_concurrently()
    {
        var queries = Enumerable.Range(1, 8).Select(async i =>
        {
            using var connection = fixture.Connect();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sum(number) FROM numbers({n:UInt64})";
            command.AddParameter("n", (ulong)(i * 1_000_000));
            return (i, Convert.ToUInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        });

        var results = await Task.WhenAll(queries);

        foreach (var (i, sum) in results)
        {
            var n = (ulong)(i * 1_000_000);
            Assert.Equal(n * (n - 1) / 2, sum);
        }
    }

    [Fact]
    public async Task EmbeddedClickHouse_applies_settings_to_one_request_only_when_a_request_sends_them()
    {
        using var connection = fixture.Connect();
        const string probe = "SELECT getSetting('max_block_size')";
        var defaultValue = Convert.ToUInt64(await connection.ExecuteScalarAsync(probe), System.Globalization.CultureInfo.InvariantCulture);

        // Twice the pool size, so every pooled connection serves a request with settings and one without.
        var seen = new List<(ulong WithSetting, ulong After, ulong AfterSet)>();
        for (var i = 0; i < fixture.Server.Connections.Size * 2; i++)
        {
            using var withSetting = connection.CreateCommand(probe);
            withSetting.CustomSettings["max_block_size"] = 1234 + i;
            var changed = Convert.ToUInt64(await withSetting.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            var after = Convert.ToUInt64(await connection.ExecuteScalarAsync(probe), System.Globalization.CultureInfo.InvariantCulture);
            await connection.ExecuteStatementAsync("SET max_block_size = 999");
            var afterSet = Convert.ToUInt64(await connection.ExecuteScalarAsync(probe), System.Globalization.CultureInfo.InvariantCulture);
            seen.Add((changed, after, afterSet));
        }

        Assert.All(seen.Select((s, i) => (s, i)), item =>
        {
            Assert.Equal((ulong)(1234 + item.i), item.s.WithSetting);
            Assert.Equal(defaultValue, item.s.After);
            Assert.Equal(defaultValue, item.s.AfterSet);
        });
    }

    [Fact]
    public async Task EmbeddedClickHouse_rejects_an_unknown_setting_with_its_code_when_a_request_sends_one()
    {
        using var connection = fixture.Connect();
        using var command = connection.CreateCommand("SELECT 1");
        command.CustomSettings["no_such_setting"] = 1;

        var error = await Assert.ThrowsAsync<ClickHouseServerException>(() => command.ExecuteScalarAsync());

        Assert.Equal(115, error.ErrorCode);
    }

    [Fact]
    public async Task EmbeddedClickHouse_resolves_names_in_the_requested_database_when_connection_names_one()
    {
        var database = ClickHouseFixture.UniqueName("db");
        using (var admin = fixture.Connect())
        {
            await admin.ExecuteStatementAsync($"CREATE DATABASE {database}");
            await admin.ExecuteStatementAsync($"CREATE TABLE {database}.events (id UInt8) ENGINE = MergeTree ORDER BY id");
            await admin.ExecuteStatementAsync($"INSERT INTO {database}.events VALUES (1), (2)");
        }

        using var connection = fixture.Connect(database);
        var current = await connection.ExecuteScalarAsync("SELECT currentDatabase()");
        var count = await connection.ExecuteScalarAsync("SELECT count() FROM events");
        using var other = fixture.Connect();
        var otherCurrent = await other.ExecuteScalarAsync("SELECT currentDatabase()");

        Assert.Equal(database, current);
        Assert.Equal(2UL, Convert.ToUInt64(count, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("default", otherCurrent);
    }

    [Fact]
    public async Task EmbeddedClickHouse_refuses_requests_with_wrong_password_when_a_password_is_configured()
    {
        await using var guarded = await fixture.StartAsync(password: "s3cret");
        var builder = new ClickHouseConnectionStringBuilder(guarded.ConnectionString);
        using var allowed = new ClickHouseConnection(builder.ConnectionString);
        builder.Password = "wrong";
        using var refused = new ClickHouseConnection(builder.ConnectionString);

        var answer = await allowed.ExecuteScalarAsync("SELECT 1");
        var error = await Assert.ThrowsAsync<ClickHouseServerException>(() => refused.ExecuteScalarAsync("SELECT 1"));

        Assert.Equal(1, Convert.ToInt32(answer, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(516, error.ErrorCode);
    }

    [Fact]
    public async Task EmbeddedClickHouse_keeps_data_when_restarted_on_the_same_folder()
    {
        var table = ClickHouseFixture.UniqueName("durable");
        using (var connection = fixture.Connect())
        {
            await connection.ExecuteStatementAsync($"CREATE TABLE {table} (id UInt32, name String) ENGINE = MergeTree ORDER BY id");
            await connection.ExecuteStatementAsync($"INSERT INTO {table} SELECT number, toString(number) FROM numbers(1000)");
        }

        await fixture.RestartAsync();

        using var reopened = fixture.Connect();
        var summary = await reopened.ExecuteScalarAsync($"SELECT concat(toString(count()), ':', toString(sum(id))) FROM {table}");
        Assert.Equal("1000:499500", summary);
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Text;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;
using K4os.Compression.LZ4;
using Streaming.Embedded.ClickHouse;

namespace Streaming.Embedded.Tests.ClickHouse;

/// <summary>What BI clients rely on (issue 13): sessions, native compression, long parameters.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EmbeddedClickHouse_ClientFeaturesTests(ClickHouseFixture fixture) : IDisposable
{
    private readonly HttpClient _http = fixture.Http();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task EmbeddedClickHouse_keeps_temporary_tables_and_settings_when_requests_share_a_session_id()
    {
        var builder = new ClickHouseConnectionStringBuilder(fixture.Server.ConnectionString) { UseSession = true };
        using var connection = new ClickHouseConnection(builder.ConnectionString);

        await connection.ExecuteStatementAsync("CREATE TEMPORARY TABLE picked (id UInt8)");
        await connection.ExecuteStatementAsync("INSERT INTO picked VALUES (1), (2), (3)");
        await connection.ExecuteStatementAsync("SET max_block_size = 1234");
        var count = await connection.ExecuteScalarAsync("SELECT count() FROM picked");
        var setting = await connection.ExecuteScalarAsync("SELECT getSetting('max_block_size')");
        var elsewhere = await _http.PostAsync("/", new StringContent("SELECT count() FROM picked"));

        Assert.Equal(3UL, Convert.ToUInt64(count, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1234UL, Convert.ToUInt64(setting, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("60", elsewhere.Headers.GetValues("X-ClickHouse-Exception-Code").Single());
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_372_when_session_check_names_a_session_that_does_not_exist()
    {
        var (status, code, _) = await EmbeddedClickHouse_HostileRequestsTests.PostAsync(_http, "SELECT 1", "/?session_id=never-opened&session_check=1");

        Assert.Equal("372", code);
        Assert.NotEqual(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_native_lz4_blocks_with_a_valid_checksum_when_compress_is_1()
    {
        using var response = await _http.GetAsync("/?compress=1&query=SELECT+number+FROM+numbers(300000)");
        var body = await response.Content.ReadAsByteArrayAsync();

        var text = new StringBuilder();
        var offset = 0;
        var blocks = 0;
        while (offset < body.Length)
        {
            var method = body[offset + 16];
            var compressedSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(offset + 17));
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(offset + 21));
            var (low, high) = CityHash128.Hash(body.AsSpan(offset + 16, compressedSize));
            Assert.Equal(0x82, method);
            Assert.Equal(low, BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(offset)));
            Assert.Equal(high, BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(offset + 8)));
            var data = new byte[size];
            Assert.Equal(size, LZ4Codec.Decode(body.AsSpan(offset + 25, compressedSize - 9), data));
            text.Append(Encoding.UTF8.GetString(data));
            offset += 16 + compressedSize;
            blocks++;
        }

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(blocks > 1);
        Assert.Equal(300000, lines.Length);
        Assert.Equal("299999", lines[^1]);
    }

    [Fact]
    public async Task EmbeddedClickHouse_reads_native_blocks_when_decompress_is_1_and_refuses_a_damaged_one()
    {
        var table = ClickHouseFixture.UniqueName("native");
        await _http.PostAsync("/", new StringContent($"CREATE TABLE {table} (n UInt32) ENGINE = MergeTree ORDER BY n"));
        var blocks = NativeBlocks.Compress(Encoding.UTF8.GetBytes($"INSERT INTO {table} FORMAT TSV\n" + string.Concat(Enumerable.Range(1, 1000).Select(i => i + "\n"))));

        using var insert = await _http.PostAsync("/?decompress=1", new ByteArrayContent(blocks));
        Assert.True(insert.IsSuccessStatusCode, await insert.Content.ReadAsStringAsync());
        blocks[^1] ^= 0xFF;
        using var damaged = await _http.PostAsync("/?decompress=1", new ByteArrayContent(blocks));
        var sum = await _http.GetStringAsync($"/?query=SELECT+count(),+sum(n)+FROM+{table}");

        Assert.Equal("1000\t500500\n", sum);
        Assert.False(damaged.IsSuccessStatusCode);
    }

    // Reference values from the naive-cityhash crate's tests (generated with CityHash 1.0.2's C++ code), and
    // cityhash-clickhouse-sys' "Moscow" test: they check the checksum independently of the endpoint's own code.
    [Theory]
    [InlineData("", 4463240938071824939UL, 4374473821787594281UL)]
    [InlineData("1", 6359294370932160835UL, 9352172043616825891UL)]
    [InlineData("1234567", 10270309315532912023UL, 9823143772454143291UL)]
    [InlineData("12345678", 2123262123519760883UL, 8251334461883709976UL)]
    [InlineData("1234567890AbcDEF", 15073733098592741404UL, 5913034415582713572UL)]
    [InlineData("this is somewhat long string", 2957911805285034456UL, 6923665615086076251UL)]
    [InlineData("DMqhuXQxgAmJ9EOkT1n2lpzu7YD6zKc6ESSDWfJfohaQDwu0ba61bfGMiuS5GXpr0bIVcCtLwRtIVGmK", 9681404383092874918UL, 15631953994107571989UL)]
    public void CityHash128_matches_clickhouse_reference_values_when_hashing(string input, ulong low, ulong high)
    {
        Assert.Equal((low, high), CityHash128.Hash(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void CityHash128_matches_the_clickhouse_reference_value_for_moscow()
    {
        var (low, high) = CityHash128.Hash("Moscow"u8);

        Assert.Equal(UInt128.Parse("46102140593102845793298614593550999405", System.Globalization.CultureInfo.InvariantCulture), new UInt128(high, low));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EmbeddedClickHouse_binds_a_100_kb_parameter_when_the_driver_sends_it_in_a_form_or_in_the_url(bool formData)
    {
        var builder = new ClickHouseConnectionStringBuilder(fixture.Server.ConnectionString) { UseFormDataParameters = formData };
        using var connection = new ClickHouseConnection(builder.ConnectionString);
        var value = string.Concat(Enumerable.Repeat("tag-ü'\"\\&=%;", 100_000 / 12 + 1))[..100_000];
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length({value:String}), {value:String} = {value:String}";
        command.AddParameter("value", value);

        using var reader = await command.ExecuteReaderAsync();
        Assert.True(reader.Read());

        Assert.Equal((ulong)Encoding.UTF8.GetByteCount(value), Convert.ToUInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }
}

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using K4os.Compression.LZ4.Streams;

namespace Streaming.Embedded.Tests.ClickHouse;

/// <summary>The endpoint as a person with curl, or a BI tool's HTTP mode, uses it.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EmbeddedClickHouse_HttpTests(ClickHouseFixture fixture) : IDisposable
{
    private readonly HttpClient _http = fixture.Http();

    private HttpClient Http => _http;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task EmbeddedClickHouse_answers_tab_separated_text_when_queried_with_a_plain_get()
    {
        var ping = await Http.GetStringAsync("/ping");
        using var response = await Http.GetAsync("/?query=SELECT+1");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("Ok.\n", ping);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1\n", body);
        Assert.Equal("TabSeparated", response.Headers.GetValues("X-ClickHouse-Format").Single());
        Assert.True(response.Headers.Contains("X-ClickHouse-Query-Id"));
        Assert.True(response.Headers.Contains("X-ClickHouse-Summary"));
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_json_lines_when_posted_sql_asks_for_json_each_row()
    {
        using var response = await Http.PostAsync("/", new StringContent("SELECT number AS n, toString(number * 2) AS s\nFROM numbers(3)\n\nFORMAT JSONEachRow"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("{\"n\":0,\"s\":\"0\"}\n{\"n\":1,\"s\":\"2\"}\n{\"n\":2,\"s\":\"4\"}\n", body);
        Assert.Equal("JSONEachRow", response.Headers.GetValues("X-ClickHouse-Format").Single());
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_in_the_default_format_when_request_names_one()
    {
        var body = await Http.GetStringAsync("/?query=SELECT+1+AS+x,+'a'+AS+y&default_format=CSVWithNames");

        Assert.Equal("\"x\",\"y\"\n1,\"a\"\n", body);
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_clickhouse_error_when_sql_is_wrong()
    {
        using var response = await Http.PostAsync("/", new StringContent("SELECT * FROM no_such_table"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal("60", response.Headers.GetValues("X-ClickHouse-Exception-Code").Single());
        Assert.StartsWith("Code: 60. DB::Exception:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedClickHouse_refuses_writes_when_sent_by_get_like_clickhouse()
    {
        using var response = await Http.GetAsync("/?query=CREATE+TABLE+never_created+(a+UInt8)+ENGINE+%3D+Memory");
        var exists = await Http.GetStringAsync("/?query=EXISTS+TABLE+never_created");

        Assert.Equal("164", response.Headers.GetValues("X-ClickHouse-Exception-Code").Single());
        Assert.Equal("0\n", exists);
    }

    [Fact]
    public async Task EmbeddedClickHouse_stores_binary_rows_byte_for_byte_when_insert_data_holds_blank_lines()
    {
        var table = ClickHouseFixture.UniqueName("raw");
        await PostOkAsync($"CREATE TABLE {table} (id UInt32, blob String) ENGINE = MergeTree ORDER BY id");
        byte[] blob = [0x0A, 0x0A, 0x00, 0x0A, 0x0D, 0x0A, 0x0A, 0xFF];
        using var rows = new MemoryStream();
        using (var writer = new BinaryWriter(rows, Encoding.UTF8, leaveOpen: true))
        {
            for (uint id = 0; id < 1000; id++)
            {
                writer.Write(id);
                writer.Write((byte)blob.Length);
                writer.Write(blob);
            }
        }

        var body = Encoding.ASCII.GetBytes($"INSERT INTO {table} (id, blob) FORMAT RowBinary\n").Concat(rows.ToArray()).ToArray();
        using var insert = await Http.PostAsync("/", new ByteArrayContent(body));
        Assert.True(insert.IsSuccessStatusCode, await insert.Content.ReadAsStringAsync());
        var check = await Http.GetStringAsync($"/?query=SELECT+count(),+uniqExact(blob),+any(hex(blob))+FROM+{table}");

        Assert.Equal("1000\t1\t0A0A000A0D0A0AFF\n", check);
    }

    [Fact]
    public async Task EmbeddedClickHouse_inserts_text_rows_when_data_follows_the_query_parameter()
    {
        var table = ClickHouseFixture.UniqueName("csv");
        await PostOkAsync($"CREATE TABLE {table} (id UInt32, note String) ENGINE = MergeTree ORDER BY id");
        var query = Uri.EscapeDataString($"INSERT INTO {table} FORMAT CSV");

        using var insert = await Http.PostAsync($"/?query={query}", new StringContent("1,\"a\"\n2,\"b,\n\nc\"\n"));
        Assert.True(insert.IsSuccessStatusCode, await insert.Content.ReadAsStringAsync());
        using var values = await Http.PostAsync("/", new StringContent($"INSERT INTO {table} VALUES (3, 'x\n\ny'), (4, 'it''s')"));
        Assert.True(values.IsSuccessStatusCode, await values.Content.ReadAsStringAsync());
        var check = await Http.GetStringAsync($"/?query=SELECT+id,+hex(note)+FROM+{table}+ORDER+BY+id+FORMAT+CSV");

        Assert.Equal("1,\"61\"\n2,\"622C0A0A63\"\n3,\"780A0A79\"\n4,\"69742773\"\n", check);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    [InlineData("zstd")]
    [InlineData("lz4")]
    public async Task EmbeddedClickHouse_reads_compressed_bodies_when_content_encoding_is(string encoding)
    {
        var table = ClickHouseFixture.UniqueName("enc");
        await PostOkAsync($"CREATE TABLE {table} (n UInt64) ENGINE = MergeTree ORDER BY n");
        var rows = string.Concat(Enumerable.Range(1, 10_000).Select(i => i + "\n"));

        using var insert = await Http.PostAsync("/", Compressed($"INSERT INTO {table} FORMAT TSV\n{rows}", encoding));
        Assert.True(insert.IsSuccessStatusCode, await insert.Content.ReadAsStringAsync());
        using var select = await Http.PostAsync("/", Compressed($"SELECT count(), sum(n) FROM {table}", encoding));

        Assert.Equal("10000\t50005000\n", await select.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EmbeddedClickHouse_answers_gzip_when_client_accepts_it_and_enables_http_compression()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?enable_http_compression=1&query=SELECT+number+FROM+numbers(1000)");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await Http.SendAsync(request);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal(1000, lines.Length);
        Assert.Equal("999", lines[^1]);
    }

    [Fact]
    public async Task EmbeddedClickHouse_forgets_settings_when_the_next_request_comes_without_them()
    {
        var defaultValue = await Http.GetStringAsync("/?query=SELECT+getSetting('max_block_size')");
        for (var i = 0; i < fixture.Server.Connections.Size * 2; i++)
        {
            var changed = await Http.GetStringAsync($"/?query=SELECT+getSetting('max_block_size')&max_block_size={100 + i}");
            using var set = await Http.PostAsync("/", new StringContent("SET max_block_size = 7"));
            var after = await Http.GetStringAsync("/?query=SELECT+getSetting('max_block_size')");

            Assert.Equal($"{100 + i}\n", changed);
            Assert.Equal(defaultValue, after);
        }
    }

    [Fact]
    public async Task EmbeddedClickHouse_binds_query_string_parameters_when_sql_has_placeholders()
    {
        var body = await Http.GetStringAsync("/?query=SELECT+{who:String},+{n:UInt8}*2&param_who=Robert'%3B+DROP+TABLE+x%3B--&param_n=21");

        // TabSeparated escapes the quote on the way out; the value itself went in as data.
        Assert.Equal("Robert\\'; DROP TABLE x;--\t42\n", body);
    }

    private async Task PostOkAsync(string sql)
    {
        using var response = await Http.PostAsync("/", new StringContent(sql));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static ByteArrayContent Compressed(string text, string encoding)
    {
        var raw = Encoding.UTF8.GetBytes(text);
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "zstd" => new ZstdSharp.CompressionStream(output, leaveOpen: true),
            "lz4" => LZ4Stream.Encode(output, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        })
        {
            compressor.Write(raw);
        }

        var content = new ByteArrayContent(output.ToArray());
        content.Headers.ContentEncoding.Add(encoding);
        return content;
    }
}

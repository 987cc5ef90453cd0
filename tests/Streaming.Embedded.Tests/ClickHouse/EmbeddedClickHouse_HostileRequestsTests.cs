using System.Net;
using System.Text;

namespace Streaming.Embedded.Tests.ClickHouse;

/// <summary>
/// The attacks of issue 15 against the embedded endpoint, each refused: reading secrets and
/// system files, writing files, reaching the network or processes, lifting read-only, several
/// statements, wrong passwords, and what a web page could send (foreign Origin, DNS rebinding).
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class EmbeddedClickHouse_HostileRequestsTests(ClickHouseFixture fixture) : IDisposable
{
    private readonly HttpClient _http = fixture.Http();
    private readonly string _scratch = Directory.CreateTempSubdirectory("streaming-hostile-").FullName;

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    public static TheoryData<string> FileAndNetworkStatements => new()
    {
        "SELECT * FROM file('{secrets}', 'LineAsString')",
        "SELECT * FROM file('/etc/passwd', 'LineAsString')",
        "select * from FILE('/etc/passwd', 'LineAsString')",
        "/* innocent */ SELECT * FROM \"file\"('/etc/passwd', 'LineAsString') -- comment",
        "# a comment line\nSELECT * FROM `file`('/etc/passwd', 'LineAsString')",
        "WITH '/etc/passwd' AS path SELECT * FROM (SELECT * FROM file(path, 'LineAsString'))",
        "SELECT file('/etc/passwd')",
        "SELECT 1 WHERE 1 IN (SELECT length(line) FROM file('/etc/passwd', 'LineAsString'))",
        "SELECT 1 INTO OUTFILE '{scratch}/out.txt'",
        "INSERT INTO FUNCTION file('{scratch}/out.tsv', 'TSV', 'a UInt8') SELECT 1",
        "SELECT * FROM url('http://127.0.0.1:{port}/?query=SELECT+1', 'TSV', 'a UInt8')",
        "SELECT * FROM s3('http://127.0.0.1:{port}/bucket/x.tsv', 'TSV', 'a UInt8')",
        "SELECT * FROM remote('127.0.0.1:{port}', system.one)",
        "SELECT * FROM executable('id', 'TSV', 'a String')",
        "SELECT * FROM input('a String')",
        "SELECT * FROM filesystem('/etc')",
        "CREATE TABLE never_file (a String) ENGINE = File(TSV, '{scratch}/table.tsv')",
        "CREATE TABLE never_url (a String) ENGINE = URL('http://127.0.0.1:{port}/', TSV)",
        "CREATE TABLE never_disk (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS disk = disk(type = 'local', path = '{scratch}/')",
        "CREATE DATABASE never_fs ENGINE = Filesystem('/etc')",
        "CREATE DICTIONARY never_dict (a String) PRIMARY KEY a SOURCE(FILE(path '/etc/passwd' format 'TSV')) LAYOUT(FLAT()) LIFETIME(0)",
        "INSERT INTO never_table FROM INFILE '/etc/passwd' FORMAT LineAsString",
        "SYSTEM SHUTDOWN",
        "SYSTEM RELOAD CONFIG",
        "BACKUP DATABASE default TO File('{scratch}/backup')",
    };

    [Theory]
    [MemberData(nameof(FileAndNetworkStatements))]
    public async Task EmbeddedClickHouse_refuses_files_network_and_processes_when_the_services_user_asks(string template)
    {
        var secrets = Path.Combine(_scratch, "credentials.json");
        await File.WriteAllTextAsync(secrets, "{\"AdminKey\":\"ak_must_never_leak\"}");
        var sql = template.Replace("{secrets}", secrets, StringComparison.Ordinal)
            .Replace("{scratch}", _scratch, StringComparison.Ordinal)
            .Replace("{port}", fixture.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var (status, code, body) = await PostAsync(_http, sql);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("497", code);
        Assert.StartsWith("Code: 497. DB::Exception: default: Not enough privileges", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ak_must_never_leak", body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.Equal(["credentials.json"], Directory.GetFileSystemEntries(_scratch).Select(Path.GetFileName));
        Assert.Equal("Ok.\n", await _http.GetStringAsync("/ping"));
    }

    [Fact]
    public async Task EmbeddedClickHouse_refuses_several_statements_in_one_request_with_code_62_and_runs_none()
    {
        var table = ClickHouseFixture.UniqueName("multi");

        var (status, code, body) = await PostAsync(_http, $"SELECT 1; CREATE TABLE {table} (a UInt8) ENGINE = Memory");
        var exists = await _http.GetStringAsync($"/?query=EXISTS+TABLE+{table}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("62", code);
        Assert.Contains("Multi-statements are not allowed", body, StringComparison.Ordinal);
        Assert.Equal("0\n", exists);
    }

    [Fact]
    public async Task EmbeddedClickHouse_keeps_get_read_only_when_the_query_string_says_readonly_0()
    {
        var table = ClickHouseFixture.UniqueName("lift");

        using var response = await _http.GetAsync($"/?readonly=0&query=CREATE+TABLE+{table}+(a+UInt8)+ENGINE+%3D+Memory");
        var exists = await _http.GetStringAsync($"/?query=EXISTS+TABLE+{table}");

        Assert.Equal("164", response.Headers.GetValues("X-ClickHouse-Exception-Code").Single());
        Assert.Equal("0\n", exists);
    }

    public static TheoryData<string, string?> WrongCredentials => new()
    {
        { "basic", "wrong" },
        { "basic-bi", "anything" },
        { "headers", "wrong" },
        { "query", "wrong" },
        { "none", null },
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task EmbeddedClickHouse_answers_516_with_403_when_the_password_is_wrong_or_missing(string how, string? password)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, how == "query" ? $"/?user=default&password={password}" : "/")
        {
            Content = new StringContent("SELECT 42"),
        };
        switch (how)
        {
            case "basic":
            case "basic-bi":
                var user = how == "basic" ? "default" : "bi";
                request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
                break;
            case "headers":
                request.Headers.Add("X-ClickHouse-User", "default");
                request.Headers.Add("X-ClickHouse-Key", password);
                break;
        }

        using var response = await anonymous.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("516", response.Headers.GetValues("X-ClickHouse-Exception-Code").Single());
        Assert.Contains("Authentication failed", body, StringComparison.Ordinal);
        Assert.DoesNotContain("query-result-marker", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-ClickHouse-User/Key")]
    [InlineData("user/password")]
    public async Task EmbeddedClickHouse_accepts_the_right_password_when_sent_the_other_ways_clickhouse_reads(string how)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, how == "user/password" ? $"/?user=default&password={ClickHouseFixture.DefaultPassword}" : "/")
        {
            Content = new StringContent("SELECT 42"),
        };
        if (how == "X-ClickHouse-User/Key")
        {
            request.Headers.Add("X-ClickHouse-User", "default");
            request.Headers.Add("X-ClickHouse-Key", ClickHouseFixture.DefaultPassword);
        }

        using var response = await anonymous.SendAsync(request);

        Assert.Equal("42\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EmbeddedClickHouse_refuses_a_page_of_another_site_when_it_posts_ddl_as_text_plain()
    {
        var table = ClickHouseFixture.UniqueName("csrf");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent($"CREATE TABLE {table} (a UInt8) ENGINE = Memory", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var exists = await _http.GetStringAsync($"/?query=EXISTS+TABLE+{table}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("http://evil.example", body, StringComparison.Ordinal);
        Assert.Equal("0\n", exists);
    }

    [Fact]
    public async Task EmbeddedClickHouse_refuses_a_foreign_host_name_when_dns_rebinding_points_it_at_loopback()
    {
        // A result no port number or message could contain by chance.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?query=SELECT+'query-result-marker'");
        request.Headers.Host = $"rebind.evil.example:{fixture.Server.Port}";

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("DNS rebinding", body, StringComparison.Ordinal);
        Assert.DoesNotContain("query-result-marker", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedClickHouse_serves_localhost_when_named_in_host_like_curl_does()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?query=SELECT+42");
        request.Headers.Host = $"localhost:{fixture.Server.Port}";

        using var response = await _http.SendAsync(request);

        Assert.Equal("42\n", await response.Content.ReadAsStringAsync());
    }

    internal static async Task<(HttpStatusCode Status, string? Code, string Body)> PostAsync(HttpClient client, string sql, string path = "/")
    {
        using var response = await client.PostAsync(path, new StringContent(sql));
        var code = response.Headers.TryGetValues("X-ClickHouse-Exception-Code", out var values) ? values.Single() : null;
        return (response.StatusCode, code, await response.Content.ReadAsStringAsync());
    }
}

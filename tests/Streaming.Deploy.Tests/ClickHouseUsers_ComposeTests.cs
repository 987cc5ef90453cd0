using System.Xml.Linq;
using Streaming.Deploy.Tests.Infrastructure;

namespace Streaming.Deploy.Tests;

/// <summary>The compose ClickHouse has a read/write user for the services and a read-only one
/// for BI tools that sees only the views.</summary>
public sealed class ClickHouseUsers_ComposeTests
{
    private static readonly XElement Config =
        XDocument.Load(RepositoryRoot.Combine("deploy", "clickhouse", "users.d", "streaming.xml")).Root!;

    [Fact]
    public void ClickHouse_bi_user_is_read_only_and_limited_to_bi_when_compose_starts()
    {
        var bi = Config.Element("users")?.Element("bi");
        Assert.NotNull(bi);

        var profile = Config.Element("profiles")?.Element(bi.Element("profile")!.Value);
        Assert.Equal("1", profile?.Element("readonly")?.Value);
        Assert.Equal(["GRANT SELECT ON bi.*"], bi.Element("grants")!.Elements("query").Select(q => q.Value));
        Assert.Equal("60", profile?.Element("max_execution_time")?.Value);
        Assert.NotNull(profile?.Element("max_memory_usage"));
        Assert.NotNull(profile?.Element("max_result_rows"));
    }

    [Fact]
    public void ClickHouse_users_have_no_source_privileges_for_files_urls_or_remote_servers_when_compose_starts()
    {
        foreach (var user in Config.Element("users")!.Elements())
        {
            // allow_databases would grant every global privilege, FILE and URL included; explicit grants do not.
            Assert.Null(user.Element("allow_databases"));
            var grants = user.Element("grants")!.Elements("query").Select(q => q.Value).ToList();
            Assert.NotEmpty(grants);
            Assert.All(grants, grant => Assert.DoesNotMatch(@"(?i)\b(ALL|SOURCES|FILE|URL|REMOTE|S3|HDFS|MYSQL|POSTGRES|JDBC|ODBC)\b.* ON \*\.\*", grant));
        }
    }

    [Fact]
    public void ClickHouse_users_take_passwords_from_the_environment_when_compose_starts()
    {
        foreach (var user in Config.Element("users")!.Elements())
        {
            var password = user.Element("password");
            Assert.NotNull(password);
            Assert.Equal("", password.Value);
            Assert.False(string.IsNullOrEmpty(password.Attribute("from_env")?.Value), $"user {user.Name} password from_env");
        }
    }

    [Fact]
    public void Compose_connects_services_as_the_streaming_user_and_grafana_as_bi()
    {
        var compose = ComposeFile.Load();

        var connectionString = compose.Service("analytics").Text("environment", "ClickHouse__ConnectionString");
        Assert.Contains("Username=streaming", connectionString, StringComparison.Ordinal);

        var datasources = Yaml.ReadDocument(File.ReadAllText(
            RepositoryRoot.Combine("deploy", "grafana", "provisioning", "datasources", "streaming.yaml")));
        var clickhouse = datasources.List("datasources").Single(d => d.Text("type") == "grafana-clickhouse-datasource");
        Assert.Equal("bi", clickhouse.Text("jsonData", "username"));
        Assert.Equal("bi", clickhouse.Text("jsonData", "defaultDatabase"));
    }
}

using System.Net;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Enrichment;

namespace Streaming.Gateway.Tests;

/// <summary>The enrichment pieces that need no infrastructure.</summary>
public sealed class Enrichment_UnitTests
{
    private static ClientIp ClientIp(bool anonymize = false, params string[] trusted) =>
        new(Options.Create(new GatewayOptions { TrustedProxies = [.. trusted], AnonymizeIp = anonymize, PiiSalt = "0123456789abcdef" }));

    [Fact]
    public void Client_ip_takes_the_forwarded_client_only_behind_a_trusted_proxy()
    {
        var behindProxy = ClientIp(false, "10.0.0.0/8");

        Assert.Equal(IPAddress.Parse("203.0.113.9"), behindProxy.Resolve(IPAddress.Parse("10.1.2.3"), "198.51.100.1, 203.0.113.9, 10.0.0.7"));
        Assert.Equal(IPAddress.Parse("192.0.2.5"), behindProxy.Resolve(IPAddress.Parse("192.0.2.5"), "203.0.113.9"));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), behindProxy.Resolve(IPAddress.Parse("10.1.2.3"), "not-an-ip"));
    }

    [Fact]
    public void Client_ip_is_anonymised_when_configured()
    {
        var anonymous = ClientIp(anonymize: true);

        Assert.Equal(IPAddress.Parse("203.0.113.0"), anonymous.Resolve(IPAddress.Parse("203.0.113.77"), null));
        Assert.Equal("2001:db8:1::", anonymous.Resolve(IPAddress.Parse("2001:db8:1:2:3:4:5:6"), null)!.ToString());
        Assert.Equal("198.51.100.0", anonymous.Clean("198.51.100.23"));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "mobile", "iOS", "17.4", "Safari")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", "tablet", "iOS", "16.6", "Safari")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", "mobile", "Android", "14", "Chrome")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", "desktop", "Windows", "10", "Edge")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0", "desktop", "macOS", "10.15", "Firefox")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN miniProgram", "mobile", "iOS", "17.1", "WeChat Mini Program")]
    public void User_agent_parser_reads_device_os_and_browser(string ua, string device, string os, string osVersion, string browser)
    {
        var info = UserAgentParser.Parse(ua);

        Assert.Equal((device, os, osVersion, browser, false), (info.DeviceType, info.Os, info.OsVersion, info.Browser, info.IsBot));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36")]
    [InlineData("curl/8.5.0")]
    [InlineData("python-requests/2.31.0")]
    public void User_agent_parser_flags_bots_and_crawlers(string ua) =>
        Assert.True(UserAgentParser.Parse(ua).IsBot);

    [Fact]
    public void User_agent_parser_does_not_take_a_phone_named_cubot_for_a_bot() =>
        Assert.False(UserAgentParser.Parse("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0 Mobile Safari/537.36").IsBot);

    [Theory]
    [InlineData(PiiKind.Email, "  Ada@Example.COM ", "ada@example.com")]
    [InlineData(PiiKind.Phone, "+1 (555) 010-9999", "+15550109999")]
    [InlineData(PiiKind.Phone, "0049 30-1234", "0049301234")]
    public void Pii_values_are_normalised_before_hashing(PiiKind kind, string value, string normalised) =>
        Assert.Equal(normalised, PiiValues.Normalize(kind, value));

    [Fact]
    public void Options_validation_names_the_setting_when_the_pii_salt_is_missing_or_a_proxy_is_malformed()
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { PiiSalt = "", TrustedProxies = ["10.0.0.0/99"] });

        Assert.True(result.Failed);
        Assert.Contains("Gateway:PiiSalt", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Gateway:TrustedProxies", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new GatewayOptionsValidator().Validate(null, new GatewayOptions { PiiSalt = "0123456789abcdef" }).Succeeded);
    }
}

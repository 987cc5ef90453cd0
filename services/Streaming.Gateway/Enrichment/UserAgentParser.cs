using System.Collections.Concurrent;

namespace Streaming.Gateway.Enrichment;

/// <summary>What a user-agent string says: device type, OS and browser (with versions), and whether it is a bot.</summary>
public sealed record UserAgentInfo(string DeviceType, string? Os, string? OsVersion, string? Browser, string? BrowserVersion, bool IsBot);

/// <summary>
/// A small user-agent parser (no UA library is available offline here). It knows the families
/// that carry almost all traffic — Windows, macOS, iOS/iPadOS, Android, HarmonyOS, Chrome OS,
/// Linux; Chrome, Safari, Firefox, Edge, Opera, Samsung Internet, Yandex, UC, QQ, WeChat (and its
/// mini programs), Alipay, IE — and flags bots by well-known tokens ("bot", "crawler", "spider",
/// headless browsers, HTTP libraries). Order matters: embedded browsers announce themselves next to
/// the engine they are built on ("... Chrome/120 ... Edg/120"), so the more specific token wins.
/// Results are cached: real traffic repeats a few thousand strings.
/// </summary>
public static class UserAgentParser
{
    private const int CacheLimit = 10_000;
    private static readonly ConcurrentDictionary<string, UserAgentInfo> Cache = new(StringComparer.Ordinal);
    private static int _cached;

    private static readonly string[] BotTokens =
    [
        "bot", "crawler", "spider", "crawl", "slurp", "mediapartners", "facebookexternalhit", "headless",
        "phantomjs", "lighthouse", "pingdom", "uptimerobot", "curl/", "wget/", "python-requests", "python-urllib",
        "go-http-client", "java/", "axios/", "node-fetch", "scrapy", "bingpreview", "uptime",
    ];

    // Phones whose model name contains a bot token.
    private static readonly string[] NotBots = ["cubot"];

    private static readonly (string Token, string Name)[] Browsers =
    [
        ("miniProgram", "WeChat Mini Program"), ("MicroMessenger/", "WeChat"), ("AlipayClient/", "Alipay"),
        ("DingTalk/", "DingTalk"), ("QQBrowser/", "QQ Browser"), ("UCBrowser/", "UC Browser"), ("baiduboxapp/", "Baidu"),
        ("SamsungBrowser/", "Samsung Internet"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("Edg/", "Edge"), ("Edge/", "Edge"),
        ("OPR/", "Opera"), ("Opera/", "Opera"), ("YaBrowser/", "Yandex"), ("Vivaldi/", "Vivaldi"), ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("MSIE ", "Internet Explorer"), ("Trident/", "Internet Explorer"),
    ];

    public static UserAgentInfo Parse(string userAgent)
    {
        if (Cache.TryGetValue(userAgent, out var cached))
            return cached;
        var info = ParseUncached(userAgent);
        // A counter, not Cache.Count (which takes every lock of the dictionary on each miss).
        if (Interlocked.Increment(ref _cached) > CacheLimit)
        {
            Cache.Clear();
            Interlocked.Exchange(ref _cached, 1);
        }
        Cache[userAgent] = info;
        return info;
    }

    private static UserAgentInfo ParseUncached(string ua)
    {
        var isBot = IsBot(ua);
        var (os, osVersion) = ParseOs(ua);
        var (browser, browserVersion) = ParseBrowser(ua);
        return new UserAgentInfo(isBot ? "bot" : DeviceType(ua, os), os, osVersion, browser, browserVersion, isBot);
    }

    public static bool IsBot(string ua)
    {
        var text = ua;
        foreach (var phone in NotBots)
        {
            if (text.Contains(phone, StringComparison.OrdinalIgnoreCase))
                text = text.Replace(phone, "", StringComparison.OrdinalIgnoreCase);
        }
        foreach (var token in BotTokens)
        {
            if (text.Contains(token, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static string DeviceType(string ua, string? os)
    {
        if (Has(ua, "SmartTV") || Has(ua, "SMART-TV") || Has(ua, "AppleTV") || Has(ua, "CrKey") || Has(ua, "Web0S") || Has(ua, "Tizen TV") || Has(ua, "HbbTV"))
            return "tv";
        if (Has(ua, "PlayStation") || Has(ua, "Xbox") || Has(ua, "Nintendo"))
            return "console";
        if (Has(ua, "iPad") || Has(ua, "Tablet") || Has(ua, "Kindle") || Has(ua, "Silk/") || (os == "Android" && !Has(ua, "Mobile")))
            return "tablet";
        if (Has(ua, "Mobi") || Has(ua, "iPhone") || Has(ua, "iPod") || Has(ua, "Windows Phone") || os is "Android" or "HarmonyOS" or "iOS")
            return "mobile";
        return os is "Windows" or "macOS" or "Linux" or "Chrome OS" ? "desktop" : "unknown";
    }

    private static (string?, string?) ParseOs(string ua)
    {
        if (Has(ua, "Windows Phone"))
            return ("Windows Phone", VersionAfter(ua, "Windows Phone "));
        if (Has(ua, "Windows NT"))
        {
            var nt = VersionAfter(ua, "Windows NT ");
            return ("Windows", nt switch { "10.0" => "10", "6.3" => "8.1", "6.2" => "8", "6.1" => "7", _ => nt });
        }
        if (Has(ua, "iPhone") || Has(ua, "iPad") || Has(ua, "iPod"))
            return ("iOS", VersionAfter(ua, " OS ")?.Replace('_', '.'));
        if (Has(ua, "HarmonyOS") || Has(ua, "OpenHarmony"))
            return ("HarmonyOS", VersionAfter(ua, "HarmonyOS ") ?? VersionAfter(ua, "OpenHarmony "));
        if (Has(ua, "Android"))
            return ("Android", VersionAfter(ua, "Android "));
        if (Has(ua, "CrOS"))
            return ("Chrome OS", null);
        if (Has(ua, "Mac OS X") || Has(ua, "Macintosh"))
            return ("macOS", VersionAfter(ua, "Mac OS X ")?.Replace('_', '.'));
        if (Has(ua, "Linux") || Has(ua, "X11"))
            return ("Linux", null);
        return (null, null);
    }

    private static (string?, string?) ParseBrowser(string ua)
    {
        foreach (var (token, name) in Browsers)
        {
            if (!Has(ua, token))
                continue;
            var version = token switch
            {
                "miniProgram" => VersionAfter(ua, "MicroMessenger/"),
                "MSIE " => VersionAfter(ua, "MSIE "),
                "Trident/" => VersionAfter(ua, "rv:"),
                _ => VersionAfter(ua, token),
            };
            return (name, version);
        }
        if (Has(ua, "Safari/") && (Has(ua, "Version/") || Has(ua, "iPhone") || Has(ua, "iPad")))
            return ("Safari", VersionAfter(ua, "Version/"));
        return (null, null);
    }

    private static bool Has(string ua, string token) => ua.Contains(token, StringComparison.Ordinal);

    private static string? VersionAfter(string ua, string token)
    {
        var at = ua.IndexOf(token, StringComparison.Ordinal);
        if (at < 0)
            return null;
        var start = at + token.Length;
        var end = start;
        while (end < ua.Length && (char.IsAsciiDigit(ua[end]) || ua[end] is '.' or '_'))
            end++;
        return end > start ? ua[start..end].TrimEnd('.', '_') : null;
    }
}

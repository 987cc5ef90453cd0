using OpenQA.Selenium.Chrome;
using Streaming.Embedded;

namespace Streaming.Gateway.Tests.Browser;

/// <summary>
/// Debian's Chromium (apt: chromium chromium-driver), headless, driven through its own
/// chromedriver: no browser download, no network of its own, a fresh profile per test.
/// </summary>
public static class ChromiumBrowser
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    public const string Missing =
        "the browser test needs Debian's Chromium and its driver (/usr/bin/chromium, /usr/bin/chromedriver) and npm: " +
        "install them with 'sudo apt-get install -y chromium chromium-driver npm'";

    public static bool IsInstalled => File.Exists(Browser) && File.Exists(Driver) && AnalyticsNextPackage.NpmPath is not null;

    public static string? SkipReason => TestPrerequisites.SkipReason(IsInstalled, Missing);

    public static ChromeDriver Start(string profileFolder)
    {
        if (!IsInstalled)
            throw new InvalidOperationException(Missing);
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", $"--user-data-dir={profileFolder}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
    }
}

/// <summary>A [Fact] that needs Chromium: skipped with a reason on a machine without it, failing under CI=true.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = ChromiumBrowser.SkipReason;
}

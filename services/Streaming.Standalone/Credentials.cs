using System.Security.Cryptography;
using System.Text.Json;

namespace Streaming.Standalone;

/// <summary>
/// The demo write key, the admin key, the PII hashing salt and the ClickHouse passwords (users default and bi): taken from the options (environment),
/// else generated once and kept in the data folder (file mode 600) so a restart keeps the same keys
/// (and the same PII hashes).
/// </summary>
internal sealed record Credentials(string WriteKey, string AdminKey, string? PiiSalt = null, string? ClickHousePassword = null, string? ClickHouseBiPassword = null)
{
    private const string FileName = "credentials.json";

    public static Credentials Resolve(StandaloneOptions options)
    {
        var path = Path.Combine(options.DataDirectory, FileName);
        Credentials? stored = null;
        if (File.Exists(path))
            stored = JsonSerializer.Deserialize<Credentials>(File.ReadAllText(path));
        var resolved = new Credentials(
            options.WriteKey ?? stored?.WriteKey ?? "wk_" + Token(),
            options.AdminKey ?? stored?.AdminKey ?? "ak_" + Token(),
            stored?.PiiSalt ?? Token(),
            options.ClickHousePassword ?? stored?.ClickHousePassword ?? Token(),
            options.ClickHouseBiPassword ?? stored?.ClickHouseBiPassword ?? Token());
        if (resolved != stored)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(resolved));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return resolved;
    }

    private static string Token() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

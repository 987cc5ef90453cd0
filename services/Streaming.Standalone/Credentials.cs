using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Standalone;

/// <summary>
/// The standalone host's credentials, in <c>&lt;data&gt;/credentials.json</c> (mode 600, written atomically):
/// the admin key as a hash only (the host only verifies it), the secrets the host must use in clear
/// (PII salt, Redis, ClickHouse and Schema Registry passwords) and the demo write key (which SDKs ship inside pages and apps anyway).
/// A credential is one line in the list below; values given (environment or options) win over stored ones.
/// </summary>
public sealed class Credentials
{
    public const string FileName = "credentials.json";

    /// <summary>What a given key or password must have at least (the gateway refuses shorter write keys too).</summary>
    public const int MinimumLength = 16;
    private static readonly List<CredentialField> All = [];

    public static readonly CredentialField WriteKey = Add(new("writeKey", "STREAMING_WRITE_KEY", () => "wk_" + Token()));
    public static readonly CredentialField AdminKey = Add(new("adminKey", "STREAMING_ADMIN_KEY", () => "ak_" + Token(), HashOnly: true));
    public static readonly CredentialField PiiSalt = Add(new("piiSalt", null, Token));
    public static readonly CredentialField TrackingKey = Add(new("trackingKey", null, () => Token() + Token()));
    public static readonly CredentialField VaultKey = Add(new("vaultKey", null, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
    public static readonly CredentialField RedisPassword = Add(new("redisPassword", "STREAMING_REDIS_PASSWORD", Token));
    public static readonly CredentialField ClickHousePassword = Add(new("clickHousePassword", "STREAMING_CLICKHOUSE_PASSWORD", Token));
    public static readonly CredentialField ClickHouseBiPassword = Add(new("clickHouseBiPassword", "STREAMING_CLICKHOUSE_BI_PASSWORD", Token));
    public static readonly CredentialField SchemaRegistryPassword = Add(new("schemaRegistryPassword", "STREAMING_SCHEMA_REGISTRY_PASSWORD", Token));

    private readonly Dictionary<CredentialField, string> _values;
    private readonly Dictionary<CredentialField, string> _hashes;
    private readonly HashSet<CredentialField> _generated;

    private Credentials(Dictionary<CredentialField, string> values, Dictionary<CredentialField, string> hashes, HashSet<CredentialField> generated, string path)
    {
        _values = values;
        _hashes = hashes;
        _generated = generated;
        FilePath = path;
    }

    /// <summary>Every credential field, in file order.</summary>
    public static IReadOnlyList<CredentialField> Fields => All;

    public string FilePath { get; }

    /// <summary>The value of a credential the host uses; for a hash-only one, only when it is known this run.</summary>
    public string this[CredentialField field] => Known(field)
        ?? throw new InvalidOperationException($"{field.Name} is kept hashed; its value is known only when generated or given ({field.EnvironmentVariable}).");

    public string? Known(CredentialField field) => _values.GetValueOrDefault(field);

    /// <summary><c>sha256:&lt;hex&gt;</c> of a hash-only credential.</summary>
    public string HashOf(CredentialField field) => _hashes[field];

    /// <summary>Whether this start generated the credential (so this is the one time it can be shown).</summary>
    public bool WasGenerated(CredentialField field) => _generated.Contains(field);

    /// <summary>Reads the file, fills what is missing (given values first, then stored ones, then generated), writes it back.</summary>
    public static Credentials Resolve(StandaloneOptions options)
    {
        var path = Path.Combine(options.DataDirectory, FileName);
        var stored = File.Exists(path) ? Read(path) : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<CredentialField, string>();
        var hashes = new Dictionary<CredentialField, string>();
        var generated = new HashSet<CredentialField>();
        var file = new JsonObject();
        foreach (var field in All)
        {
            var given = options.Secrets.GetValueOrDefault(field.Name);
            if (given is not null && given.Trim().Length < MinimumLength)
            {
                throw new StartupProblemException($"{field.EnvironmentVariable ?? field.Name} has {given.Trim().Length} characters; a credential needs at least "
                    + $"{MinimumLength} (e.g. `openssl rand -hex 16`). Unset it to have one generated and kept in {FileName}.");
            }
            var fresh = field == AdminKey && options.NewAdminKey;
            if (given is null && !fresh && field.HashOnly && stored.TryGetValue(field.Name + "Hash", out var storedHash))
            {
                hashes[field] = storedHash;
                file[field.Name + "Hash"] = storedHash;
                continue;
            }
            // Files from before hashing kept the admin key in clear: it is read once more, then kept hashed.
            var value = given ?? (fresh ? null : stored.GetValueOrDefault(field.Name));
            if (value is null)
            {
                value = field.Generate();
                generated.Add(field);
            }
            values[field] = value;
            if (field.HashOnly)
            {
                hashes[field] = ApiKeySecrets.Hash(value);
                file[field.Name + "Hash"] = hashes[field];
            }
            else
            {
                file[field.Name] = value;
            }
        }
        Write(path, file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new Credentials(values, hashes, generated, path);
    }

    private static CredentialField Add(CredentialField field)
    {
        All.Add(field);
        return field;
    }

    private static Dictionary<string, string> Read(string path)
    {
        var stored = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject json)
            {
                foreach (var (name, value) in json)
                {
                    if (value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length > 0)
                        stored[name] = s;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path} is not valid JSON ({ex.Message}); fix it, or move it away to generate new credentials.", ex);
        }
        return stored;
    }

    /// <summary>Writes to a temporary file created with mode 600, then renames it: the file is never readable by others, even briefly.</summary>
    private static void Write(string path, string json)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(json);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an older .tmp left behind keeps its mode
        File.Move(temporary, path, overwrite: true);
    }

    private static string Token() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

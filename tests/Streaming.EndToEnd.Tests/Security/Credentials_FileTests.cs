using System.Text.Json.Nodes;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests.Security;

/// <summary>
/// <c>&lt;data&gt;/credentials.json</c>: the admin key only as a hash, the secrets the host uses in clear,
/// readable by its user only, stable across starts, and given values winning over stored ones.
/// </summary>
public sealed class Credentials_FileTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("streaming-credentials-");

    private string FilePath => Path.Combine(_data.FullName, Credentials.FileName);

    private StandaloneOptions Options => new() { DataDirectory = _data.FullName };

    [Fact]
    public void Credentials_keep_a_generated_admin_key_only_hashed_and_the_host_secrets_stable()
    {
        var first = Credentials.Resolve(Options);
        var adminKey = first.Known(Credentials.AdminKey);
        Assert.NotNull(adminKey);
        Assert.True(first.WasGenerated(Credentials.AdminKey));
        var file = File.ReadAllText(FilePath);
        Assert.DoesNotContain(adminKey, file, StringComparison.Ordinal);
        Assert.Equal(first.HashOf(Credentials.AdminKey), JsonNode.Parse(file)!["adminKeyHash"]!.GetValue<string>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileMode());

        var second = Credentials.Resolve(Options);
        Assert.Null(second.Known(Credentials.AdminKey));
        Assert.Equal(first.HashOf(Credentials.AdminKey), second.HashOf(Credentials.AdminKey));
        foreach (var field in new[] { Credentials.WriteKey, Credentials.PiiSalt, Credentials.RedisPassword })
        {
            Assert.Equal(first[field], second[field]);
            Assert.False(second.WasGenerated(field));
        }

        // --new-admin-key replaces a lost key; the other secrets stay.
        var rotated = Credentials.Resolve(Options with { NewAdminKey = true });
        Assert.NotNull(rotated.Known(Credentials.AdminKey));
        Assert.NotEqual(first.HashOf(Credentials.AdminKey), rotated.HashOf(Credentials.AdminKey));
        Assert.Equal(first[Credentials.PiiSalt], rotated[Credentials.PiiSalt]);
    }

    [Fact]
    public void Credentials_take_given_values_and_hash_an_admin_key_an_older_file_kept_in_clear()
    {
        File.WriteAllText(FilePath, "{\"WriteKey\":\"wk_old_file_0000001\",\"AdminKey\":\"ak_old_file_in_clear_01\",\"PiiSalt\":\"old-salt\"}");
        var migrated = Credentials.Resolve(Options);
        Assert.Equal("ak_old_file_in_clear_01", migrated.Known(Credentials.AdminKey));
        Assert.Equal("old-salt", migrated[Credentials.PiiSalt]);
        Assert.Equal("wk_old_file_0000001", migrated[Credentials.WriteKey]);
        Assert.DoesNotContain("ak_old_file_in_clear_01", File.ReadAllText(FilePath), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileMode());

        var given = Credentials.Resolve(Options with
        {
            AdminKey = "ak_given_by_environment_1",
            Secrets = new Dictionary<string, string> { ["adminKey"] = "ak_given_by_environment_1", ["redisPassword"] = "given-redis-password" },
        });
        Assert.Equal("ak_given_by_environment_1", given.Known(Credentials.AdminKey));
        Assert.Equal("given-redis-password", given[Credentials.RedisPassword]);
        Assert.Equal("given-redis-password", JsonNode.Parse(File.ReadAllText(FilePath))!["redisPassword"]!.GetValue<string>());
    }

    [Fact]
    public void Options_read_every_credential_from_its_environment_variable()
    {
        Assert.All(Credentials.Fields.Where(f => f.EnvironmentVariable is not null), f => Assert.StartsWith("STREAMING_", f.EnvironmentVariable, StringComparison.Ordinal));
        Assert.Contains(Credentials.Fields, f => f.EnvironmentVariable == "STREAMING_REDIS_PASSWORD");
        var error = Assert.Throws<ArgumentException>(() => StandaloneOptions.Parse(["--listen", "localhost"]));
        Assert.Contains("--listen must be an IP address", error.Message, StringComparison.Ordinal);
        Assert.True(StandaloneOptions.Parse(["--new-admin-key"]).NewAdminKey);
    }

    /// <summary>The file's permissions (the host runs on Linux; Windows keeps files in the user's profile).</summary>
    private UnixFileMode FileMode() => OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(FilePath);

    public void Dispose() => _data.Delete(recursive: true);
}

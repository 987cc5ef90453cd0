using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Streaming.Dispatch.Contacts;

namespace Streaming.Dispatch.Tests.Service;

public sealed class ContactVault_EncryptionTests
{
    [Fact]
    public async Task ContactVault_keeps_no_readable_address_and_reads_it_back_only_for_the_same_person()
    {
        using var redis = await TestRedis.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ClientConfiguration);
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var vault = new ContactVault(connection, Options.Create(new DispatchOptions { VaultKey = key }));

        await vault.PutAsync("t1", 7, ContactKinds.Phone, "+4915112345678");

        var stored = await vault.StoredAsync("t1", 7, ContactKinds.Phone);
        Assert.NotNull(stored);
        Assert.DoesNotContain("5112345678", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal("+4915112345678", await vault.GetAsync("t1", 7, ContactKinds.Phone));

        // The same ciphertext under another person does not decrypt (person and kind are authenticated).
        await connection.GetDatabase().HashSetAsync("dispatch:vault:{t1}:8", ContactKinds.Phone, stored);
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => vault.GetAsync("t1", 8, ContactKinds.Phone));

        var otherKey = new ContactVault(connection, Options.Create(new DispatchOptions { VaultKey = Convert.ToBase64String(new byte[32]) }));
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => otherKey.GetAsync("t1", 7, ContactKinds.Phone));

        await vault.ForgetAsync("t1", 7);
        Assert.Null(await vault.GetAsync("t1", 7, ContactKinds.Phone));
    }
}

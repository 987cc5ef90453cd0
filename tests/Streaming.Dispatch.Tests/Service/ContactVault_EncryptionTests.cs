using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Streaming.Contracts.Records;
using Streaming.Dispatch.Contacts;
using Streaming.Dispatch.Traits;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Dispatch.Tests.Service;

public sealed class ContactVault_EncryptionTests : IAsyncLifetime
{
    private DispatchFixture _host = null!;

    public async Task InitializeAsync() => _host = await DispatchFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ContactVault_keeps_no_readable_address_and_reads_it_back_only_for_the_same_person()
    {
        var vault = _host.App.Services.GetRequiredService<ContactVault>();
        using var connection = await ConnectionMultiplexer.ConnectAsync(_host.Redis.ClientConfiguration);

        await vault.PutAsync("t1", 7, ContactKinds.Phone, "+4915112345678");

        var stored = await vault.StoredAsync("t1", 7, ContactKinds.Phone);
        Assert.NotNull(stored);
        Assert.DoesNotContain("5112345678", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal("+4915112345678", await vault.GetAsync("t1", 7, ContactKinds.Phone));

        // The same ciphertext under another person does not open (person and kind are authenticated): no address.
        await connection.GetDatabase().HashSetAsync("dispatch:vault:{t1}:8", ContactKinds.Phone, stored);
        Assert.Null(await vault.GetAsync("t1", 8, ContactKinds.Phone));

        await vault.ForgetAsync("t1", 7);
        Assert.Null(await vault.GetAsync("t1", 7, ContactKinds.Phone));
    }

    [Fact]
    public async Task ContactVault_finds_a_captured_phone_through_the_persons_phone_hash_trait_and_forgets_it_on_deletion()
    {
        var vault = _host.App.Services.GetRequiredService<ContactVault>();
        var traits = _host.App.Services.GetRequiredService<PersonTraits>();
        var seal = new ContactSeal(DispatchFixture.VaultKey);
        const string hash = "9f2c0000aa";
        // What the gateway writes on contacts.sealed: sealed under tenant, kind and hash.
        await vault.KeepCapturedAsync(new SealedContact
        {
            Tenant = "t1", Kind = ContactKinds.Phone, Hash = hash,
            Sealed = Convert.ToBase64String(seal.Seal("+4915100000042", ContactSeal.Associated("t1", ContactKinds.Phone, hash))),
        });
        Assert.Null(await vault.GetAsync("t1", 42, ContactKinds.Phone));

        await traits.ApplyAsync("t1", 42, "phone_hash", $"\"{hash}\"", 1);
        Assert.Equal("+4915100000042", await vault.GetAsync("t1", 42, ContactKinds.Phone));
        // Another tenant's person with the same hash trait finds nothing: captured contacts are kept per tenant.
        await traits.ApplyAsync("t2", 42, "phone_hash", $"\"{hash}\"", 1);
        Assert.Null(await vault.GetAsync("t2", 42, ContactKinds.Phone));

        await vault.ForgetAsync("t1", 42);
        Assert.Null(await vault.GetAsync("t1", 42, ContactKinds.Phone));
    }
}

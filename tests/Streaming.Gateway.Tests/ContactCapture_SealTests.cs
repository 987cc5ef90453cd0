using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts.Topics;
using Streaming.Gateway.Enrichment;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Gateway.Tests;

/// <summary>
/// A source that captures contacts: the phone and e-mail of identify traits reach Kafka only sealed (on
/// contacts.sealed, under the hash the event's phone_hash/email_hash trait carries), never in clear.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ContactCapture_SealTests(GatewayFixture host)
{
    private PiiHasher Hasher => host.Services.GetRequiredService<PiiHasher>();

    [Fact]
    public async Task Gateway_seals_the_phone_and_email_of_an_identify_under_their_hashes_and_writes_neither_in_clear()
    {
        var source = await host.CreateSourceAsync(captureContacts: true);

        using var response = await host.PostAsync("/v1/identify",
            """{"userId": "u1", "traits": {"phone": "+49 151 2345-6789", "Email": " Ada@Lovelace.Org ", "plan": "pro"}}""", source.WriteKey);
        using var track = await host.PostAsync("/v1/track", """{"userId": "u1", "event": "Viewed", "properties": {"phone": "+49 151 2345-6789"}}""", source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var phoneHash = Hasher.Hash(source.Tenant, "+4915123456789");
        var emailHash = Hasher.Hash(source.Tenant, "ada@lovelace.org");
        var sealedContacts = host.ReadAll(TopicCatalog.ContactsSealed.Name, TopicCatalog.ContactsSealed.Partitions)
            .Select(m => (Bytes: m.Value, Contact: SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.ContactsSealed, m.Value)))
            .Where(x => x.Contact.Tenant == source.Tenant).ToList();
        // Only the identify's traits are captured (not the track's properties), one record per kind.
        Assert.Equal(["email", "phone"], sealedContacts.Select(x => x.Contact.Kind).Order());
        var seal = new ContactSeal(GatewayFixture.VaultKey);
        var phone = sealedContacts.Single(x => x.Contact.Kind == "phone").Contact;
        var email = sealedContacts.Single(x => x.Contact.Kind == "email").Contact;
        Assert.Equal(phoneHash, phone.Hash);
        Assert.Equal(emailHash, email.Hash);
        Assert.Equal("+4915123456789", seal.Open(Convert.FromBase64String(phone.Sealed), ContactSeal.Associated(source.Tenant, "phone", phoneHash)));
        Assert.Equal("ada@lovelace.org", seal.Open(Convert.FromBase64String(email.Sealed), ContactSeal.Associated(source.Tenant, "email", emailHash)));
        // Sealed for this tenant, kind and hash only.
        Assert.Null(seal.Open(Convert.FromBase64String(phone.Sealed), ContactSeal.Associated(source.Tenant, "phone", emailHash)));

        // Neither value in clear on any topic the request wrote to (values with characters no hex hash has).
        var written = host.ReadAll(TopicCatalog.EventsRaw.Name, TopicCatalog.EventsRaw.Partitions).Select(m => m.Value)
            .Concat(sealedContacts.Select(x => x.Bytes)).Select(b => Encoding.UTF8.GetString(b)).ToList();
        foreach (var raw in new[] { "2345-6789", "+4915123456789", "lovelace", "Lovelace" })
            Assert.DoesNotContain(written, text => text.Contains(raw, StringComparison.Ordinal));
        var identify = host.ReadRaw(source.Tenant).Single(e => e.Event.Type == "identify").Event;
        Assert.Contains(phoneHash, identify.Traits, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_captures_nothing_for_a_source_that_does_not_capture_contacts()
    {
        var source = await host.CreateSourceAsync();

        using var response = await host.PostAsync("/v1/identify", """{"userId": "u1", "traits": {"phone": "+49 151 2345-6789"}}""", source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.ReadRaw(source.Tenant));
        Assert.DoesNotContain(host.ReadAll(TopicCatalog.ContactsSealed.Name, TopicCatalog.ContactsSealed.Partitions),
            m => SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.ContactsSealed, m.Value).Tenant == source.Tenant);
    }

    [Fact]
    public async Task Sources_api_refuses_captureContacts_with_keepRawPii_naming_the_field()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sources")
        {
            Content = new StringContent("""{"id": "raw-app", "keepRawPii": true, "captureContacts": true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.AdminKey);
        request.Headers.Add("X-Tenant", "t" + Guid.NewGuid().ToString("N")[..10]);

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("captureContacts", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

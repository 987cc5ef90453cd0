using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts.Topics;
using Streaming.Gateway.Enrichment;

namespace Streaming.Gateway.Tests;

/// <summary>PII is found whatever its spelling, wherever the sender put it, and never reaches Kafka raw.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Pii_SpellingsTests(GatewayFixture host)
{
    private PiiHasher Hasher => host.Services.GetRequiredService<PiiHasher>();

    [Theory]
    [InlineData("Email")]
    [InlineData("EMAIL")]
    [InlineData("e-mail")]
    [InlineData("E_Mail")]
    [InlineData("emailAddress")]
    [InlineData("mail")]
    public async Task Gateway_hashes_an_email_into_email_hash_whatever_the_spelling_of_its_name(string name)
    {
        var source = await host.CreateSourceAsync();

        await host.PostAsync("/v1/identify", $$$"""{"userId": "u1", "traits": {"{{{name}}}": " Mary.Somerville@Mail.Test.Org "}}""", source.WriteKey);

        var stored = Assert.Single(host.ReadRaw(source.Tenant));
        Assert.DoesNotContain("somerville", Encoding.UTF8.GetString(stored.Bytes), StringComparison.OrdinalIgnoreCase);
        using var traits = JsonDocument.Parse(stored.Event.Traits);
        Assert.Equal(Hasher.Hash(source.Tenant, "mary.somerville@mail.test.org"), traits.RootElement.GetProperty("email_hash").GetString());
        Assert.False(traits.RootElement.TryGetProperty(name, out _));
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("Phone")]
    [InlineData("phone_number")]
    [InlineData("phoneNumber")]
    [InlineData("mobile")]
    [InlineData("tel")]
    [InlineData("telephone")]
    [InlineData("MSISDN")]
    public async Task Gateway_hashes_a_phone_into_phone_hash_whatever_the_spelling_of_its_name(string name)
    {
        var source = await host.CreateSourceAsync();

        await host.PostAsync("/v1/identify", $$$"""{"userId": "u1", "traits": {"{{{name}}}": "+44 (20) 7946-0958"}}""", source.WriteKey);

        var stored = Assert.Single(host.ReadRaw(source.Tenant));
        // The phone as sent and as digits (a short run like "7946" turns up in hex hashes by chance).
        Assert.DoesNotContain("7946-0958", Encoding.UTF8.GetString(stored.Bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("2079460958", Encoding.UTF8.GetString(stored.Bytes), StringComparison.Ordinal);
        using var traits = JsonDocument.Parse(stored.Event.Traits);
        Assert.Equal(Hasher.Hash(source.Tenant, "+442079460958"), traits.RootElement.GetProperty("phone_hash").GetString());
    }

    [Fact]
    public async Task Gateway_hashes_pii_in_properties_context_nested_objects_free_text_and_configured_paths()
    {
        var source = await host.CreateSourceAsync(piiPaths: ["properties.loyalty.Card_Number", "context.device.serial"]);
        const string body = """
            {"type": "track", "event": "Ordered", "userId": "u1",
             "properties": {"email": "ADA@lovelace.org", "phone": 4420794609, "billing": {"contact_phone": "+1 202 555 0143"},
                            "loyalty": {"card-number": "LC-99821-77"}, "recipient": "babbage@engine.org", "sku": "A-1", "price": 12.5},
             "context": {"email": "ada@lovelace.org", "device": {"serial": "SN-4471-Q"},
                         "traits": {"name": "+86 138 0013 8000", "userName": "countess@lovelace.org", "plan": "pro"}}}
            """;

        var response = await host.PostAsync("/v1/track", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(host.ReadRaw(source.Tenant));
        var text = Encoding.UTF8.GetString(stored.Bytes);
        // Each raw value with a character no hex hash has (a bare "4471" turns up in hashes by chance).
        foreach (var raw in new[] { "lovelace", "4420794609", "555 0143", "LC-99821", "babbage", "SN-4471", "138 0013" })
            Assert.DoesNotContain(raw, text, StringComparison.OrdinalIgnoreCase);
        using var properties = JsonDocument.Parse(stored.Event.Properties);
        using var context = JsonDocument.Parse(stored.Event.Context);
        var tenant = source.Tenant;
        Assert.Equal(Hasher.Hash(tenant, "ada@lovelace.org"), properties.RootElement.GetProperty("email_hash").GetString());
        Assert.Equal(Hasher.Hash(tenant, "4420794609"), properties.RootElement.GetProperty("phone_hash").GetString());
        Assert.Equal(Hasher.Hash(tenant, "+12025550143"), properties.RootElement.GetProperty("billing").GetProperty("phone_hash").GetString());
        Assert.Equal(Hasher.Hash(tenant, "LC-99821-77"), properties.RootElement.GetProperty("loyalty").GetProperty("card-number_hash").GetString());
        Assert.Equal(Hasher.Hash(tenant, "babbage@engine.org"), properties.RootElement.GetProperty("recipient_hash").GetString());
        Assert.Equal("A-1", properties.RootElement.GetProperty("sku").GetString());
        Assert.Equal(12.5, properties.RootElement.GetProperty("price").GetDouble());
        Assert.Equal(Hasher.Hash(tenant, "ada@lovelace.org"), context.RootElement.GetProperty("email_hash").GetString());
        Assert.Equal(Hasher.Hash(tenant, "SN-4471-Q"), context.RootElement.GetProperty("device").GetProperty("serial_hash").GetString());
        var traits = context.RootElement.GetProperty("traits");
        Assert.Equal(Hasher.Hash(tenant, "+8613800138000"), traits.GetProperty("name_hash").GetString());
        Assert.Equal(Hasher.Hash(tenant, "countess@lovelace.org"), traits.GetProperty("userName_hash").GetString());
        Assert.Equal("pro", traits.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Gateway_hashes_the_pii_of_a_refused_event_before_keeping_its_raw_json()
    {
        var source = await host.CreateSourceAsync();

        // A track call without an event name is refused and kept on events.rejected.
        await host.PostAsync("/v1/batch", """{"batch": [{"type": "track", "userId": "u1", "properties": {"E-Mail": "hidden@lovelace.org"}}]}""", source.WriteKey);

        var dead = Assert.Single(host.ReadRejected(source.Tenant));
        Assert.DoesNotContain("hidden@", dead.RawPayload, StringComparison.Ordinal);
        Assert.Contains(Hasher.Hash(source.Tenant, "hidden@lovelace.org"), dead.RawPayload, StringComparison.Ordinal);
        Assert.DoesNotContain(host.ReadValues(TopicCatalog.EventsRejected.Name, TopicCatalog.EventsRejected.Partitions),
            v => Encoding.UTF8.GetString(v).Contains("hidden@lovelace", StringComparison.Ordinal));
    }
}

using System.Net;
using System.Text;
using Confluent.Kafka;
using Streaming.Contracts.Topics;
using Streaming.Tests.Helpers;

namespace Streaming.Profiles.Tests;

public sealed class ProfilesService_DeadLetterTests : IAsyncLifetime
{
    private ProfilesFixture _host = null!;

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Event_without_a_person_is_dead_lettered_with_its_reason_and_the_next_one_is_applied()
    {
        const string tenant = "t-dlq";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await _host.SendAsync(ProfilesFixture.Event(tenant, 0, "Page Viewed", now, type: "page"), ProfilesFixture.Event(tenant, 5, "Page Viewed", now, type: "page"));

        await ProfilesFixture.WaitFor(() => _host.ProfileAsync(tenant, "/api/profiles/5"), TimeSpan.FromSeconds(30), "the valid event to be applied");
        var dead = ReadDeadLetter(TimeSpan.FromSeconds(20));
        Assert.Contains("personId", Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes("dlq.reason")), StringComparison.Ordinal);
        Assert.Equal(0, SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.EventsIdentified, dead.Message.Value).PersonId);
    }

    [Fact]
    public async Task Profile_api_refuses_a_request_without_the_admin_key()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Http.BaseAddress };

        var response = await anonymous.GetAsync("/api/profiles/1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private ConsumeResult<byte[], byte[]> ReadDeadLetter(TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _host.Kafka.BootstrapServers,
            GroupId = "dlq-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(TopicCatalog.EventsIdentified.DeadLetterName, 0, Offset.Beginning));
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
                return result;
        }
        throw new TimeoutException("nothing on the dead-letter topic");
    }
}

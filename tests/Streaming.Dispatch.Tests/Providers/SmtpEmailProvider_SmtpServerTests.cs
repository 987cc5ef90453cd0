using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Streaming.Dispatch.Providers;

namespace Streaming.Dispatch.Tests.Providers;

/// <summary>Against a real SMTP server (the SmtpServer library, in process on a free loopback port): the message as it arrives.</summary>
public sealed class SmtpEmailProvider_SmtpServerTests
{
    [Fact]
    public async Task SmtpEmailProvider_delivers_the_message_with_its_id_and_one_click_unsubscribe()
    {
        var port = FreePort();
        var store = new CollectingStore();
        var options = new SmtpServerOptionsBuilder().ServerName("127.0.0.1").Endpoint(b => b.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        var server = new SmtpServer.SmtpServer(options, services);
        using var stop = new CancellationTokenSource();
        var running = server.StartAsync(stop.Token);
        try
        {
            var (sender, providers) = Senders.For(("smtp", new ProviderOptions
            {
                Kind = ProviderKinds.EmailSmtp,
                Host = "127.0.0.1",
                Port = port,
                UseTls = false,
                From = "Shop <news@shop.example>",
                // A loaded machine must not turn a slow answer into a timeout and a second delivery.
                Timeout = TimeSpan.FromMinutes(2),
            }));
            using var _ = providers;
            var message = Senders.Message("r-mail", channel: "email", address: "ada@example.com", text: "Your cart misses you") with
            {
                Subject = "Still thinking?",
                Html = "<p>Your cart misses you</p>",
                UnsubscribeUrl = "http://127.0.0.1:8080/m/u/token123",
            };

            var result = await sender.SendAsync(message, CancellationToken.None);

            Assert.True(result.Sent, result.Error);
            var received = Assert.Single(store.Messages);
            Assert.Equal("Still thinking?", received.Subject);
            Assert.Equal("ada@example.com", received.To.Mailboxes.Single().Address);
            Assert.Equal("r-mail@streaming", received.MessageId);
            Assert.Equal("<http://127.0.0.1:8080/m/u/token123>", received.Headers["List-Unsubscribe"]);
            Assert.Equal("List-Unsubscribe=One-Click", received.Headers["List-Unsubscribe-Post"]);
            Assert.Equal("r-mail", received.Headers[SmtpEmailProvider.RequestIdHeader]);
            Assert.Contains("Your cart misses you", received.TextBody);
            Assert.Contains("<p>Your cart misses you</p>", received.HtmlBody);
        }
        finally
        {
            await stop.CancelAsync();
            server.Shutdown();
            await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            await running.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CollectingStore : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}

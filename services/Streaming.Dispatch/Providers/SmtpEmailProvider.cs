using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// E-mail over SMTP with MailKit. The request id is the <c>Message-ID</c> (the receiving side's
/// deduplication key) and goes in <c>X-Streaming-Request-Id</c>; an unsubscribe link becomes
/// <c>List-Unsubscribe</c> with <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c> (RFC 8058).
/// 4xx SMTP replies and lost connections are transient, 5xx replies are rejections. Connections are
/// kept open and reused (up to <see cref="ProviderOptions.MaxConnections"/> idle ones): a connect,
/// greeting, STARTTLS and login per message would cost more than the message.
/// </summary>
public sealed class SmtpEmailProvider(string name, ProviderOptions options) : IMessageProvider, IDisposable
{
    public const string RequestIdHeader = "X-Streaming-Request-Id";

    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private int _idleCount;

    public string Name { get; } = name;

    public string Channel => "email";

    public ProviderOptions Options { get; } = options;

    public async Task<ProviderAnswer> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var mime = Build(message);
        SmtpClient? client = null;
        try
        {
            client = await RentAsync(cancellationToken);
            await client.SendAsync(mime, cancellationToken);
            Return(client);
            client = null;
            return ProviderAnswer.Accepted(mime.MessageId);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            return ProviderAnswer.Rejected($"SMTP {(int)ex.StatusCode}: {ex.Message}");
        }
        catch (SmtpCommandException ex)
        {
            return ProviderAnswer.Transient($"SMTP {(int)ex.StatusCode}: {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException or System.Net.Sockets.SocketException)
        {
            return ProviderAnswer.Transient($"SMTP connection: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            // A connection that failed (or was cancelled) mid-command is in an unknown state: never reused.
            client?.Dispose();
        }
    }

    private async Task<SmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var pooled))
        {
            Interlocked.Decrement(ref _idleCount);
            if (pooled.IsConnected)
                return pooled;
            pooled.Dispose();
        }
        var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(Options.Host!, Options.Port, Options.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
            if (Options.Username is { Length: > 0 } user)
                await client.AuthenticateAsync(user, Options.Password ?? "", cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private void Return(SmtpClient client)
    {
        if (Interlocked.Increment(ref _idleCount) <= Options.MaxConnections)
        {
            _idle.Add(client);
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        client.Dispose();
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var client))
            client.Dispose();
    }

    public MimeMessage Build(OutgoingMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(Options.From!));
        mime.To.Add(MailboxAddress.Parse(message.Address));
        mime.Subject = message.Subject ?? "";
        mime.MessageId = $"{message.RequestId}@streaming";
        mime.Headers.Add(RequestIdHeader, message.RequestId);
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html };
        mime.Body = body.ToMessageBody();
        return mime;
    }
}

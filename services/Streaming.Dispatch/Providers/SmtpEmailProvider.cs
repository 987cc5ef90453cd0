using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Streaming.Dispatch.Providers;

/// <summary>
/// E-mail over SMTP with MailKit. The request id is the <c>Message-ID</c> (the receiving side's
/// deduplication key) and goes in <c>X-Streaming-Request-Id</c>; an unsubscribe link becomes
/// <c>List-Unsubscribe</c> with <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c> (RFC 8058).
/// 4xx SMTP replies and lost connections are transient, 5xx replies are rejections.
/// </summary>
public sealed class SmtpEmailProvider(string name, ProviderOptions options) : IMessageProvider
{
    public const string RequestIdHeader = "X-Streaming-Request-Id";

    public string Name { get; } = name;

    public string Channel => "email";

    public ProviderOptions Options { get; } = options;

    public async Task<ProviderAnswer> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var mime = Build(message);
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(Options.Host!, Options.Port, Options.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
            if (Options.Username is { Length: > 0 } user)
                await client.AuthenticateAsync(user, Options.Password ?? "", cancellationToken);
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
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

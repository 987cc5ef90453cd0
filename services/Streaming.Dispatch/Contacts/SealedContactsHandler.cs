using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Dispatch.Contacts;

/// <summary>
/// Keeps the contact points the gateway captured from identify traits (<c>contacts.sealed</c>) in the
/// <see cref="ContactVault"/>, still sealed: nothing is opened until a send needs the address.
/// </summary>
public sealed class SealedContactsHandler(ContactVault vault) : MessageHandler<SealedContact>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<SealedContact> message, CancellationToken cancellationToken)
    {
        var contact = message.Value;
        if (!ContactVault.CapturedKinds.Contains(contact.Kind) || contact.Hash.Length == 0)
            return HandlerOutcome.DeadLetter($"kind '{contact.Kind}' with hash '{contact.Hash}': only phone and email with their PII hash are captured");
        await vault.KeepCapturedAsync(contact);
        return HandlerOutcome.Done;
    }
}

using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Dispatch.Traits;

/// <summary>Keeps <see cref="PersonTraits"/> from <c>profiles.changes</c>; every other kind of change is not dispatch's concern.</summary>
public sealed class TraitChangesHandler(PersonTraits traits) : MessageHandler<ProfileChange>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<ProfileChange> message, CancellationToken cancellationToken)
    {
        var change = message.Value;
        if (change.Kind != ProfileChangeKind.TraitChanged || string.IsNullOrEmpty(change.Trait))
            return HandlerOutcome.Done;
        await traits.ApplyAsync(change.Tenant, change.PersonId, change.Trait, change.NewValue, change.At);
        return HandlerOutcome.Done;
    }
}

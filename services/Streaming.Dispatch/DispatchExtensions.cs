using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Api;
using Streaming.Dispatch.Contacts;
using Streaming.Dispatch.Delivery;
using Streaming.Dispatch.Pipeline;
using Streaming.Dispatch.Suppression;
using Streaming.Dispatch.Templates;
using Streaming.Dispatch.Tracking;
using Streaming.Dispatch.Traits;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Definitions;
using Streaming.ServiceDefaults.Registration;

namespace Streaming.Dispatch;

public static class DispatchExtensions
{
    /// <summary>
    /// The dispatchers: consume <c>dispatch.&lt;channel&gt;</c> (one consumer group per channel, so each
    /// channel scales on its own) <c>profiles.changes</c> (the traits templates and consent read) and <c>messages.receipts</c>
    /// (unsubscribes),
    /// send through the channel's providers, produce <c>messages.receipts</c>. Safe next to other services in one host.
    /// </summary>
    public static IHostApplicationBuilder AddDispatch(this IHostApplicationBuilder builder)
    {
        if (!builder.TryAddService<DispatchOptions, DispatchOptionsValidator>("dispatch", DispatchOptions.Section, out var options))
            return builder;
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TemplateCatalog>();
        services.AddSingleton<TrackedLinks>();
        services.AddSingleton<ContactVault>();
        services.AddSingleton<SuppressionLists>();
        services.AddSingleton<PersonTraits>();
        services.AddSingleton<SendLedger>();
        services.AddSingleton<WeChatCredits>();
        services.AddSingleton<ChannelProviders>();
        services.AddSingleton<FailoverSender>();
        services.AddSingleton<ReadLedgerStep>();
        services.AddSingleton<CheckConsentStep>();
        services.AddSingleton<ResolveAddressStep>();
        services.AddSingleton<RenderMessageStep>();
        services.AddSingleton<SpendCreditStep>();
        services.AddSingleton<SendOnceStep>();

        // What the dispatchers listen to:
        // An unknown channel is not subscribed here: the options validation stops the start and names it.
        foreach (var channel in (options.Channels.Count > 0 ? options.Channels : TopicCatalog.Channels).Where(TopicCatalog.Channels.Contains))
            services.AddSubscription<DispatchRequest, DispatchPipeline>(new Subscription<DispatchRequest>(TopicCatalog.Dispatch(channel), ChannelGroup(options.GroupId, channel)));
        services.AddSubscription<ProfileChange, TraitChangesHandler>(new Subscription<ProfileChange>(TopicCatalog.ProfilesChanges, options.GroupId + "-traits"));
        services.AddSubscription<SealedContact, SealedContactsHandler>(new Subscription<SealedContact>(TopicCatalog.ContactsSealed, options.GroupId + "-contacts"));
        services.AddSubscription<MessageReceipt, ReceiptFeedbackHandler>(new Subscription<MessageReceipt>(TopicCatalog.MessagesReceipts, options.GroupId + "-feedback"));
        return builder;
    }

    /// <summary>The consumer group of one channel's dispatchers, e.g. <c>dispatch-sms</c>.</summary>
    public static string ChannelGroup(string groupId, string channel) => $"{groupId}-{channel}";

    /// <summary>The dispatch API on the admin port: templates, preview, provider callbacks, contacts and suppressions.</summary>
    public static WebApplication MapDispatch(this WebApplication app)
    {
        app.MapTemplatesApi();
        app.MapCallbacksApi();
        app.MapContactsApi();
        app.MapChannelSettingsApi();
        return app;
    }
}

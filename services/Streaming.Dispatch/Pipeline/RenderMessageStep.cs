using System.Text.Json.Nodes;
using Streaming.Contracts.Records;
using Streaming.Dispatch.Providers;
using Streaming.Dispatch.Templates;
using Streaming.Dispatch.Tracking;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// Renders the request's template for the person (locale variant, traits, event, variables, links) and
/// rewrites its links into tracked ones. An unknown template, or one of another channel, cannot be sent:
/// a <c>failed</c> receipt and a dead letter naming the fix.
/// </summary>
public sealed class RenderMessageStep(TemplateCatalog templates, TrackedLinks links)
{
    public async ValueTask<StepResult> RunAsync(DispatchWork work, JsonObject vars)
    {
        var request = work.Request;
        var template = templates.Find(request.Tenant, request.TemplateId);
        var problem = template switch
        {
            null => $"unknown template '{request.TemplateId}' in tenant '{request.Tenant}': create it with PUT /api/definitions/templates/{request.TemplateId}",
            _ when template.Definition.Channel != request.Channel => $"template '{request.TemplateId}' is for channel '{template.Definition.Channel}', not '{request.Channel}'",
            _ => (string?)null,
        };
        if (problem is not null)
        {
            work.Receipts.Add(Receipts.For(request, ReceiptStatus.Failed, work.Now, problem));
            return StepResult.DeadLetter(problem);
        }
        var tracked = links.For(request);
        var model = new TemplateModel(request.PersonId, work.Traits, vars["event"] as JsonObject ?? [], vars, tracked);
        var content = await TemplateRenderer.RenderAsync(template!, model);
        work.Template = template;
        work.Message = new OutgoingMessage
        {
            RequestId = request.RequestId,
            Tenant = request.Tenant,
            PersonId = request.PersonId,
            Channel = request.Channel,
            Address = work.Address!,
            Subject = content.Subject,
            Title = content.Title,
            Text = request.Channel == "webhook" ? content.Text : links.Rewrite(content.Text, request)!,
            Html = links.Rewrite(content.Html, request),
            Data = content.Data,
            ProviderTemplateId = content.ProviderTemplateId,
            UnsubscribeUrl = tracked.GetValueOrDefault("unsubscribe"),
        };
        return StepResult.Continue;
    }
}

using Streaming.Gateway;
using Streaming.Gateway.Topics;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.Sources.Insert(0, GatewayExtensions.QuietDefaults);

if (args is ["create-topics", ..])
{
    // Deployment job: create every catalog topic that is missing, register the payload schemas, then exit.
    var kafka = builder.Configuration.GetSection(KafkaOptions.Section).Get<KafkaOptions>() ?? new KafkaOptions();
    var registry = builder.Configuration.GetSection(SchemaRegistryOptions.Section).Get<SchemaRegistryOptions>() ?? new SchemaRegistryOptions();
    var replication = short.TryParse(builder.Configuration["Kafka:ReplicationFactor"], out var factor) ? factor : (short)-1;
    return await TopicCreator.RunAsync(kafka, registry, replication, Console.Out);
}

builder.AddServiceDefaults("gateway");
builder.AddGateway();
builder.UseGatewayListeners();
var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGateway();
await app.RunAsync();
return 0;

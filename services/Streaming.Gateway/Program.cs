using Streaming.Gateway;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.Sources.Insert(0, GatewayExtensions.QuietDefaults);
builder.AddServiceDefaults("gateway");
builder.AddGateway();
builder.UseGatewayListeners();
var app = builder.Build();
// `create-topics`: the deployment job that creates the missing catalog topics, then exits.
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapGateway();
await app.RunAsync();
return 0;

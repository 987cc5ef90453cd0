using Streaming.Identity;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentity();
var app = builder.Build();
// No one-shot jobs here: a command on the command line is refused rather than ignored.
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapIdentity();
await app.RunAsync();
return 0;

using Streaming.Profiles;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("profiles");
builder.AddProfiles();
var app = builder.Build();
// No one-shot jobs here: a command on the command line is refused rather than ignored.
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapProfiles();
await app.RunAsync();
return 0;

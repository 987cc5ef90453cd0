using Streaming.Journeys;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("journeys");
builder.AddJourneys();
var app = builder.Build();
// No one-shot jobs here: a command on the command line is refused rather than ignored.
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapJourneys();
await app.RunAsync();
return 0;

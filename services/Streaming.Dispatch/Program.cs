using Streaming.Dispatch;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("dispatch");
builder.AddDispatch();
var app = builder.Build();
// No one-shot jobs here: a command on the command line is refused rather than ignored.
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapDispatch();
await app.RunAsync();
return 0;

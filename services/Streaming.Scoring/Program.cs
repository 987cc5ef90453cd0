using Streaming.Scoring;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("scoring");
builder.AddScoring();
var app = builder.Build();
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapScoring();
await app.RunAsync();
return 0;

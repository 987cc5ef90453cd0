using Streaming.Analytics;
using Streaming.ServiceDefaults;
using Streaming.ServiceDefaults.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("analytics");
builder.AddAnalytics();
var app = builder.Build();
// `migrate`: apply the ClickHouse migrations and exit (the Helm pre-install/upgrade job, docker-compose clickhouse-migrate).
if (await app.RunJobAsync(args) is { } exitCode)
    return exitCode;
app.MapDefaultEndpoints();
app.MapAnalytics();
await app.RunAsync();
return 0;

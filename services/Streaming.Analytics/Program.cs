using Streaming.Analytics;
using Streaming.Analytics.Schema;
using Streaming.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args.Where(a => a != "migrate").ToArray());
builder.AddServiceDefaults("analytics");
builder.AddAnalytics();
var app = builder.Build();

// `migrate`: apply the ClickHouse migrations and exit (the Helm pre-install/upgrade job, docker-compose clickhouse-migrate).
if (args.Contains("migrate"))
{
    var applied = await app.Services.GetRequiredService<Migrator>().MigrateAsync();
    Console.WriteLine(applied.Count == 0 ? "ClickHouse schema is up to date." : $"Applied migrations: {string.Join(", ", applied)}.");
    return;
}

app.MapDefaultEndpoints();
app.MapAnalytics();
app.Run();

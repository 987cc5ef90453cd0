using Streaming.Profiles;
using Streaming.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("profiles");
builder.AddProfiles();
var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProfiles();
app.Run();

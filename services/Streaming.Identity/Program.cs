using Streaming.Identity;
using Streaming.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentity();
var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIdentity();
app.Run();

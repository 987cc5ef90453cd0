namespace Streaming.Deploy.Tests.Infrastructure;

/// <summary>The chart rendered once per values set and shared by every test.</summary>
public static class Renders
{
    public const string ProductionValues = "ci/production-values.yaml";

    /// <summary>The compose stack runs an OpenTelemetry collector; the chart leaves the endpoint to
    /// the cluster, so the comparison sets it the way compose does.</summary>
    public const string ComposeTelemetry = "telemetry.otlpEndpoint=http://otel-collector:4317";

    private static readonly Lazy<RenderedChart> DefaultRender = new(() => Helm.Template());
    private static readonly Lazy<RenderedChart> ProductionRender = new(() => Helm.Template(ProductionValues));
    /// <summary>Compose sends dispatch's e-mails to its development SMTP server (mailpit); the chart leaves the
    /// providers to the operator (services.dispatch.env and secretEnv), so the comparison sets them the way compose does.</summary>
    public static readonly string[] ComposeMail =
    [
        "services.dispatch.env.Dispatch__Providers__mail__Kind=email-smtp",
        "services.dispatch.env.Dispatch__Providers__mail__Host=mailpit",
        "services.dispatch.env.Dispatch__Providers__mail__Port=1025",
        "services.dispatch.env.Dispatch__Providers__mail__UseTls=false",
        "services.dispatch.env.Dispatch__Providers__mail__From=dev@streaming.local",
    ];

    private static readonly Lazy<RenderedChart> ComposeLikeRender = new(() => Helm.Template(null, [ComposeTelemetry, .. ComposeMail]));

    public static RenderedChart Default => DefaultRender.Value;

    public static RenderedChart Production => ProductionRender.Value;

    public static RenderedChart ComposeLike => ComposeLikeRender.Value;

    /// <summary>Theory data: the names of the values sets CI renders.</summary>
    public static TheoryData<string> ValuesSets => new() { "default", "production" };

    public static RenderedChart ByName(string valuesSet) => valuesSet switch
    {
        "default" => Default,
        "production" => Production,
        _ => throw new ArgumentOutOfRangeException(nameof(valuesSet), valuesSet, "default or production"),
    };
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.ServiceDefaults.Tests.Telemetry;

public sealed class ServiceMetrics_NamingTests
{
    [Fact]
    public void ServiceMetrics_publishes_instruments_as_streaming_service_name_on_the_one_meter()
    {
        var recorded = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == StreamingTelemetry.Name && instrument.Name.StartsWith("streaming.naming_test.", StringComparison.Ordinal))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => recorded.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.Start();

        var metrics = ServiceMetrics.For("naming_test");
        metrics.Counter("events.accepted", "{event}", "Events accepted").Add(3);

        Assert.Equal(3, recorded["streaming.naming_test.events.accepted"]);
    }

    [Theory]
    [InlineData("Gateway")]
    [InlineData("streaming.gateway")]
    [InlineData("")]
    public void ServiceMetrics_refuses_a_service_name_outside_the_scheme(string service)
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceMetrics.For(service));

        Assert.Contains("lower-case letters, digits and '_'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gateway.events.accepted")]
    [InlineData("streaming.gateway.events.accepted")]
    [InlineData("Events")]
    [InlineData("events..accepted")]
    public void ServiceMetrics_refuses_an_instrument_name_outside_the_scheme(string name)
    {
        var metrics = ServiceMetrics.For("gateway");

        var error = Assert.Throws<ArgumentException>(() => metrics.NameOf(name));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}

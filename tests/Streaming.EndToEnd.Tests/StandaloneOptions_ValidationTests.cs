using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests;

public sealed class StandaloneOptions_ValidationTests
{
    [Fact]
    public void StandaloneOptions_refuses_two_listeners_on_one_port_and_names_the_flags()
    {
        var error = Assert.Throws<ArgumentException>(() => StandaloneOptions.Parse(["--http-port", "9000", "--redis-port", "9000"]));

        Assert.Equal("--http-port and --redis-port use the same port 9000: give each listener its own port.", error.Message);
    }
}

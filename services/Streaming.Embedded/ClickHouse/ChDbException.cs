namespace Streaming.Embedded.ClickHouse;

/// <summary>Thrown by the direct chDB API when the engine refuses a statement.</summary>
public sealed class ChDbException(ClickHouseError error) : Exception(error.Text)
{
    public ClickHouseError Error { get; } = error;
}

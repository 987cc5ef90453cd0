using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// A topic stored as one row per message: a subclass names the table, its columns and the row of a
/// message. Tables are ReplacingMergeTree keyed by the message's own id, and each insert carries the
/// batch's offset-range token (<see cref="InsertBatchStep.TokenFor{T}"/>), so a replay stores nothing twice.
/// </summary>
internal abstract class RowSinkPipeline<T>(InsertBatchStep writer, string table, string[] columns) : IConsumerHandler<T>
{
    protected abstract object[] Row(T value);

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<T>> batch, CancellationToken cancellationToken)
    {
        var rows = new List<object[]>(batch.Count);
        foreach (var message in batch)
            rows.Add(Row(message.Value));
        await writer.InsertAsync(table, columns, rows, InsertBatchStep.TokenFor(batch), cancellationToken);
        return [.. batch.Select(_ => HandlerOutcome.Done)];
    }
}

using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Avro;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Options;

namespace Streaming.ServiceDefaults.Definitions;

/// <summary>
/// The live view of <c>config.definitions</c> (compacted): every process reads the whole topic at
/// start and follows it, so a definition written by the admin API reaches every service. Writes
/// go through <see cref="PutAsync"/>, which returns once this process has read its own write.
/// Consumers subscribe to <see cref="Changed"/> to reload live.
/// </summary>
public sealed class DefinitionStore : BackgroundService
{
    private readonly ConcurrentDictionary<string, DefinitionDocument> _documents = new();
    private readonly IEventProducer _producer;
    private readonly TopicSerdes _serdes;
    private readonly KafkaOptions _kafka;
    private readonly TimeProvider _time;
    private readonly ILogger<DefinitionStore> _logger;
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private long _position = -1;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DefinitionStore(IEventProducer producer, TopicSerdes serdes, IOptions<KafkaOptions> kafka, TimeProvider time, ILogger<DefinitionStore> logger)
    {
        _producer = producer;
        _serdes = serdes;
        _kafka = kafka.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised (on the reader thread) for every document read, deletions included.</summary>
    public event Action<DefinitionDocument>? Changed;

    /// <summary>Completes once the topic has been read up to where it was at start.</summary>
    public Task CaughtUp => _caughtUp.Task;

    public DefinitionDocument? Get(string tenant, string kind, string id) =>
        _documents.TryGetValue(DefinitionDocument.KeyOf(tenant, kind, id), out var document) && !document.Deleted ? document : null;

    public IReadOnlyList<DefinitionDocument> List(string kind, string? tenant = null) =>
        [.. _documents.Values.Where(d => d.Kind == kind && !d.Deleted && (tenant is null || d.Tenant == tenant)).OrderBy(d => d.Tenant).ThenBy(d => d.Id)];

    /// <summary>Writes a (validated) definition and waits until this store has read it back.</summary>
    public Task<DefinitionDocument> PutAsync(string tenant, string kind, string id, string body, string? updatedBy, CancellationToken cancellationToken = default) =>
        WriteAsync(tenant, kind, id, body, deleted: false, updatedBy, cancellationToken);

    public Task<DefinitionDocument> DeleteAsync(string tenant, string kind, string id, string? updatedBy, CancellationToken cancellationToken = default) =>
        WriteAsync(tenant, kind, id, "{}", deleted: true, updatedBy, cancellationToken);

    private async Task<DefinitionDocument> WriteAsync(string tenant, string kind, string id, string body, bool deleted, string? updatedBy, CancellationToken cancellationToken)
    {
        await CaughtUp.WaitAsync(cancellationToken);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var previous = _documents.GetValueOrDefault(DefinitionDocument.KeyOf(tenant, kind, id));
            var document = new DefinitionDocument
            {
                Tenant = tenant,
                Kind = kind,
                Id = id,
                Version = (previous?.Version ?? 0) + 1,
                Body = body,
                Deleted = deleted,
                UpdatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                UpdatedBy = updatedBy,
            };
            await _producer.ProduceAsync(TopicCatalog.ConfigDefinitions, document.Key, document, cancellationToken);
            while (!_documents.TryGetValue(document.Key, out var seen) || seen.Version < document.Version)
            {
                var advanced = Volatile.Read(ref _advanced).Task;
                if (_documents.TryGetValue(document.Key, out seen) && seen.Version >= document.Version)
                    break;
                await advanced.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            return document;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ReadLoop(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ReadLoop(CancellationToken stoppingToken)
    {
        // Plain assignment from the beginning, never a commit: the fixed group id only satisfies the
        // client, and no group is ever created on the broker (a group per start would leave orphans).
        var config = KafkaClientConfig.Consumer(_kafka, "streaming-definitions-reader", "definitions");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var topic = TopicCatalog.ConfigDefinitions;
        var partitions = Enumerable.Range(0, topic.Partitions).Select(p => new TopicPartitionOffset(topic.Name, p, Offset.Beginning)).ToList();
        consumer.Assign(partitions);
        var atEnd = new HashSet<int>();
        while (!stoppingToken.IsCancellationRequested)
        {
            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException ex)
            {
                _logger.LogWarning("Reading {Topic} failed: {Reason}", topic.Name, ex.Error.Reason);
                Thread.Sleep(500);
                continue;
            }
            if (result is null)
                continue;
            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                if (atEnd.Count == topic.Partitions && _caughtUp.TrySetResult())
                    _logger.LogInformation("Definitions loaded: {Count} documents", _documents.Count);
                continue;
            }
            Apply(result);
        }
    }

    private void Apply(ConsumeResult<byte[], byte[]> result)
    {
        DefinitionDocument document;
        try
        {
            document = _serdes.Deserialize(TopicCatalog.ConfigDefinitions, result.Message.Value);
        }
        catch (Exception ex) when (ex is InvalidDataException or Avro.AvroException)
        {
            var key = result.Message.Key is null ? "" : Encoding.UTF8.GetString(result.Message.Key);
            _logger.LogError("Skipping unreadable definition {Key} at offset {Offset}: {Error}", key, result.Offset.Value, ex.Message);
            return;
        }
        _documents[document.Key] = document;
        Interlocked.Exchange(ref _position, result.Offset.Value);
        try
        {
            Changed?.Invoke(document);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A definition listener failed on {Key} v{Version}", document.Key, document.Version);
        }
        Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

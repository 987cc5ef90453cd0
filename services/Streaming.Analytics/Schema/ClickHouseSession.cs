using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Analytics.Schema;

/// <summary>Opens ClickHouse connections for the analytics service (the one connection string, the one client for inserts).</summary>
public sealed class ClickHouseSession : IDisposable
{
    private readonly Lazy<ClickHouseClient> _client;

    public ClickHouseSession(IOptions<ClickHouseOptions> clickHouse, IOptions<AnalyticsOptions> analytics)
    {
        var connectionString = clickHouse.Value.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ClickHouse:ConnectionString (env ClickHouse__ConnectionString) is required by the analytics service, e.g. Host=clickhouse;Port=8123;Username=streaming;Password=...;Database=streaming.");
        // Parameters travel as form fields, as ClickHouse accepts them: a long value (an audience of
        // thousands of tags) never makes the URL too long (414).
        ConnectionString = new ClickHouseConnectionStringBuilder(connectionString) { UseFormDataParameters = true }.ConnectionString;
        Options = analytics.Value;
        _client = new Lazy<ClickHouseClient>(() => new ClickHouseClient(ConnectionString));
    }

    public string ConnectionString { get; }
    public AnalyticsOptions Options { get; }
    public string Database => Options.Database;
    public string BiDatabase => Options.BiDatabase;

    /// <summary>The long-lived client used for bulk inserts.</summary>
    public ClickHouseClient Client => _client.Value;

    /// <summary>
    /// A connection whose queries read <c>FINAL</c> one partition at a time
    /// (<c>do_not_merge_across_partitions_select_final</c>): two rows can only be duplicates when
    /// their sorting keys are equal, and every partitioned ReplacingMergeTree of the schema has its
    /// partition's column in its sorting key (events: month of <c>timestamp</c>, key has
    /// <c>toDate(timestamp)</c>), so duplicates always share a partition and a partition already
    /// merged into one part is read without merging. docs/analytics.md, "Reading with FINAL", has
    /// the measured difference; <c>Queries_DuplicateEvents</c> proves an event stored twice still counts once.
    /// </summary>
    public ClickHouseConnection Connect()
    {
        var connection = new ClickHouseConnection(ConnectionString);
        connection.CustomSettings["do_not_merge_across_partitions_select_final"] = 1;
        return connection;
    }

    /// <summary>Every row of a query whose values are all parameters (<see cref="Queries.SqlParameters"/>).</summary>
    internal async IAsyncEnumerable<object[]> RowsAsync(Queries.SqlParameters p, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = Connect();
        using var command = p.Command(connection, sql);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            yield return row;
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.Analytics.Queries;
using Streaming.Analytics.Schema;
using Streaming.ServiceDefaults.Options;

namespace Streaming.Journeys.History;

/// <summary>
/// The ClickHouse history that backtests and scheduled audiences read, through analytics' own
/// session (database, FINAL settings) and condition compiler (<see cref="TagConditionSql"/>). ClickHouse
/// is optional for journeys: without <c>ClickHouse:ConnectionString</c> those two features answer
/// that it is missing, and everything else runs.
/// </summary>
public sealed class JourneyHistory(IOptions<ClickHouseOptions> clickHouse, IServiceProvider services)
{
    public bool Configured => !string.IsNullOrWhiteSpace(clickHouse.Value.ConnectionString);

    public const string NotConfigured = "ClickHouse:ConnectionString (env ClickHouse__ConnectionString) is not set for the journeys service; backtests and scheduled audiences read history from ClickHouse.";

    private ClickHouseSession Session => services.GetRequiredService<ClickHouseSession>();

    internal string Database => Session.Database;

    /// <summary>Every row of a query whose values are all parameters.</summary>
    internal IAsyncEnumerable<object[]> RowsAsync(SqlParameters p, string sql, CancellationToken cancellationToken) =>
        Session.RowsAsync(p, sql, cancellationToken);
}

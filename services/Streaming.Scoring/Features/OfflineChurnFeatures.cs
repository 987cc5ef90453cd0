using System.Globalization;
using ClickHouse.Driver.ADO;
using Streaming.Analytics.Queries;

namespace Streaming.Scoring.Features;

/// <summary>One person's features as of a cut.</summary>
public sealed record PersonFeatures(long PersonId, float[] Vector);

/// <summary>
/// The churn features of every person who ordered at or before a cut, computed from ClickHouse
/// history (<see cref="ChurnFeatures"/>): only events with a timestamp at or before the cut are
/// read, so nothing after the cut can leak into a training example. Persons are resolved through
/// merges as every analytics query is. Every value reaches ClickHouse as a query parameter.
/// </summary>
public sealed class OfflineChurnFeatures(string connectionString, string database)
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public async Task<IReadOnlyList<PersonFeatures>> AsOfAsync(string tenant, DateTimeOffset cut, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var cutMs = cut.ToUnixTimeMilliseconds();
        var today = p.Int64(ChurnFeatures.Day(cutMs));
        var order = p.String(ChurnFeatures.OrderCompleted);
        // ResolvedEvents reads [from, to): one millisecond past the cut keeps the cut itself.
        var events = ResolvedEvents.Sql(database, p, tenant, Epoch, cut.AddMilliseconds(1));
        var sql = $"""
            SELECT pid,
                countIf(event = {order}) AS orders_total,
                minIf(ms, event = {order}) AS first_order,
                maxIf(ms, event = {order}) AS last_order,
                min(ms) AS first_seen,
                max(ms) AS last_seen,
                countIf(event = {order} AND day > {today} - 30) AS orders_30d,
                countIf(event = {order} AND day > {today} - 90) AS orders_90d,
                sumIf(revenue, event = {order}) AS revenue_total,
                sumIf(revenue, event = {order} AND day > {today} - 30) AS revenue_30d,
                sumIf(revenue, event = {order} AND day > {today} - 90) AS revenue_90d,
                uniqExactIf(day, day > {today} - 7) AS active_7d,
                uniqExactIf(day, day > {today} - 28) AS active_28d,
                countIf(event = {p.String(ChurnFeatures.OrderRefunded)}) AS refunds,
                countIf(event IN {p.Strings(ChurnFeatures.EngagementEvents)} AND day > {today} - 90) AS engagement_90d,
                maxIf(ms, event = {p.String(ChurnFeatures.ProductAdded)}) > maxIf(ms, event IN ({order}, {p.String(ChurnFeatures.CartCleared)})) AS open_cart
            FROM (SELECT pid, event, toUnixTimestamp64Milli(ts) AS ms, intDiv(ms, {p.Int64(ChurnFeatures.MsPerDay)}) AS day,
                         JSONExtractFloat(properties, 'revenue') AS revenue
                  FROM {events})
            GROUP BY pid
            HAVING orders_total > 0
            ORDER BY pid
            """;
        using var connection = Connect();
        using var command = p.Command(connection, sql);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var persons = new List<PersonFeatures>();
        while (reader.Read())
        {
            double At(int i) => Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
            long Ms(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            var vector = new float[ChurnFeatures.Count];
            var (firstOrder, lastOrder, firstSeen, lastSeen) = (Ms(2), Ms(3), Ms(4), Ms(5));
            vector[ChurnFeatures.OrdersTotal] = (float)At(1);
            vector[ChurnFeatures.DaysSinceLastOrder] = ChurnFeatures.DaysBetween(lastOrder, cutMs);
            vector[ChurnFeatures.DaysSinceLastVisit] = ChurnFeatures.DaysBetween(lastSeen, cutMs);
            vector[ChurnFeatures.TenureDays] = ChurnFeatures.DaysBetween(firstSeen, cutMs);
            vector[ChurnFeatures.Orders30d] = (float)At(6);
            vector[ChurnFeatures.Orders90d] = (float)At(7);
            vector[ChurnFeatures.RevenueTotal] = (float)At(8);
            vector[ChurnFeatures.Revenue30d] = (float)At(9);
            vector[ChurnFeatures.Revenue90d] = (float)At(10);
            vector[ChurnFeatures.ActiveDays7d] = (float)At(11);
            vector[ChurnFeatures.ActiveDays28d] = (float)At(12);
            vector[ChurnFeatures.Refunds] = (float)At(13);
            vector[ChurnFeatures.Engagement90d] = (float)At(14);
            vector[ChurnFeatures.OpenCart] = (float)At(15);
            ChurnFeatures.Derive(vector, firstOrder, lastOrder);
            persons.Add(new PersonFeatures(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), vector));
        }
        return persons;
    }

    /// <summary>The persons with an order in (<paramref name="cut"/>, <paramref name="cut"/> + <paramref name="horizon"/>]: the ones who did not churn.</summary>
    public async Task<HashSet<long>> OrderedWithinAsync(string tenant, DateTimeOffset cut, TimeSpan horizon, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        var events = ResolvedEvents.Sql(database, p, tenant, cut.AddMilliseconds(1), cut.Add(horizon).AddMilliseconds(1), [ChurnFeatures.OrderCompleted]);
        using var connection = Connect();
        using var command = p.Command(connection, $"SELECT DISTINCT pid FROM {events}");
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var persons = new HashSet<long>();
        while (reader.Read())
            persons.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        return persons;
    }

    /// <summary>The first and last event time of the tenant (null when it has none): the defaults for the cuts.</summary>
    public async Task<(DateTimeOffset First, DateTimeOffset Last)?> HistoryAsync(string tenant, CancellationToken cancellationToken)
    {
        var p = new SqlParameters();
        using var connection = Connect();
        using var command = p.Command(connection, $"SELECT count(), toUnixTimestamp64Milli(min(timestamp)), toUnixTimestamp64Milli(max(timestamp)) FROM {database}.events WHERE tenant = {p.String(tenant)}");
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!reader.Read() || Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) == 0)
            return null;
        return (DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)));
    }

    private ClickHouseConnection Connect()
    {
        var builder = new ClickHouseConnectionStringBuilder(connectionString) { UseFormDataParameters = true };
        var connection = new ClickHouseConnection(builder.ConnectionString);
        connection.CustomSettings["do_not_merge_across_partitions_select_final"] = 1;
        return connection;
    }
}

using System.Text.Json;
using Streaming.Conditions.Model;

namespace Streaming.Analytics.Queries;

/// <summary>
/// <c>persons</c> of trends, funnel, retention and paths: a condition of the tag language
/// (docs/conditions.md; a bare condition or <c>{"timeZone": .., "condition": ..}</c>) that a person
/// must satisfy, over their whole history as of the query's <c>to</c>, for their events to count.
/// Compiled by <see cref="TagConditionSql"/> into the query (every value a parameter). "Identified
/// persons only" is <c>{"metric": {"fn": "count", "event": {"where": [{"path": "$userId", "op": "exists"}]}}, "op": "gte", "value": 1}</c>.
/// </summary>
internal static class PersonsFilter
{
    private const string Field = "persons";

    /// <summary>What is wrong with the filter (parse errors with their paths, or a part with no SQL form); null when it is fine or absent.</summary>
    public static string? Problem(JsonElement node, DateTimeOffset asOf)
    {
        var (document, problem) = Parse(node);
        return problem ?? (document is null ? null : TagConditionSql.Compile(document, new SqlParameters(), "db", "tenant", asOf, Field).Problem);
    }

    /// <summary>SELECT person_id of the persons the filter keeps, or null when there is no filter.</summary>
    public static string? Sql(JsonElement node, SqlParameters p, string database, string tenant, DateTimeOffset asOf)
    {
        var (document, problem) = Parse(node);
        if (document is null)
            return null;
        var (sql, unsupported) = TagConditionSql.Compile(document, p, database, tenant, asOf, Field);
        // Problem() refused these before the query was built.
        return sql ?? throw new InvalidOperationException(problem ?? unsupported);
    }

    private static (ConditionDocument? Document, string? Problem) Parse(JsonElement node) => ConditionJson.Read(node, Field);
}

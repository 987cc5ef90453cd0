using System.Globalization;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;

namespace Streaming.Analytics.Queries;

/// <summary>
/// Collects the values of one query. Every value a caller sends reaches ClickHouse as a typed
/// query parameter (<c>{p0:String}</c>), never as SQL text; only identifiers the service owns
/// (database and table names) are written into the SQL.
/// </summary>
internal sealed class SqlParameters
{
    private readonly List<(string Name, object Value)> _values = [];

    public string String(string value) => Add(value, "String");
    public string Int64(long value) => Add(value, "Int64");
    public string UInt64(ulong value) => Add(value, "UInt64");
    public string Float64(double value) => Add(value, "Float64");
    public string Strings(IReadOnlyList<string> value) => Add(value.ToArray(), "Array(String)");

    /// <summary>A UTC instant as <c>DateTime64(3, 'UTC')</c>.</summary>
    public string Time(DateTimeOffset value) => $"fromUnixTimestamp64Milli({Int64(value.ToUnixTimeMilliseconds())}, 'UTC')";

    public ClickHouseCommand Command(ClickHouseConnection connection, string sql)
    {
        var command = connection.CreateCommand(sql);
        foreach (var (name, value) in _values)
            command.AddParameter(name, value);
        return command;
    }

    private string Add(object value, string type)
    {
        var name = "p" + _values.Count.ToString(CultureInfo.InvariantCulture);
        _values.Add((name, value));
        return "{" + name + ":" + type + "}";
    }
}

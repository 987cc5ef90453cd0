using System.Globalization;
using System.Text.Json.Nodes;
using Streaming.Contracts;

namespace Streaming.Cli.Import;

/// <summary>
/// A general event file: one event per CSV line, columns mapped by name. Every column not mapped
/// becomes a string property. Without a messageId column, the id is derived from the file name
/// and the line's content, so re-importing the same file is deduplicated.
/// </summary>
internal sealed record CsvMapping(string? EventColumn, string? EventName, string? UserColumn, string? AnonymousColumn, string TimestampColumn, string? MessageIdColumn)
{
    public IEnumerable<(JsonObject Event, int Lines)> Events(CsvReader csv, string fileName)
    {
        using var rows = csv.Rows().GetEnumerator();
        if (!rows.MoveNext())
            throw new ImportException("The file is empty: the first line must name the columns.");
        var header = rows.Current;
        int Index(string? column, string option) =>
            column is null ? -1 : Array.IndexOf(header, column) is var i and >= 0 ? i
                : throw new ImportException($"{option} '{column}' is not a column of the file (columns: {string.Join(", ", header)}).");
        var eventIndex = Index(EventColumn, "--event-column");
        var userIndex = Index(UserColumn, "--user-column");
        var anonymousIndex = Index(AnonymousColumn, "--anonymous-column");
        var timeIndex = Index(TimestampColumn, "--timestamp-column");
        var idIndex = Index(MessageIdColumn, "--message-id-column");
        var mapped = new HashSet<int> { eventIndex, userIndex, anonymousIndex, timeIndex, idIndex };
        var line = 1;
        while (rows.MoveNext())
        {
            line++;
            var row = rows.Current;
            if (row.Length != header.Length)
                throw new ImportException($"Line {line}: expected {header.Length} columns, found {row.Length}.");
            if (!DateTimeOffset.TryParse(row[timeIndex], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                throw new ImportException($"Line {line}: {TimestampColumn} '{row[timeIndex]}' is not a date/time (use ISO 8601).");
            var properties = new JsonObject();
            for (var i = 0; i < header.Length; i++)
            {
                if (!mapped.Contains(i))
                    properties[header[i]] = row[i];
            }

            var e = new JsonObject
            {
                ["type"] = "track",
                ["event"] = eventIndex >= 0 ? row[eventIndex] : EventName,
                ["messageId"] = idIndex >= 0 ? row[idIndex] : DeterministicId.From("csv-import", fileName, string.Join('\u001f', row)),
                ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture),
                ["properties"] = properties,
            };
            if (userIndex >= 0 && row[userIndex].Length > 0)
                e["userId"] = row[userIndex];
            if (anonymousIndex >= 0 && row[anonymousIndex].Length > 0)
                e["anonymousId"] = row[anonymousIndex];
            if (e["userId"] is null && e["anonymousId"] is null)
                throw new ImportException($"Line {line}: no user id or anonymous id (map --user-column and/or --anonymous-column).");
            yield return (e, 1);
        }
    }
}

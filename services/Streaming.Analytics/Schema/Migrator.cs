using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Utility;
using Microsoft.Extensions.Logging;

namespace Streaming.Analytics.Schema;

/// <summary>
/// Versioned SQL migrations (embedded <c>Schema/Migrations/NNNN_name.sql</c>), applied in order and
/// recorded in <c>{db}.schema_migrations</c>. Every statement is idempotent (IF NOT EXISTS / OR
/// REPLACE), so two migrators racing, or a migration interrupted half way, converge.
/// </summary>
public sealed class Migrator(ClickHouseSession session, ILogger<Migrator> logger)
{
    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)))[..16];
    }

    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <summary>Applies the migrations not yet recorded; returns the versions applied now.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var options = session.Options;
        using var connection = session.Connect();
        await connection.ExecuteStatementAsync($"CREATE DATABASE IF NOT EXISTS {options.Database}");
        await connection.ExecuteStatementAsync($"CREATE DATABASE IF NOT EXISTS {options.BiDatabase}");
        await connection.ExecuteStatementAsync(
            $"CREATE TABLE IF NOT EXISTS {options.Database}.schema_migrations (version UInt32, name String, checksum String, applied_at DateTime DEFAULT now()) ENGINE = ReplacingMergeTree ORDER BY version");

        var applied = new HashSet<int>();
        using (var reader = await connection.ExecuteReaderAsync($"SELECT DISTINCT version FROM {options.Database}.schema_migrations"))
        {
            while (reader.Read())
                applied.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        var done = new List<int>();
        foreach (var migration in All.Where(m => !applied.Contains(m.Version)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var statement in Statements(Render(migration.Sql, options)))
                await connection.ExecuteStatementAsync(statement);
            using var record = connection.CreateCommand(
                $"INSERT INTO {options.Database}.schema_migrations (version, name, checksum) VALUES ({{version:UInt32}}, {{name:String}}, {{checksum:String}})");
            record.AddParameter("version", (uint)migration.Version);
            record.AddParameter("name", migration.Name);
            record.AddParameter("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("ClickHouse migration {Version} {Name} applied", migration.Version, migration.Name);
            done.Add(migration.Version);
        }
        return done;
    }

    /// <summary>Fills the placeholders: database names (validated identifiers) and the events TTL.</summary>
    internal static string Render(string sql, AnalyticsOptions options)
    {
        if (!AnalyticsOptions.IsIdentifier(options.Database) || !AnalyticsOptions.IsIdentifier(options.BiDatabase))
            throw new InvalidOperationException("Analytics:Database and Analytics:BiDatabase must be plain identifiers (letters, digits, '_').");
        return sql.Replace("{db}", options.Database, StringComparison.Ordinal)
            .Replace("{bi}", options.BiDatabase, StringComparison.Ordinal)
            .Replace("{ttl_days}", options.EventsTtlDays.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Splits a script on semicolons that end a line; comment lines are dropped.</summary>
    internal static IEnumerable<string> Statements(string script)
    {
        var current = new StringBuilder();
        foreach (var raw in script.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("--", StringComparison.Ordinal))
                continue;
            current.AppendLine(line);
            if (line.EndsWith(';'))
            {
                var statement = current.ToString().Trim().TrimEnd(';');
                current.Clear();
                if (statement.Length > 0)
                    yield return statement;
            }
        }
        if (current.ToString().Trim() is { Length: > 0 } rest)
            yield return rest;
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n["Migrations.".Length..^".sql".Length];
                var underscore = file.IndexOf('_', StringComparison.Ordinal);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Migration(int.Parse(file[..underscore], CultureInfo.InvariantCulture), file[(underscore + 1)..], reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }
}

using Streaming.ServiceDefaults.Registration;

namespace Streaming.Analytics.Schema;

/// <summary><c>migrate</c>: applies the ClickHouse migrations and exits (the Helm pre-install/upgrade job, docker-compose clickhouse-migrate).</summary>
public sealed class MigrateJob(Migrator migrator) : IOneShotJob
{
    public const string Command = "migrate";

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var applied = await migrator.MigrateAsync(cancellationToken);
        await output.WriteLineAsync(applied.Count == 0 ? "ClickHouse schema is up to date." : $"Applied migrations: {string.Join(", ", applied)}.");
        return OneShotJobs.Succeeded;
    }
}

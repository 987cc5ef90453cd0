namespace Streaming.ServiceDefaults.Registration;

/// <summary>
/// A deployment job a service's executable runs instead of serving, then exits (<c>create-topics</c>,
/// <c>migrate</c>): the command is the first argument. Expected failures (Kafka did not answer) are an
/// exit code with a line saying why, written to <c>output</c>; exceptions are for the unexpected.
/// </summary>
public interface IOneShotJob
{
    /// <summary>Returns the process exit code: <see cref="OneShotJobs.Succeeded"/> or <see cref="OneShotJobs.Failed"/>.</summary>
    Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken);
}

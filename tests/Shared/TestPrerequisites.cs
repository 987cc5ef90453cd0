namespace Streaming.Tests.Helpers;

/// <summary>
/// What some tests need from the machine besides the .NET SDK (redis-server, chromium). On a
/// developer's machine a missing one skips those tests with a reason that says how to install
/// it; under CI (<c>CI=true</c>, which .ci/run and CI services set) a missing one fails them
/// instead, so a green run never hides scenarios that did not run.
/// </summary>
public static class TestPrerequisites
{
    /// <summary>Environment variable that turns a missing prerequisite from a skip into a failure.</summary>
    public const string CiVariable = "CI";

    public static bool Enforced =>
        Environment.GetEnvironmentVariable(CiVariable)?.Trim().ToLowerInvariant() is "true" or "1";

    /// <summary>
    /// Null when the prerequisite is there, or when CI enforces it (the test then runs and fails
    /// with <paramref name="missing"/>); otherwise the reason the test is skipped.
    /// </summary>
    public static string? SkipReason(bool present, string missing) =>
        present || Enforced ? null : $"{missing} (skipped on this machine; under {CiVariable}=true this is a failure)";
}

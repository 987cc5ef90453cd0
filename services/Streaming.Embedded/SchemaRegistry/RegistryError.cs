namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// A refused request as Confluent Schema Registry reports it: an HTTP status and the registry's own
/// <c>error_code</c> (clients branch on the code, e.g. 40401 vs 40403), with a message saying what to fix.
/// </summary>
public sealed record RegistryError(int Status, int ErrorCode, string Message)
{
    // The registry's codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors).
    public const int SubjectNotFoundCode = 40401;
    public const int VersionNotFoundCode = 40402;
    public const int SchemaNotFoundCode = 40403;
    public const int SubjectSoftDeletedCode = 40404;
    public const int SubjectNotSoftDeletedCode = 40405;
    public const int VersionSoftDeletedCode = 40406;
    public const int VersionNotSoftDeletedCode = 40407;
    public const int SubjectCompatibilityNotConfiguredCode = 40408;
    public const int IncompatibleSchemaCode = 40901;
    public const int InvalidSchemaCode = 42201;
    public const int InvalidVersionCode = 42202;
    public const int InvalidCompatibilityLevelCode = 42203;
    public const int InvalidSubjectCode = 42208;
    public const int SchemaTooLargeCode = 42209;

    public static RegistryError SubjectNotFound(string subject) => new(404, SubjectNotFoundCode, $"Subject '{subject}' not found.");

    public static RegistryError VersionNotFound(int version) => new(404, VersionNotFoundCode, $"Version {version} not found.");

    public static RegistryError SchemaNotFound(string what) => new(404, SchemaNotFoundCode, what);

    public static RegistryError SubjectSoftDeleted(string subject) => new(404, SubjectSoftDeletedCode,
        $"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently");

    public static RegistryError SubjectNotSoftDeleted(string subject) => new(404, SubjectNotSoftDeletedCode,
        $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryError VersionSoftDeleted(string subject, int version) => new(404, VersionSoftDeletedCode,
        $"Subject '{subject}' Version {version} was soft deleted. Set permanent=true to delete permanently");

    public static RegistryError VersionNotSoftDeleted(string subject, int version) => new(404, VersionNotSoftDeletedCode,
        $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryError SubjectCompatibilityNotConfigured(string subject) => new(404, SubjectCompatibilityNotConfiguredCode,
        $"Subject '{subject}' does not have subject-level compatibility configured; ask with ?defaultToGlobal=true for the global level");

    public static RegistryError Incompatible(string subject, IEnumerable<string> problems) => new(409, IncompatibleSchemaCode,
        $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join("; ", problems)}]");

    public static RegistryError InvalidSchema(string why) => new(422, InvalidSchemaCode, "Invalid schema " + why);

    public static RegistryError InvalidVersion(string given) => new(422, InvalidVersionCode,
        $"The specified version '{given}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryError InvalidCompatibilityLevel(string? given) => new(422, InvalidCompatibilityLevelCode,
        $"Invalid compatibility level '{given}'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");

    public static RegistryError InvalidSubject(string subject, string why) => new(422, InvalidSubjectCode,
        $"The specified subject '{subject}' is not a valid: {why}.");

    public static RegistryError SchemaTooLarge(int limit) => new(422, SchemaTooLargeCode,
        $"The request body is larger than {limit >> 10} KiB; a schema must fit in it.");

    /// <summary>A body that is not the JSON the route takes (the registry answers a parse failure with 400/400 too).</summary>
    public static RegistryError BadRequest(string why) => new(400, 400, why);
}

namespace Streaming.Contracts.Avro;

/// <summary>Error codes of the Schema Registry REST API that the start check tells apart.</summary>
public static class SchemaRegistryErrors
{
    public const int SubjectNotFound = 40401;
    public const int VersionNotFound = 40402;
    public const int SchemaNotFound = 40403;
    public const int IncompatibleSchema = 409;
}

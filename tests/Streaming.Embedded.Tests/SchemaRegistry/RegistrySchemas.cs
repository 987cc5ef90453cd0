namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Avro schemas of one record in the versions the tests register.</summary>
public static class RegistrySchemas
{
    public const string UserV1 = """{"type":"record","name":"User","namespace":"test","fields":[{"name":"id","type":"string"}]}""";

    /// <summary>V1 plus a field with a default: readers of V2 read V1's data (backward compatible).</summary>
    public const string UserV2 = """{"type":"record","name":"User","namespace":"test","fields":[{"name":"id","type":"string"},{"name":"plan","type":"string","default":"free"}]}""";

    /// <summary>V1 plus a field without a default: V3 cannot read V1's data (backward incompatible).</summary>
    public const string UserV3Incompatible = """{"type":"record","name":"User","namespace":"test","fields":[{"name":"id","type":"string"},{"name":"age","type":"int"}]}""";

    /// <summary>V1 with the id's type changed from string to long.</summary>
    public const string UserIdAsLong = """{"type":"record","name":"User","namespace":"test","fields":[{"name":"id","type":"long"}]}""";

    /// <summary>V1 plus a field with a default; readers of V3 cannot read its data (no age).</summary>
    public const string UserWithNickname = """{"type":"record","name":"User","namespace":"test","fields":[{"name":"id","type":"string"},{"name":"nickname","type":"string","default":""}]}""";

    public const string Order = """{"type":"record","name":"Order","namespace":"test","fields":[{"name":"orderId","type":"string"},{"name":"total","type":"double"}]}""";
}

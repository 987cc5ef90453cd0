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

    /// <summary>A record with fixed, enum, map, array and logical types (the sample check cannot fill those in).</summary>
    public const string Payment = """{"type":"record","name":"Payment","namespace":"test","fields":[{"name":"hash","type":{"type":"fixed","name":"Hash","size":16}},{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"state","type":{"type":"enum","name":"State","symbols":["OPEN","PAID"]}},{"name":"tags","type":{"type":"map","values":{"type":"array","items":"string"}}}]}""";

    /// <summary>Payment with an enum symbol removed: data with PAID cannot be read.</summary>
    public const string PaymentWithoutPaid = """{"type":"record","name":"Payment","namespace":"test","fields":[{"name":"hash","type":{"type":"fixed","name":"Hash","size":16}},{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"state","type":{"type":"enum","name":"State","symbols":["OPEN"]}},{"name":"tags","type":{"type":"map","values":{"type":"array","items":"string"}}}]}""";

    /// <summary>A recursive record (a linked list).</summary>
    public const string Node = """{"type":"record","name":"Node","namespace":"test","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}""";

    /// <summary>Node plus a field with a default.</summary>
    public const string NodeV2 = """{"type":"record","name":"Node","namespace":"test","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null},{"name":"label","type":"string","default":""}]}""";
}

using System.Globalization;
using System.Text.Json;

namespace Streaming.Conditions.Model;

public enum ScalarKind { Number, String, Boolean }

/// <summary>
/// A value the language compares: a number (decimal, exact), a string or a boolean. Missing and
/// JSON null are represented by a null <c>Scalar?</c>; JSON objects and arrays are not scalars
/// (they only satisfy <c>exists</c>). Times are numbers: epoch milliseconds UTC.
/// </summary>
public readonly record struct Scalar
{
    private Scalar(ScalarKind kind, decimal number, string? text, bool boolean)
    {
        Kind = kind;
        Number = number;
        Text = text;
        Boolean = boolean;
    }

    public ScalarKind Kind { get; }
    public decimal Number { get; }
    public string? Text { get; }
    public bool Boolean { get; }

    public static Scalar Of(decimal number) => new(ScalarKind.Number, number, null, false);
    public static Scalar Of(long number) => new(ScalarKind.Number, number, null, false);
    public static Scalar Of(string text) => new(ScalarKind.String, 0, text, false);
    public static Scalar Of(bool boolean) => new(ScalarKind.Boolean, 0, null, boolean);

    /// <summary>The scalar of a JSON value: null for JSON null, objects, arrays and numbers outside decimal range.</summary>
    public static Scalar? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.TryGetDecimal(out var d) ? Of(d) : null,
        JsonValueKind.String => Of(element.GetString()!),
        JsonValueKind.True => Of(true),
        JsonValueKind.False => Of(false),
        _ => null,
    };

    public bool IsNumber => Kind == ScalarKind.Number;

    /// <summary>Equal when of the same kind and value (numbers by value: 1 equals 1.0).</summary>
    public bool ValueEquals(Scalar other) => Kind == other.Kind && Kind switch
    {
        ScalarKind.Number => Number == other.Number,
        ScalarKind.String => string.Equals(Text, other.Text, StringComparison.Ordinal),
        _ => Boolean == other.Boolean,
    };

    /// <summary>Order of two numbers or two strings (ordinal); null when they cannot be ordered.</summary>
    public int? CompareTo(Scalar other) => (Kind, other.Kind) switch
    {
        (ScalarKind.Number, ScalarKind.Number) => Number.CompareTo(other.Number),
        (ScalarKind.String, ScalarKind.String) => Math.Sign(string.CompareOrdinal(Text, other.Text)),
        _ => null,
    };

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ScalarKind.Number: writer.WriteNumberValue(Number); break;
            case ScalarKind.String: writer.WriteStringValue(Text); break;
            default: writer.WriteBooleanValue(Boolean); break;
        }
    }

    public override string ToString() => Kind switch
    {
        ScalarKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        ScalarKind.String => JsonSerializer.Serialize(Text),
        _ => Boolean ? "true" : "false",
    };
}

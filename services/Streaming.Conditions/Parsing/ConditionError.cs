namespace Streaming.Conditions.Parsing;

/// <summary>One thing wrong with a document: where (a JSON path such as <c>condition.all[1].metric.window</c>) and what to do.</summary>
public sealed record ConditionError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A parsed value, or the errors that prevented it.</summary>
public sealed record ParseResult<T>(T? Value, IReadOnlyList<ConditionError> Errors) where T : class
{
    public bool IsValid => Value is not null && Errors.Count == 0;

    /// <summary>The value, or an exception listing every error (for documents that must be valid, such as built-in packs).</summary>
    public T GetValueOrThrow() => IsValid
        ? Value!
        : throw new FormatException("Invalid condition document: " + string.Join("; ", Errors));
}

namespace Streaming.ServiceDefaults.Pipeline;

/// <summary>
/// One step of a pipeline that handles one item at a time, named <c>&lt;Verb&gt;&lt;Noun&gt;Step</c>
/// (<c>ValidateEventStep</c>, <c>HashPiiStep</c>). It works on <paramref name="item"/> (and may change
/// it) with what the whole request or batch shares in <paramref name="scope"/>. Steps that need
/// the whole batch at once (a Redis script per batch, one bulk insert) are plain classes with the
/// same name rule and the same <see cref="StepResult"/>, called in order by their pipeline.
/// </summary>
public interface IPipelineStep<in TItem, in TScope>
{
    StepResult Run(TItem item, TScope scope);
}

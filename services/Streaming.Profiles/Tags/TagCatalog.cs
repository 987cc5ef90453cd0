using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;
using Streaming.Profiles.Metrics;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Profiles.Tags;

/// <summary>A tag definition ready to evaluate: parsed, with the series each of its metrics reads.</summary>
public sealed record CompiledTag(string Id, long Version, TagDefinition Definition, IReadOnlyDictionary<EventMetric, MetricSource> Sources);

/// <summary>The active tags of one tenant and the dedicated series they need.</summary>
public sealed record TenantTags
{
    public TenantTags(string tenant, IReadOnlyList<CompiledTag> tags, IReadOnlyList<SlotSpec> dedicatedSlots)
    {
        Tenant = tenant;
        Tags = tags;
        DedicatedSlots = dedicatedSlots;
        // One table of the distinct metrics (by source key) of all tags: each is computed once per evaluation.
        var metrics = new List<TenantMetric>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        int IndexOf(CompiledTag tag, EventMetric metric)
        {
            var source = tag.Sources[metric];
            if (!byKey.TryGetValue(source.Key, out var index))
            {
                byKey[source.Key] = index = metrics.Count;
                metrics.Add(new TenantMetric(metric, source));
            }
            return index;
        }
        var checks = new List<Func<TagEvaluation, bool>>(tags.Count);
        var ago = new List<(Func<TagEvaluation, Scalar?>, TimeSpan)>();
        var timeDependent = new SortedSet<int>();
        foreach (var tag in tags)
        {
            checks.Add(CompiledCondition.Compile(tag.Definition.Condition, m => IndexOf(tag, m)));
            foreach (var metric in tag.Sources.Keys.Where(m => m.DependsOnTime))
                timeDependent.Add(IndexOf(tag, metric));
            foreach (var (metric, duration) in AgoComparisonsOf(tag.Definition.Condition))
                ago.Add((CompiledCondition.Value(metric, m => IndexOf(tag, m)), duration));
        }
        Metrics = metrics;
        Checks = checks;
        TimeDependentMetrics = [.. timeDependent];
        AgoComparisons = ago;
        Ids = tags.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        IsTimeDependent = TimeDependentMetrics.Count > 0 || AgoComparisons.Count > 0;
    }

    public string Tenant { get; }
    public IReadOnlyList<CompiledTag> Tags { get; }
    public IReadOnlyList<SlotSpec> DedicatedSlots { get; }

    /// <summary>The distinct event metrics the tags read; <see cref="TagEvaluation"/> caches their values by index.</summary>
    public IReadOnlyList<TenantMetric> Metrics { get; }

    /// <summary>The compiled condition of each tag, in the order of <see cref="Tags"/>.</summary>
    public IReadOnlyList<Func<TagEvaluation, bool>> Checks { get; }

    /// <summary>Indexes of the metrics whose value can change with the passing of time alone (windows, daysSince, hoursSince).</summary>
    public IReadOnlyList<int> TimeDependentMetrics { get; }

    /// <summary>Every metric compared with an <c>ago</c> operand, and the duration.</summary>
    public IReadOnlyList<(Func<TagEvaluation, Scalar?> Value, TimeSpan Ago)> AgoComparisons { get; }

    public IReadOnlySet<string> Ids { get; }

    /// <summary>True when some tag can change with the passing of time alone (windows, daysSince, hoursSince, ago): profiles then need timers.</summary>
    public bool IsTimeDependent { get; }

    private static IEnumerable<(Metric Metric, TimeSpan Ago)> AgoComparisonsOf(Condition condition) => condition switch
    {
        AllCondition all => all.Conditions.SelectMany(AgoComparisonsOf),
        AnyCondition any => any.Conditions.SelectMany(AgoComparisonsOf),
        NotCondition not => AgoComparisonsOf(not.Condition),
        MetricCondition m => m.Operands.OfType<AgoOperand>().Select(a => (m.Metric, a.Duration)),
        _ => [],
    };

    public static TenantTags Empty(string tenant) => new(tenant, [], []);
}

/// <summary>
/// The live view of the tag definitions (kind <c>tag</c> on config.definitions), compiled per
/// tenant. A definition that no longer parses (written by an older version, say) is skipped with
/// an error log, never half-applied.
/// </summary>
public sealed class TagCatalog
{
    public const string Kind = "tag";

    private readonly DefinitionStore _store;
    private readonly ILogger<TagCatalog> _logger;
    private readonly ConcurrentDictionary<string, (long Generation, TenantTags Tags)> _byTenant = new(StringComparer.Ordinal);
    // Bumped on every tag change: a compile that raced with a change is never served afterwards.
    private long _generation;

    public TagCatalog(DefinitionStore store, ILogger<TagCatalog> logger)
    {
        _store = store;
        _logger = logger;
        _store.Changed += OnChanged;
    }

    /// <summary>Raised after a tag definition of a tenant changed (added, changed or deleted).</summary>
    public event Action<DefinitionDocument>? TagChanged;

    public Task Loaded => _store.CaughtUp;

    public TenantTags For(string tenant)
    {
        var generation = Interlocked.Read(ref _generation);
        if (_byTenant.TryGetValue(tenant, out var cached) && cached.Generation == generation)
            return cached.Tags;
        var compiled = Compile(tenant);
        _byTenant[tenant] = (generation, compiled);
        return compiled;
    }

    private void OnChanged(DefinitionDocument document)
    {
        if (document.Kind != Kind)
            return;
        Interlocked.Increment(ref _generation);
        TagChanged?.Invoke(document);
    }

    private TenantTags Compile(string tenant) =>
        Compile(tenant, _store.List(Kind, tenant).Select(d => (d.Id, d.Version, d.Body)), (id, version, errors) =>
            _logger.LogError("Tag definition {Tenant}/{Id} v{Version} is invalid and is skipped: {Errors}", tenant, id, version, errors));

    /// <summary>Compiles tag definitions (id, version, JSON body); invalid ones are reported and skipped.</summary>
    public static TenantTags Compile(string tenant, IEnumerable<(string Id, long Version, string Body)> definitions, Action<string, long, string>? invalid = null)
    {
        var tags = new List<CompiledTag>();
        var dedicated = new Dictionary<string, SlotSpec>(StringComparer.Ordinal);
        foreach (var (id, version, body) in definitions)
        {
            var parsed = ConditionParser.ParseTagDefinition(body);
            if (!parsed.IsValid)
            {
                invalid?.Invoke(id, version, string.Join("; ", parsed.Errors));
                continue;
            }
            var definition = parsed.Value!;
            var sources = new Dictionary<EventMetric, MetricSource>(ReferenceEqualityComparer.Instance);
            foreach (var metric in ConditionEvaluator.EventMetrics(definition.Condition))
            {
                sources[metric] = MetricSource.For(metric, definition.TimeZone, out var slot);
                if (slot is not null)
                    dedicated.TryAdd(slot.Id, slot);
            }
            tags.Add(new CompiledTag(id, version, definition, sources));
        }
        return new TenantTags(tenant, tags, [.. dedicated.Values]);
    }
}

using Avro;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>A subject's version: the schema it holds (by id) and whether it is soft-deleted.</summary>
public sealed record SubjectVersion(string Subject, int Version, int Id, string Schema, bool Deleted = false);

/// <summary>An answer, or the registry error that refuses the request.</summary>
public readonly record struct RegistryResult<T>(T? Value, RegistryError? Error)
{
    public static implicit operator RegistryResult<T>(T value) => new(value, null);

    public static implicit operator RegistryResult<T>(RegistryError error) => new(default, error);
}

/// <summary>
/// The registry's state and rules, as Confluent Schema Registry keeps them: ids are global (one schema text,
/// one id, in whichever subject), versions count up per subject, deletes are soft until made permanent, and a new
/// version must pass the subject's compatibility level. Every change is in <see cref="SchemaLog"/> before it is answered.
/// </summary>
internal sealed class SchemaStore : IDisposable
{
    /// <summary>What a request that names no version, or <c>latest</c>, asks for.</summary>
    public const int Latest = -1;

    private readonly object _gate = new();
    private readonly SchemaLog _log;
    private readonly Dictionary<int, AvroSchemaText> _schemasById = [];
    private readonly Dictionary<string, int> _idsByCanonical = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, List<SubjectVersion>> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompatibilityLevel> _subjectLevels = new(StringComparer.Ordinal);
    private CompatibilityLevel _globalLevel;

    private SchemaStore(SchemaLog log, CompatibilityLevel defaultLevel)
    {
        this._log = log;
        _globalLevel = defaultLevel;
    }

    public string LogPath => _log.FilePath;

    public static SchemaStore Open(string directory, CompatibilityLevel defaultLevel)
    {
        var (log, entries) = SchemaLog.Open(directory);
        var store = new SchemaStore(log, defaultLevel);
        try
        {
            foreach (var entry in entries)
                store.Apply(entry);
        }
        catch
        {
            log.Dispose();
            throw;
        }
        return store;
    }

    public CompatibilityLevel GlobalLevel
    {
        get { lock (_gate) return _globalLevel; }
    }

    public void SetGlobalLevel(CompatibilityLevel level) => Commit(new SchemaLogEntry("config", Level: level.ToWire()));

    public CompatibilityLevel? SubjectLevel(string subject)
    {
        lock (_gate)
            return _subjectLevels.TryGetValue(subject, out var level) ? level : null;
    }

    public void SetSubjectLevel(string subject, CompatibilityLevel level) => Commit(new SchemaLogEntry("config", subject, Level: level.ToWire()));

    /// <summary>Removes the subject's own level (the global one applies again) and returns what it was.</summary>
    public RegistryResult<CompatibilityLevel> RemoveSubjectLevel(string subject)
    {
        lock (_gate)
        {
            if (!_subjectLevels.TryGetValue(subject, out var level))
                return RegistryError.SubjectCompatibilityNotConfigured(subject);
            Commit(new SchemaLogEntry("config", subject));
            return level;
        }
    }

    /// <summary>
    /// Registers <paramref name="schema"/> under <paramref name="subject"/>: the version already holding it when there is one
    /// (registering is idempotent), else a new version, refused with 409/40901 when the subject's level forbids it.
    /// </summary>
    public RegistryResult<SubjectVersion> Register(string subject, AvroSchemaText schema)
    {
        lock (_gate)
        {
            var versions = _subjects.GetValueOrDefault(subject) ?? [];
            if (versions.LastOrDefault(v => !v.Deleted && _schemasById[v.Id].Canonical == schema.Canonical) is { } existing)
                return existing;
            var level = _subjectLevels.GetValueOrDefault(subject, _globalLevel);
            var problems = level.Problems(schema.Schema, Live(versions));
            if (problems.Count > 0)
                return RegistryError.Incompatible(subject, problems);

            var entries = new List<SchemaLogEntry>();
            if (!_idsByCanonical.TryGetValue(schema.Canonical, out var id))
            {
                id = _schemasById.Count == 0 ? 1 : _schemasById.Keys.Max() + 1;
                entries.Add(new SchemaLogEntry("schema", Id: id, Schema: schema.Canonical));
            }
            var version = versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1;
            entries.Add(new SchemaLogEntry("version", subject, version, id));
            Commit([.. entries]);
            return _subjects[subject][^1];
        }
    }

    /// <summary>The version of <paramref name="subject"/> holding <paramref name="schema"/> (POST /subjects/{subject}).</summary>
    public RegistryResult<SubjectVersion> Lookup(string subject, AvroSchemaText schema, bool includeDeleted)
    {
        lock (_gate)
        {
            if (Versions(subject, includeDeleted) is not { Count: > 0 } versions)
                return RegistryError.SubjectNotFound(subject);
            return versions.LastOrDefault(v => _schemasById[v.Id].Canonical == schema.Canonical) is { } found
                ? found
                : RegistryError.SchemaNotFound("Schema not found");
        }
    }

    public RegistryResult<AvroSchemaText> SchemaById(int id)
    {
        lock (_gate)
        {
            return _schemasById.TryGetValue(id, out var schema) && _subjects.Values.Any(vs => vs.Any(v => v.Id == id))
                ? schema
                : RegistryError.SchemaNotFound($"Schema {id} not found");
        }
    }

    /// <summary>Every subject version holding the schema with this id (GET /schemas/ids/{id}/versions).</summary>
    public RegistryResult<IReadOnlyList<SubjectVersion>> VersionsOfId(int id, bool includeDeleted)
    {
        lock (_gate)
        {
            if (!_schemasById.ContainsKey(id))
                return RegistryError.SchemaNotFound($"Schema {id} not found");
            return _subjects.Values.SelectMany(vs => vs).Where(v => v.Id == id && (includeDeleted || !v.Deleted)).ToList();
        }
    }

    public IReadOnlyList<string> Subjects(bool includeDeleted)
    {
        lock (_gate)
            return _subjects.Where(s => s.Value.Any(v => includeDeleted || !v.Deleted)).Select(s => s.Key).ToList();
    }

    public RegistryResult<IReadOnlyList<int>> VersionNumbers(string subject, bool includeDeleted)
    {
        lock (_gate)
        {
            return Versions(subject, includeDeleted) is { Count: > 0 } versions
                ? versions.Select(v => v.Version).ToList()
                : RegistryError.SubjectNotFound(subject);
        }
    }

    /// <summary>One version (or <see cref="Latest"/>) of a subject.</summary>
    public RegistryResult<SubjectVersion> Version(string subject, int version, bool includeDeleted)
    {
        lock (_gate)
        {
            if (Versions(subject, includeDeleted) is not { Count: > 0 } versions)
                return RegistryError.SubjectNotFound(subject);
            var found = version == Latest ? versions[^1] : versions.FirstOrDefault(v => v.Version == version);
            return found is null ? RegistryError.VersionNotFound(version) : found;
        }
    }

    /// <summary>
    /// Whether <paramref name="schema"/> may follow the subject's versions: against one version when named, else against what
    /// the subject's level checks. A subject with no versions accepts anything.
    /// </summary>
    public RegistryResult<IReadOnlyList<string>> CompatibilityProblems(string subject, int version, AvroSchemaText schema)
    {
        lock (_gate)
        {
            var versions = Versions(subject, includeDeleted: false) ?? [];
            var level = _subjectLevels.GetValueOrDefault(subject, _globalLevel);
            if (version == Latest)
                return new RegistryResult<IReadOnlyList<string>>(level.Problems(schema.Schema, Live(versions)), null);
            if (versions.Count == 0)
                return RegistryError.SubjectNotFound(subject);
            if (versions.FirstOrDefault(v => v.Version == version) is not { } against)
                return RegistryError.VersionNotFound(version);
            var nonTransitive = level switch
            {
                CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
                CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
                CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
                _ => level,
            };
            return new RegistryResult<IReadOnlyList<string>>(nonTransitive.Problems(schema.Schema, Live([against])), null);
        }
    }

    /// <summary>Deletes every version of a subject: soft (they stay readable with ?deleted=true), or permanently once soft-deleted.</summary>
    public RegistryResult<IReadOnlyList<int>> DeleteSubject(string subject, bool permanent)
    {
        lock (_gate)
        {
            if (_subjects.GetValueOrDefault(subject) is not { Count: > 0 } versions)
                return RegistryError.SubjectNotFound(subject);
            var live = versions.Where(v => !v.Deleted).Select(v => v.Version).ToList();
            if (permanent && live.Count > 0)
                return RegistryError.SubjectNotSoftDeleted(subject);
            if (!permanent && live.Count == 0)
                return RegistryError.SubjectSoftDeleted(subject);
            var deleted = permanent ? versions.Select(v => v.Version).ToList() : live;
            Commit([.. deleted.Select(v => new SchemaLogEntry("delete", subject, v, Permanent: permanent))]);
            return deleted;
        }
    }

    public RegistryResult<int> DeleteVersion(string subject, int version, bool permanent)
    {
        lock (_gate)
        {
            if (_subjects.GetValueOrDefault(subject) is not { Count: > 0 } versions || (!permanent && versions.All(v => v.Deleted)))
                return RegistryError.SubjectNotFound(subject);
            var found = version == Latest
                ? versions.LastOrDefault(v => permanent || !v.Deleted)
                : versions.FirstOrDefault(v => v.Version == version);
            if (found is null)
                return RegistryError.VersionNotFound(version);
            if (!permanent && found.Deleted)
                return RegistryError.VersionSoftDeleted(subject, found.Version);
            if (permanent && !found.Deleted)
                return RegistryError.VersionNotSoftDeleted(subject, found.Version);
            Commit(new SchemaLogEntry("delete", subject, found.Version, Permanent: permanent));
            return found.Version;
        }
    }

    public void Dispose() => _log.Dispose();

    private List<SubjectVersion>? Versions(string subject, bool includeDeleted) =>
        _subjects.GetValueOrDefault(subject)?.Where(v => includeDeleted || !v.Deleted).ToList();

    private List<(int Version, Schema Schema)> Live(IEnumerable<SubjectVersion> versions) =>
        versions.Where(v => !v.Deleted).Select(v => (v.Version, _schemasById[v.Id].Schema)).ToList();

    /// <summary>Writes the entries to the log (on disk when this returns), then applies them.</summary>
    private void Commit(params IReadOnlyList<SchemaLogEntry> entries)
    {
        lock (_gate)
        {
            _log.Append(entries);
            foreach (var entry in entries)
                Apply(entry);
        }
    }

    private void Apply(SchemaLogEntry entry)
    {
        switch (entry.Op)
        {
            case "schema":
                var (text, error) = AvroSchemaText.Parse(entry.Schema);
                if (text is null)
                    throw new InvalidDataException($"{_log.FilePath}: schema {entry.Id} no longer parses ({error!.Message}).");
                _schemasById[entry.Id!.Value] = text;
                _idsByCanonical[text.Canonical] = entry.Id.Value;
                break;
            case "version":
                if (!_subjects.TryGetValue(entry.Subject!, out var versions))
                    _subjects[entry.Subject!] = versions = [];
                versions.Add(new SubjectVersion(entry.Subject!, entry.Version!.Value, entry.Id!.Value, _schemasById[entry.Id.Value].Canonical));
                break;
            case "delete":
                var list = _subjects[entry.Subject!];
                var index = list.FindIndex(v => v.Version == entry.Version);
                if (entry.Permanent == true)
                    list.RemoveAt(index);
                else
                    list[index] = list[index] with { Deleted = true };
                if (list.Count == 0)
                    _subjects.Remove(entry.Subject!);
                break;
            case "config":
                var level = CompatibilityLevels.FromWire(entry.Level);
                if (entry.Subject is null)
                    _globalLevel = level ?? throw new InvalidDataException($"{_log.FilePath}: unknown global compatibility level '{entry.Level}'.");
                else if (level is null)
                    _subjectLevels.Remove(entry.Subject);
                else
                    _subjectLevels[entry.Subject] = level.Value;
                break;
            default:
                throw new InvalidDataException($"{_log.FilePath}: unknown entry '{entry.Op}'; written by a newer version of the registry?");
        }
    }
}

using System.Text;
using Streaming.Contracts.Records;
using Streaming.Profiles.Model;

namespace Streaming.Profiles.Storage;

/// <summary>
/// The stored form of a <see cref="ProfileState"/>: a compact binary layout (variable-length
/// integers, absent fields flagged, not written) led by a format byte. JSON of the same profile
/// was 2-3 times larger and its (de)serialization cost more CPU than everything else per event.
/// A new layout gets a new format byte; readers keep reading the old ones.
/// </summary>
public static class ProfileCodec
{
    private const byte Format1 = 1;

    [ThreadStatic]
    private static BinaryWriter? _writer;

    public static byte[] Encode(ProfileState state)
    {
        // One writer and buffer per thread, reused: encoding is synchronous.
        var w = _writer ??= new BinaryWriter(new MemoryStream(4096), Encoding.UTF8);
        var buffer = (MemoryStream)w.BaseStream;
        buffer.SetLength(0);
        w.Write(Format1);
        WriteOptional(w, state.FirstSeen);
        WriteOptional(w, state.LastSeen);
        WriteOptional(w, state.CartOpenSince);
        WriteOptional(w, state.MergedInto);
        w.Write7BitEncodedInt64(state.Sessions);
        foreach (var hour in state.ActiveHours)
            w.Write7BitEncodedInt64(hour);
        WriteMap(w, state.Channels, (x, v) => x.Write7BitEncodedInt64(v));
        WriteMap(w, state.Sources, (x, v) => x.Write7BitEncodedInt64(v));
        WriteMap(w, state.Tags, (x, v) => x.Write7BitEncodedInt64(v));
        WriteMap(w, state.Fences, (x, v) => x.Write7BitEncodedInt64(v));
        w.Write7BitEncodedInt(state.Identifiers.Count);
        foreach (var identifier in state.Identifiers)
            w.Write(identifier);
        WriteMap(w, state.Traits, (x, t) =>
        {
            x.Write(t.Json);
            x.Write7BitEncodedInt64(t.At);
            x.Write(t.Once);
        });
        WriteMap(w, state.Slots, WriteSlot);
        WriteMap(w, state.Pending, (x, changes) =>
        {
            x.Write7BitEncodedInt(changes.Count);
            foreach (var change in changes)
            {
                WriteChange(x, change);
            }
        });
        // Fields added after the first layout go last; readers of older data see the stream end first.
        WriteOptional(w, state.TimerDue);
        w.Write7BitEncodedInt(state.RecentMessages.Count);
        foreach (var id in state.RecentMessages)
            w.Write(id);
        w.Flush();
        return buffer.ToArray();
    }

    /// <summary>The survivor a merged profile redirects to, read without decoding the rest.</summary>
    public static long? MergedInto(byte[] data)
    {
        var r = new ProfileReader(data);
        var format = r.ReadByte();
        if (format != Format1)
            throw new InvalidDataException($"Unknown profile format {format}; this version reads format {Format1}.");
        ReadOptional(r); // first seen
        ReadOptional(r); // last seen
        ReadOptional(r); // cart open since
        return ReadOptional(r);
    }

    public static ProfileState Decode(byte[] data)
    {
        var (r, state) = ReadHead(data);
        for (var h = 0; h < 24; h++)
            state.ActiveHours[h] = r.Read7BitEncodedInt64();
        ReadMap(r, state.Channels, x => x.Read7BitEncodedInt64());
        ReadMap(r, state.Sources, x => x.Read7BitEncodedInt64());
        ReadMap(r, state.Tags, x => x.Read7BitEncodedInt64());
        ReadMap(r, state.Fences, x => x.Read7BitEncodedInt64());
        var identifiers = r.Read7BitEncodedInt();
        state.Identifiers.Capacity = identifiers;
        for (var i = 0; i < identifiers; i++)
            state.Identifiers.Add(r.ReadString());
        ReadMap(r, state.Traits, x => new TraitValue { Json = x.ReadString(), At = x.Read7BitEncodedInt64(), Once = x.ReadBoolean() });
        ReadMap(r, state.Slots, static x => ReadSlot(x));
        ReadMap(r, state.Pending, x =>
        {
            var changes = new List<ProfileChange>(x.Read7BitEncodedInt());
            for (var i = changes.Capacity; i > 0; i--)
                changes.Add(ReadChange(x));
            return changes;
        }, pooledKeys: false);
        if (!r.AtEnd)
            state.TimerDue = ReadOptional(r);
        if (!r.AtEnd)
        {
            var recent = r.Read7BitEncodedInt();
            state.RecentMessages.Capacity = recent;
            for (var i = 0; i < recent; i++)
                state.RecentMessages.Add(r.ReadUInt64());
        }
        return state;
    }

    /// <summary>
    /// Only what a reader of series needs: first/last seen, the open cart, the merge redirect and the
    /// series named in <paramref name="slots"/>. The rest is stepped over without being materialised
    /// (no strings, maps or other series), so reading a few series of a large profile costs a fraction
    /// of <see cref="Decode"/>: the scoring service reads every profile it scores this way.
    /// </summary>
    public static ProfileState DecodeSeries(byte[] data, IReadOnlySet<string> slots)
    {
        var (r, state) = ReadHead(data);
        for (var h = 0; h < 24; h++)
            r.Read7BitEncodedInt64();
        for (var map = 0; map < 4; map++) // channels, sources, tags, fences: string -> count or time
            Skip(r, static x => x.Read7BitEncodedInt64());
        var identifiers = r.Read7BitEncodedInt();
        for (var i = 0; i < identifiers; i++)
            r.SkipString();
        Skip(r, static x =>
        {
            x.SkipString();
            x.Read7BitEncodedInt64();
            x.ReadBoolean();
        });
        var count = r.Read7BitEncodedInt();
        for (var i = 0; i < count; i++)
        {
            var id = r.ReadKey();
            var keep = slots.Contains(id);
            var slot = ReadSlot(r, keep);
            if (keep)
                state.Slots[id] = slot;
        }
        return state;
    }

    /// <summary>The format byte and the fields every reader needs: seen times, open cart, merge redirect, sessions.</summary>
    private static (ProfileReader Reader, ProfileState State) ReadHead(byte[] data)
    {
        var r = new ProfileReader(data);
        var format = r.ReadByte();
        if (format != Format1)
            throw new InvalidDataException($"Unknown profile format {format}; this version reads format {Format1}.");
        return (r, new ProfileState
        {
            FirstSeen = ReadOptional(r),
            LastSeen = ReadOptional(r),
            CartOpenSince = ReadOptional(r),
            MergedInto = ReadOptional(r),
            Sessions = r.Read7BitEncodedInt64(),
        });
    }

    private static void Skip(ProfileReader r, Action<ProfileReader> skipValue)
    {
        var count = r.Read7BitEncodedInt();
        for (var i = 0; i < count; i++)
        {
            r.SkipString();
            skipValue(r);
        }
    }

    [Flags]
    private enum SlotFields : ushort
    {
        None = 0,
        Sum = 1, Numeric = 2, InHours = 4, Min = 8, Max = 16, First = 32, Last = 64,
        FirstId = 128, LastId = 256, FirstValue = 512, LastValue = 1024, Distinct = 2048,
    }

    [Flags]
    private enum BucketFields : byte
    {
        None = 0, Sum = 1, Numeric = 2, InHours = 4, Min = 8, Max = 16,
    }

    private static void WriteSlot(BinaryWriter w, SlotData s)
    {
        var fields = SlotFields.None;
        if (s.Sum != 0) fields |= SlotFields.Sum;
        if (s.Numeric != 0) fields |= SlotFields.Numeric;
        if (s.InHours != 0) fields |= SlotFields.InHours;
        if (s.Min is not null) fields |= SlotFields.Min;
        if (s.Max is not null) fields |= SlotFields.Max;
        if (s.First is not null) fields |= SlotFields.First;
        if (s.Last is not null) fields |= SlotFields.Last;
        if (s.FirstId is not null) fields |= SlotFields.FirstId;
        if (s.LastId is not null) fields |= SlotFields.LastId;
        if (s.FirstValue is not null) fields |= SlotFields.FirstValue;
        if (s.LastValue is not null) fields |= SlotFields.LastValue;
        if (s.Distinct is not null) fields |= SlotFields.Distinct;
        w.Write((ushort)fields);
        w.Write7BitEncodedInt64(s.Count);
        if (s.Sum != 0) WriteDecimal(w, s.Sum);
        if (s.Numeric != 0) w.Write7BitEncodedInt64(s.Numeric);
        if (s.InHours != 0) w.Write7BitEncodedInt64(s.InHours);
        if (s.Min is { } min) WriteDecimal(w, min);
        if (s.Max is { } max) WriteDecimal(w, max);
        if (s.First is { } first) w.Write7BitEncodedInt64(first);
        if (s.Last is { } last) w.Write7BitEncodedInt64(last);
        if (s.FirstId is not null) w.Write(s.FirstId);
        if (s.LastId is not null) w.Write(s.LastId);
        if (s.FirstValue is not null) w.Write(s.FirstValue);
        if (s.LastValue is not null) w.Write(s.LastValue);
        if (s.Distinct is not null)
            WriteMap(w, s.Distinct, (x, day) => x.Write7BitEncodedInt(day));
        w.Write7BitEncodedInt(s.Days.Count);
        foreach (var (day, b) in s.Days)
        {
            w.Write7BitEncodedInt(day);
            var bf = BucketFields.None;
            if (b.Sum != 0) bf |= BucketFields.Sum;
            if (b.Numeric != 0) bf |= BucketFields.Numeric;
            if (b.InHours != 0) bf |= BucketFields.InHours;
            if (b.Min is not null) bf |= BucketFields.Min;
            if (b.Max is not null) bf |= BucketFields.Max;
            w.Write((byte)bf);
            w.Write7BitEncodedInt64(b.Count);
            if (b.Sum != 0) WriteDecimal(w, b.Sum);
            if (b.Numeric != 0) w.Write7BitEncodedInt64(b.Numeric);
            if (b.InHours != 0) w.Write7BitEncodedInt64(b.InHours);
            if (b.Min is { } bmin) WriteDecimal(w, bmin);
            if (b.Max is { } bmax) WriteDecimal(w, bmax);
        }
    }

    /// <summary>A series not kept (<see cref="DecodeSeries"/>) is read into one reused object per thread, its strings stepped over.</summary>
    [ThreadStatic]
    private static SlotData? _skipped;

    private static SlotData ReadSlot(ProfileReader r, bool keep = true)
    {
        var f = (SlotFields)r.ReadUInt16();
        var s = keep ? new SlotData() : _skipped ??= new SlotData();
        if (!keep)
            s.Days.Clear();
        s.Count = r.Read7BitEncodedInt64();
        if ((f & SlotFields.Sum) != 0) s.Sum = ReadDecimal(r);
        if ((f & SlotFields.Numeric) != 0) s.Numeric = r.Read7BitEncodedInt64();
        if ((f & SlotFields.InHours) != 0) s.InHours = r.Read7BitEncodedInt64();
        if ((f & SlotFields.Min) != 0) s.Min = ReadDecimal(r);
        if ((f & SlotFields.Max) != 0) s.Max = ReadDecimal(r);
        if ((f & SlotFields.First) != 0) s.First = r.Read7BitEncodedInt64();
        if ((f & SlotFields.Last) != 0) s.Last = r.Read7BitEncodedInt64();
        if ((f & SlotFields.FirstId) != 0) s.FirstId = Text(r, keep);
        if ((f & SlotFields.LastId) != 0) s.LastId = Text(r, keep);
        if ((f & SlotFields.FirstValue) != 0) s.FirstValue = Text(r, keep);
        if ((f & SlotFields.LastValue) != 0) s.LastValue = Text(r, keep);
        if ((f & SlotFields.Distinct) != 0 && keep) ReadMap(r, s.Distinct = new(StringComparer.Ordinal), x => x.Read7BitEncodedInt(), pooledKeys: false);
        else if ((f & SlotFields.Distinct) != 0) Skip(r, static x => x.Read7BitEncodedInt());
        var days = r.Read7BitEncodedInt();
        s.Days.EnsureCapacity(days);
        for (var i = 0; i < days; i++)
        {
            var day = r.Read7BitEncodedInt();
            var bf = (BucketFields)r.ReadByte();
            var b = new DayBucket { Count = r.Read7BitEncodedInt64() };
            if ((bf & BucketFields.Sum) != 0) b.Sum = ReadDecimal(r);
            if ((bf & BucketFields.Numeric) != 0) b.Numeric = r.Read7BitEncodedInt64();
            if ((bf & BucketFields.InHours) != 0) b.InHours = r.Read7BitEncodedInt64();
            if ((bf & BucketFields.Min) != 0) b.Min = ReadDecimal(r);
            if ((bf & BucketFields.Max) != 0) b.Max = ReadDecimal(r);
            s.Days[day] = b;
        }
        return s;
    }

    private static void WriteChange(BinaryWriter w, ProfileChange c)
    {
        w.Write(c.ChangeId);
        w.Write(c.Tenant);
        w.Write7BitEncodedInt64(c.PersonId);
        w.Write(c.Kind);
        WriteOptional(w, c.TagId);
        WriteOptional(w, c.Trait);
        WriteOptional(w, c.OldValue);
        WriteOptional(w, c.NewValue);
        w.Write7BitEncodedInt64(c.At);
        WriteOptional(w, c.CauseMessageId);
    }

    private static ProfileChange ReadChange(ProfileReader r) => new()
    {
        ChangeId = r.ReadString(),
        Tenant = r.ReadKey(),
        PersonId = r.Read7BitEncodedInt64(),
        Kind = r.ReadKey(),
        TagId = r.ReadBoolean() ? r.ReadKey() : null,
        Trait = r.ReadBoolean() ? r.ReadKey() : null,
        OldValue = ReadOptionalString(r),
        NewValue = ReadOptionalString(r),
        At = r.Read7BitEncodedInt64(),
        CauseMessageId = ReadOptionalString(r),
    };

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
            w.Write(value);
    }

    private static string? ReadOptionalString(ProfileReader r) => r.ReadBoolean() ? r.ReadString() : null;

    /// <summary>A string, or null after stepping over it when it is not kept.</summary>
    private static string? Text(ProfileReader r, bool keep)
    {
        if (keep)
            return r.ReadString();
        r.SkipString();
        return null;
    }

    /// <summary>Most amounts have a small mantissa: scale byte + varint (zigzag); else a marker and the 16 raw bytes.</summary>
    private static void WriteDecimal(BinaryWriter w, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        if (bits[2] == 0 && bits[1] >= 0)
        {
            var mantissa = ((long)bits[1] << 32) | (uint)bits[0];
            if (bits[3] < 0)
                mantissa = -mantissa;
            w.Write(scale);
            w.Write7BitEncodedInt64((mantissa << 1) ^ (mantissa >> 63));
            return;
        }
        w.Write(byte.MaxValue);
        w.Write(value);
    }

    private static decimal ReadDecimal(ProfileReader r)
    {
        var scale = r.ReadByte();
        if (scale == byte.MaxValue)
            return r.ReadDecimal();
        var zigzag = (ulong)r.Read7BitEncodedInt64();
        var mantissa = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        var magnitude = Math.Abs(mantissa);
        return new decimal((int)(uint)(magnitude & 0xFFFFFFFF), (int)(magnitude >> 32), 0, mantissa < 0, scale);
    }

    private static void WriteOptional(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
            w.Write7BitEncodedInt64(v);
    }

    private static long? ReadOptional(ProfileReader r) => r.ReadBoolean() ? r.Read7BitEncodedInt64() : null;

    private static void WriteMap<T>(BinaryWriter w, Dictionary<string, T> map, Action<BinaryWriter, T> write)
    {
        w.Write7BitEncodedInt(map.Count);
        foreach (var (key, value) in map)
        {
            w.Write(key);
            write(w, value);
        }
    }

    /// <summary>Reads a map into the (empty) dictionary of a new state; keys are pooled unless they are unique per profile.</summary>
    private static void ReadMap<T>(ProfileReader r, Dictionary<string, T> map, Func<ProfileReader, T> read, bool pooledKeys = true)
    {
        var count = r.Read7BitEncodedInt();
        map.EnsureCapacity(count);
        for (var i = 0; i < count; i++)
            map[pooledKeys ? r.ReadKey() : r.ReadString()] = read(r);
    }
}

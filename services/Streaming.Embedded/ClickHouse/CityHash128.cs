using System.Buffers.Binary;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// CityHash128 as of CityHash 1.0.2, the version ClickHouse froze for the checksums of its
/// compressed blocks (later CityHash versions give other values). Written from the published
/// algorithm; little-endian reads.
/// </summary>
public static class CityHash128
{
    private const ulong K0 = 0xc3a5c85c97cb3127UL;
    private const ulong K1 = 0xb492b66fbe98f273UL;
    private const ulong K2 = 0x9ae16a3b2f90404fUL;
    private const ulong K3 = 0xc949d7c7509e6557UL;

    /// <summary>The hash as (low, high) 64-bit halves; ClickHouse writes low then high, each little-endian.</summary>
    public static (ulong Low, ulong High) Hash(ReadOnlySpan<byte> s)
    {
        if (s.Length >= 16)
        {
            return WithSeed(s[16..], (Fetch64(s, 0) ^ K3, Fetch64(s, 8)));
        }

        if (s.Length >= 8)
        {
            return WithSeed([], (Fetch64(s, 0) ^ ((ulong)s.Length * K0), Fetch64(s, s.Length - 8) ^ K1));
        }

        return WithSeed(s, (K0, K1));
    }

    private static (ulong Low, ulong High) WithSeed(ReadOnlySpan<byte> s, (ulong Low, ulong High) seed)
    {
        if (s.Length < 128)
        {
            return CityMurmur(s, seed);
        }

        var len = s.Length;
        var x = seed.Low;
        var y = seed.High;
        var z = (ulong)len * K1;
        var offset = 0;
        (ulong First, ulong Second) v, w;
        v.First = Rotate(y ^ K1, 49) * K1 + Fetch64(s, 0);
        v.Second = Rotate(v.First, 42) * K1 + Fetch64(s, 8);
        w.First = Rotate(y + z, 35) * K1 + x;
        w.Second = Rotate(x + Fetch64(s, 88), 53) * K1;

        // 128 bytes per round, in two halves of 64.
        do
        {
            for (var half = 0; half < 2; half++)
            {
                x = Rotate(x + y + v.First + Fetch64(s, offset + 16), 37) * K1;
                y = Rotate(y + v.Second + Fetch64(s, offset + 48), 42) * K1;
                x ^= w.Second;
                y ^= v.First;
                z = Rotate(z ^ w.First, 33);
                v = WeakHashLen32WithSeeds(s, offset, v.Second * K1, x + w.First);
                w = WeakHashLen32WithSeeds(s, offset + 32, z + w.Second, y);
                (z, x) = (x, z);
                offset += 64;
            }

            len -= 128;
        }
        while (len >= 128);

        y += Rotate(w.First, 37) * K0 + z;
        x += Rotate(v.First + z, 49) * K0;

        // Up to 4 chunks of 32 bytes from the end of what is left.
        for (var tailDone = 0; tailDone < len;)
        {
            tailDone += 32;
            y = Rotate(y - x, 42) * K0 + v.Second;
            w.First += Fetch64(s, offset + len - tailDone + 16);
            x = Rotate(x, 49) * K0 + w.First;
            w.First += v.First;
            v = WeakHashLen32WithSeeds(s, offset + len - tailDone, v.First, v.Second);
        }

        x = HashLen16(x, v.First);
        y = HashLen16(y, w.First);
        return (HashLen16(x + v.Second, w.Second) + y, HashLen16(x + w.Second, y + v.Second));
    }

    private static (ulong Low, ulong High) CityMurmur(ReadOnlySpan<byte> s, (ulong Low, ulong High) seed)
    {
        var len = s.Length;
        var a = seed.Low;
        var b = seed.High;
        ulong c;
        ulong d;
        var l = len - 16;
        if (l <= 0)
        {
            a = ShiftMix(a * K1) * K1;
            c = b * K1 + HashLen0To16(s);
            d = ShiftMix(a + (len >= 8 ? Fetch64(s, 0) : c));
        }
        else
        {
            c = HashLen16(Fetch64(s, len - 8) + K1, a);
            d = HashLen16(b + (ulong)len, c + Fetch64(s, len - 16));
            a += d;
            var offset = 0;
            do
            {
                a ^= ShiftMix(Fetch64(s, offset) * K1) * K1;
                a *= K1;
                b ^= a;
                c ^= ShiftMix(Fetch64(s, offset + 8) * K1) * K1;
                c *= K1;
                d ^= c;
                offset += 16;
                l -= 16;
            }
            while (l > 0);
        }

        a = HashLen16(a, c);
        b = HashLen16(d, b);
        return (a ^ b, HashLen16(b, a));
    }

    private static ulong HashLen0To16(ReadOnlySpan<byte> s)
    {
        var len = s.Length;
        if (len > 8)
        {
            var a = Fetch64(s, 0);
            var b = Fetch64(s, len - 8);
            return HashLen16(a, RotateByAtLeast1(b + (ulong)len, len)) ^ b;
        }

        if (len >= 4)
        {
            ulong a = Fetch32(s, 0);
            return HashLen16((ulong)len + (a << 3), Fetch32(s, len - 4));
        }

        if (len > 0)
        {
            uint a = s[0];
            uint b = s[len >> 1];
            uint c = s[len - 1];
            var y = a + (b << 8);
            var z = (uint)len + (c << 2);
            return ShiftMix((y * K2) ^ (z * K3)) * K2;
        }

        return K2;
    }

    private static (ulong, ulong) WeakHashLen32WithSeeds(ReadOnlySpan<byte> s, int offset, ulong a, ulong b)
    {
        var w = Fetch64(s, offset);
        var x = Fetch64(s, offset + 8);
        var y = Fetch64(s, offset + 16);
        var z = Fetch64(s, offset + 24);
        a += w;
        b = Rotate(b + a + z, 21);
        var c = a;
        a += x;
        a += y;
        b += Rotate(a, 44);
        return (a + z, b + c);
    }

    private static ulong HashLen16(ulong u, ulong v)
    {
        const ulong kMul = 0x9ddfea08eb382d69UL;
        var a = (u ^ v) * kMul;
        a ^= a >> 47;
        var b = (v ^ a) * kMul;
        b ^= b >> 47;
        b *= kMul;
        return b;
    }

    private static ulong Fetch64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64LittleEndian(s[at..]);

    private static uint Fetch32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private static ulong Rotate(ulong value, int shift) => shift == 0 ? value : (value >> shift) | (value << (64 - shift));

    private static ulong RotateByAtLeast1(ulong value, int shift) => (value >> shift) | (value << (64 - shift));

    private static ulong ShiftMix(ulong value) => value ^ (value >> 47);
}

namespace Streaming.Contracts.Tests;

public class DeterministicId_StabilityTests
{
    private static readonly string LongPart = string.Concat(Enumerable.Repeat("{\"k\":\"välue-😀\"},", 100));

    /// <summary>
    /// Ids are persisted downstream and a replay across an upgrade must produce the same ones, so
    /// these were computed by the original implementation (StringBuilder + Encoding.UTF8 + SHA-256)
    /// and must never change.
    /// </summary>
    public static TheoryData<string[], string> PinnedIds => new()
    {
        { ["profiles", "m-1", "42", "tag", "rfm.champions"], "e53b587f-20b1-8f21-81dc-2d9a90f7fb09" },
        { ["identity.merge", "tenant-ü", "消息-1", "😀🎉"], "da4681d4-cb53-8472-b5bb-a015b8577dab" },
        { ["", "", ""], "6e1890af-11d2-8427-86ce-001be3c8a244" },
        { [], "e3b0c442-98fc-8c14-9afb-f4c8996fb924" },
        { ["gateway", "src-1", LongPart], "72771c48-2f71-8169-a8ed-4d759efd9cfd" },
        { [.. Enumerable.Range(0, 40).Select(i => "p" + i)], "a5f61fd9-ed25-89e1-b7c7-6cce57eccb39" },
        // Lone surrogates encode as U+FFFD, as Encoding.UTF8 always did.
        { ["lone", "\uD800x", "y\uDC00"], "4594df41-4868-89f1-910c-6c25477eac95" },
        { ["huge", new string('a', 100_000) + "é"], "5675f7f0-d109-8370-ad05-d9da9febe0e6" },
    };

    [Theory]
    [MemberData(nameof(PinnedIds))]
    public void From_returns_the_ids_it_always_returned(string[] parts, string expected) =>
        Assert.Equal(expected, DeterministicId.From(parts));

    [Fact]
    public void From_gives_the_same_ids_on_many_threads_at_once()
    {
        var expected = PinnedIds.Select(row => (Parts: (string[])row[0], Id: (string)row[1])).ToList();
        var wrong = 0;
        Parallel.For(0, 2_000, i =>
        {
            var (parts, id) = expected[i % expected.Count];
            if (DeterministicId.From(parts) != id)
                Interlocked.Increment(ref wrong);
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void From_tells_apart_parts_that_concatenate_to_the_same_text()
    {
        Assert.NotEqual(DeterministicId.From("ab", "c"), DeterministicId.From("a", "bc"));
        Assert.NotEqual(DeterministicId.From("a|1:b"), DeterministicId.From("a", "b"));
    }

    [Fact]
    public void From_is_a_version_8_uuid()
    {
        var id = Guid.Parse(DeterministicId.From("profiles", "m-1"));
        Assert.Equal(8, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
    }
}

using Streaming.Contracts.Records;
using Streaming.Identity.Pipeline;
using Streaming.Identity.Rules;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Identity.Tests.Pipeline;

public sealed class ReadIdentifiers_RulesTests
{
    private static TrackingEvent Event(string? anonymousId, string? userId, string traits = "{}", string context = "{}") => new()
    {
        MessageId = "m",
        Type = "identify",
        Tenant = "t",
        Source = "app",
        AnonymousId = anonymousId,
        UserId = userId,
        Traits = traits,
        Context = context,
    };

    [Fact]
    public void ReadIdentifiers_orders_identifiers_by_priority_and_reads_configured_paths()
    {
        var rules = IdentityRules.BuiltIn.With(new IdentityRulesDocument
        {
            Identifiers = [new IdentifierSourceDocument { Type = "member_card", Paths = ["traits.card.no"] }],
        }, out _)!;

        var read = ReadIdentifiersStep.Run(Event("A1", "U1", traits: """{"phone_hash":"p1","card":{"no":12345}}""", context: """{"device":{"advertisingId":"ad-9"}}"""), rules);

        Assert.Null(read.Reason);
        Assert.Equal(["userId:U1", "phone_hash:p1", "advertisingId:ad-9", "member_card:12345", "anonymousId:A1"], read.Value!.Select(i => i.ToString()));
    }

    [Theory]
    [InlineData("undefined")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("  null ")]
    [InlineData("blocked-device")]
    [InlineData("-0.0")]
    [InlineData("(null)")]
    [InlineData("undefined\u200b")]
    [InlineData("[object Object]")]
    [InlineData("<undefined>")]
    public void ReadIdentifiers_never_uses_a_junk_value_to_link_anyone(string junk)
    {
        var rules = IdentityRules.BuiltIn.With(new IdentityRulesDocument { Blocklist = ["BLOCKED-device"] }, out _)!;

        var withUser = ReadIdentifiersStep.Run(Event(junk, "U1", traits: $$"""{"email_hash":"{{junk}}"}"""), rules);
        var alone = ReadIdentifiersStep.Run(Event(junk, null), rules);

        Assert.Equal(["userId:U1"], withUser.Value!.Select(i => i.ToString()));
        Assert.Equal(StepVerdict.DeadLetter, alone.Verdict);
        Assert.Contains("names nobody", alone.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadIdentifiers_takes_the_first_path_that_holds_a_value_and_skips_broken_json()
    {
        var rules = IdentityRules.BuiltIn.With(new IdentityRulesDocument
        {
            Identifiers = [new IdentifierSourceDocument { Type = "member_card", Paths = ["properties.card", "traits.card.no"] }],
        }, out _)!;
        var alias = new TrackingEvent
        {
            MessageId = "m",
            Type = "alias",
            Tenant = "t",
            Source = "app",
            UserId = "U1",
            PreviousId = "P1",
            AnonymousId = "A1",
            Traits = """{"card":{"no":"C-7"},"email_hash":"e1"}""",
            Context = """{"traits":{"phone_hash":"p2", "email_hash":"e2"}, "wechat":{"openid":"o1"}""",
            Properties = """{"card": null}""",
        };

        var read = ReadIdentifiersStep.Run(alias, rules);

        // context is not valid JSON (a brace is missing): it names nobody, the rest still counts.
        Assert.Equal(["userId:U1", "email_hash:e1", "member_card:C-7", "?previous:P1", "anonymousId:A1"], read.Value!.Select(i => i.ToString()));
        Assert.Equal("C-7", ReadIdentifiersStep.ReadPath(alias, "traits.card.no"));
        Assert.Null(ReadIdentifiersStep.ReadPath(alias, "context.wechat.openid"));
    }

    [Fact]
    public void Rules_name_the_field_and_the_fix_when_a_document_is_wrong()
    {
        var rules = new TenantRules(IdentityRules.BuiltIn);

        Assert.Null(rules.Validate("""{"priority":["userId","shoe_size"],"limits":{"userId":-1}}""", out var errors));
        Assert.Contains(errors, e => e.Contains("priority names 'shoe_size'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("limits.userId is -1", StringComparison.Ordinal));
        Assert.Null(rules.Validate("""{"unknownField":1}""", out errors));
        Assert.Contains("unknownField", Assert.Single(errors), StringComparison.Ordinal);
    }
}

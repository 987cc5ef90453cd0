using Streaming.Contracts.Identifiers;

namespace Streaming.Contracts.Tests;

/// <summary>The one placeholder list gateway and identity share.</summary>
public sealed class Placeholders_JunkValuesTests
{
    [Theory]
    [InlineData("undefined")]
    [InlineData(" NULL ")]
    [InlineData("(null)")]
    [InlineData("<undefined>")]
    [InlineData("'null'")]
    [InlineData("[object Object]")]
    [InlineData("undefined\u200b")]
    [InlineData("abc\ufeff")]
    [InlineData("-0.0")]
    [InlineData("0e0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("")]
    [InlineData("   ")]
    public void Placeholders_name_a_reason_for_values_that_identify_nobody(string value) =>
        Assert.NotNull(Placeholders.Reason(value));

    [Theory]
    [InlineData("U1")]
    [InlineData("42")]
    [InlineData("0.5")]
    [InlineData("a1b2c3")]
    [InlineData("user-12345")]
    public void Placeholders_accept_real_ids(string value) =>
        Assert.Null(Placeholders.Reason(value));

    [Theory]
    [InlineData("test@test.com", true)]
    [InlineData("user@example.com", true)]
    [InlineData("abc@abc.com", true)]
    [InlineData("ada@mail.invalid", true)]
    [InlineData("someone@host.test", true)]
    [InlineData("null", true)]
    [InlineData("ada@lovelace.org", false)]
    [InlineData("person42@example.com", false)]
    [InlineData("test.engineer@acme.io", false)]
    public void Placeholders_know_test_email_addresses(string email, bool junk) =>
        Assert.Equal(junk, Placeholders.EmailReason(email) is not null);

    [Theory]
    [InlineData("0", true)]
    [InlineData("+0000000000", true)]
    [InlineData("1111111", true)]
    [InlineData("123456789", true)]
    [InlineData("1234", true)]
    [InlineData("+442079460958", false)]
    [InlineData("13800138000", false)]
    public void Placeholders_know_placeholder_phone_numbers(string digits, bool junk) =>
        Assert.Equal(junk, Placeholders.PhoneReason(digits) is not null);
}

namespace Streaming.Dispatch.Contacts;

/// <summary>Which contact point each channel sends to.</summary>
public static class ContactKinds
{
    public const string Phone = "phone";
    public const string Email = "email";
    public const string PushToken = "push_token";
    public const string WeChatOpenId = "wechat_openid";
    public const string Webhook = "webhook_target";

    public static readonly IReadOnlyList<string> All = [Phone, Email, PushToken, WeChatOpenId, Webhook];

    public static string ForChannel(string channel) => channel switch
    {
        "sms" => Phone,
        "email" => Email,
        "push" => PushToken,
        "wechat" => WeChatOpenId,
        _ => Webhook,
    };
}

namespace Streaming.Journeys.Templates;

/// <summary>A journey definition a tenant copies (<c>GET /api/definitions/journeys/templates</c>), then edits and publishes as its own.</summary>
public sealed record JourneyTemplate(string Id, string Description, string Definition);

/// <summary>The built-in journey templates: ordinary definitions, validated by the same parser as every PUT.</summary>
public static class BuiltInJourneys
{
    /// <summary>
    /// The seeds' new-member journey: a coupon push on day 1; on day 3 an SMS if the coupon is not
    /// used (a nudge for those who clicked the push, the coupon again for the others); on day 7 a
    /// call task for customer service in the CRM (webhook). Using the coupon ends it at any point.
    /// </summary>
    public const string NewMemberCoupon = """
    {
      "name": "New member: D1 push coupon, D3 SMS, D7 call task",
      "trigger": { "event": { "name": "Signed Up" } },
      "reentry": { "policy": "once" },
      "goal": { "event": { "name": "Coupon Used" }, "within": "14d" },
      "steps": [
        { "id": "d1-push", "type": "send", "channel": "push", "template": "new-member-coupon", "variables": { "name": "trait.first_name" } },
        { "id": "wait-d3", "type": "waitUntil", "event": { "name": "Coupon Used" }, "timeout": "2d", "onTimeout": "clicked-push", "next": "used" },
        { "id": "clicked-push", "type": "branch",
          "branches": [ { "name": "clicked",
            "condition": { "metric": { "fn": "count", "event": { "name": "Message Clicked", "where": [ { "path": "step", "op": "eq", "value": "d1-push" } ] } }, "op": "gte", "value": 1 },
            "next": "d3-sms-nudge" } ],
          "otherwise": "d3-sms" },
        { "id": "d3-sms-nudge", "type": "send", "channel": "sms", "template": "coupon-nudge", "next": "wait-d7" },
        { "id": "d3-sms", "type": "send", "channel": "sms", "template": "coupon-reminder", "next": "wait-d7" },
        { "id": "wait-d7", "type": "waitUntil", "event": { "name": "Coupon Used" }, "timeout": "4d", "onTimeout": "d7-call", "next": "used" },
        { "id": "d7-call", "type": "send", "channel": "webhook", "template": "crm-call-task", "mustDeliver": true, "next": "used" },
        { "id": "used", "type": "exit" }
      ]
    }
    """;

    /// <summary>A cart abandoned for an hour gets a reminder, unless the order is completed first.</summary>
    public const string AbandonedCart = """
    {
      "name": "Abandoned cart reminder after 1 h",
      "trigger": { "event": { "name": "Product Added" } },
      "reentry": { "policy": "cooldown", "cooldown": "1d" },
      "goal": { "event": { "name": "Order Completed" }, "within": "2d" },
      "steps": [
        { "id": "wait-1h", "type": "waitUntil", "event": { "name": "Order Completed" }, "timeout": "1h", "onTimeout": "reminder", "next": "done" },
        { "id": "reminder", "type": "send", "channel": "push", "template": "cart-reminder", "variables": { "product": "event.name" } },
        { "id": "done", "type": "exit" }
      ]
    }
    """;

    /// <summary>A member whose churn score crosses 75 gets a win-back offer (A/B with a 10 % control group).</summary>
    public const string ChurnWinBack = """
    {
      "name": "Churn-risk win-back",
      "trigger": { "trait": "churn_score", "op": "gte", "value": 75 },
      "reentry": { "policy": "cooldown", "cooldown": "30d" },
      "goal": { "event": { "name": "Order Completed" }, "within": "14d" },
      "steps": [
        { "id": "offer-split", "type": "split", "control": 10,
          "variants": [ { "name": "discount", "percent": 45, "next": "discount-email" }, { "name": "points", "percent": 45, "next": "points-email" } ] },
        { "id": "discount-email", "type": "send", "channel": "email", "template": "winback-discount", "next": "done" },
        { "id": "points-email", "type": "send", "channel": "email", "template": "winback-points", "next": "done" },
        { "id": "done", "type": "exit" }
      ]
    }
    """;

    public static IReadOnlyList<JourneyTemplate> All { get; } =
    [
        new("new-member-coupon", "D1 push coupon, D3 SMS if not used (nudge if the push was clicked), D7 CRM call task", NewMemberCoupon),
        new("abandoned-cart", "A reminder push one hour after a cart is abandoned", AbandonedCart),
        new("churn-winback", "A win-back e-mail when churn_score crosses 75, A/B with control", ChurnWinBack),
    ];
}

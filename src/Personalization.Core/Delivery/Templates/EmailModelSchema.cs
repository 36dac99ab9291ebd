namespace Personalization.Delivery.Templates;

/// <summary>
/// The members templates can use, as <see cref="EmailModelValue"/> exposes them; documented in
/// <c>docs/templates.md</c>. Keep the three in step.
/// </summary>
internal static class EmailModelSchema
{
    /// <summary>The top-level names: <c>profile</c>, <c>trigger</c>, <c>events</c>, <c>email</c>, <c>unsubscribe_url</c>, <c>now</c>.</summary>
    public static readonly ModelSchema Root = BuildRoot();

    /// <summary>The <c>forloop</c> object inside a <c>for</c> block.</summary>
    public static readonly ModelSchema ForLoop = BuildForLoop();

    private static ModelSchema BuildRoot()
    {
        var scalar = ModelSchema.Scalar;
        var cartItem = ModelSchema.Object(Members(scalar, "product_id", "name", "price", "quantity", "brand", "category", "line_total"));
        var profile = Members(scalar, "user_id", "email", "first_name", "last_name", "locale", "timezone", "cart_quantity",
            "cart_value", "order_count", "total_spent", "event_count", "page_views", "first_seen", "last_seen", "last_order_at");
        profile["traits"] = ModelSchema.Open;
        profile["event_counts"] = ModelSchema.Open;
        profile["cart"] = ModelSchema.List(cartItem);
        profile["anonymous_ids"] = ModelSchema.List(scalar);

        var trigger = Members(scalar, "name", "send_key", "started", "due");
        trigger["reasons"] = ModelSchema.List(scalar);

        var root = Members(scalar, "unsubscribe_url", "now");
        root["profile"] = ModelSchema.Object(profile);
        root["trigger"] = ModelSchema.Object(trigger);
        root["events"] = ModelSchema.List(ModelSchema.Object(Members(scalar, "name", "timestamp", "message_id")));
        root["email"] = ModelSchema.Object(Members(scalar, "to", "unsubscribe_url"));
        return ModelSchema.Object(root);
    }

    private static ModelSchema BuildForLoop()
    {
        var members = Members(ModelSchema.Scalar, "index", "index0", "rindex", "rindex0", "first", "last", "length");
        var forLoop = ModelSchema.Object(members);
        members["parentloop"] = forLoop;
        return forLoop;
    }

    private static Dictionary<string, ModelSchema> Members(ModelSchema schema, params string[] names)
    {
        var members = new Dictionary<string, ModelSchema>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            members[name] = schema;
        }

        return members;
    }
}

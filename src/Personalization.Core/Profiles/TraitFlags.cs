namespace Personalization.Profiles;

/// <summary>How the engine reads a yes/no trait (<c>unsubscribed</c>, <c>consent_&lt;category&gt;</c>): a JSON boolean,
/// or the strings <c>true</c>/<c>True</c>/<c>TRUE</c> and <c>false</c>/<c>False</c>/<c>FALSE</c>. One place, so the send
/// policies, delivery and identity merges agree on what counts.</summary>
internal static class TraitFlags
{
    public const string Unsubscribed = "unsubscribed";

    public const string ConsentPrefix = "consent_";

    public static bool IsTrue(object? value) => value is true or "true" or "True" or "TRUE";

    public static bool IsFalse(object? value) => value is false or "false" or "False" or "FALSE";

    public static bool IsTrue(Dictionary<string, object?> traits, string name) => traits.TryGetValue(name, out var value) && IsTrue(value);

    public static bool IsFalse(Dictionary<string, object?> traits, string name) => traits.TryGetValue(name, out var value) && IsFalse(value);
}

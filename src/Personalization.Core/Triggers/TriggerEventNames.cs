using Personalization.Events;

namespace Personalization.Triggers;

/// <summary>How triggers name events: a <c>track</c> event by its name, other calls by <c>$</c> and their type.</summary>
internal static class TriggerEventNames
{
    private static readonly string[] s_callNames =
        [string.Empty, "$identify", "$page", "$screen", "$group", "$alias"];

    public static string Of(SegmentEvent @event) =>
        @event.Type == SegmentEventType.Track ? @event.Event ?? string.Empty : s_callNames[(int)@event.Type];

    public static bool Matches(string pattern, string name) => pattern == Trigger.AnyEvent || pattern == name;

    public static bool AnyMatches(IReadOnlyList<string> patterns, string name)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (Matches(patterns[i], name))
            {
                return true;
            }
        }

        return false;
    }
}

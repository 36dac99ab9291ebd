using System.Collections.Concurrent;
using System.Globalization;

namespace Personalization.Delivery.Templates;

/// <summary>
/// The culture and time zone a profile's email renders in, from its <c>locale</c> trait (<c>de-DE</c>, <c>fr_FR</c>)
/// and its <c>timezone</c> trait (an IANA id). A missing or unknown locale renders in en-US; a missing or unknown time
/// zone in UTC. Lookups are cached, and the caches are bounded because trait values come from outside.
/// </summary>
internal static class ProfileCulture
{
    /// <summary>The culture of profiles without a known locale.</summary>
    public static readonly CultureInfo DefaultCulture = CultureInfo.GetCultureInfo("en-US");

    private const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<string, CultureInfo> s_cultures = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> s_timeZones = new(StringComparer.Ordinal);

    /// <summary>The culture for a <c>locale</c> trait value.</summary>
    public static CultureInfo Culture(object? locale)
    {
        if (locale is not string name || name.Length is 0 or > 32)
        {
            return DefaultCulture;
        }

        if (s_cultures.TryGetValue(name, out var culture))
        {
            return culture;
        }

        culture = FindCulture(name);
        if (s_cultures.Count < MaxCached)
        {
            s_cultures.TryAdd(name, culture);
        }

        return culture;
    }

    /// <summary>The time zone for a <c>timezone</c> trait value.</summary>
    public static TimeZoneInfo TimeZone(object? timeZone)
    {
        if (timeZone is not string id || id.Length is 0 or > 64)
        {
            return TimeZoneInfo.Utc;
        }

        if (s_timeZones.TryGetValue(id, out var zone))
        {
            return zone;
        }

        zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        if (s_timeZones.Count < MaxCached)
        {
            s_timeZones.TryAdd(id, zone);
        }

        return zone;
    }

    private static CultureInfo FindCulture(string name)
    {
        try
        {
            // predefinedOnly: ICU would otherwise make up a culture for any well-formed name.
            var culture = CultureInfo.GetCultureInfo(name.Replace('_', '-'), predefinedOnly: true);
            return culture.Equals(CultureInfo.InvariantCulture) ? DefaultCulture : culture;
        }
        catch (CultureNotFoundException)
        {
            return DefaultCulture;
        }
    }
}

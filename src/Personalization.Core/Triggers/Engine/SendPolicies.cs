using System.Collections.Concurrent;
using Personalization.Profiles;

namespace Personalization.Triggers.Engine;

/// <summary>The send policies of <see cref="SendPolicyOptions"/>, applied to an instance that came due.</summary>
internal sealed class SendPolicies
{
    private readonly SendPolicyOptions _options;
    private readonly TimeZoneInfo _defaultZone;
    private readonly ConcurrentDictionary<string, TimeZoneInfo> _zones = new(StringComparer.Ordinal);

    public SendPolicies(SendPolicyOptions options)
    {
        _options = options;
        _defaultZone = TryFindZone(options.DefaultTimeZone) ?? TimeZoneInfo.Utc;
    }

    /// <summary>Why <paramref name="profile"/> must not get <paramref name="trigger"/>'s email at all, or <see langword="null"/>.</summary>
    public string? SuppressionReason(TriggerDefinition trigger, string userId, CustomerProfile? profile)
    {
        if (profile is not null && TraitFlags.IsTrue(profile.Traits, TraitFlags.Unsubscribed))
        {
            return TriggerReasons.Unsubscribed;
        }

        if (_options.SuppressionList.Count > 0
            && (_options.SuppressionList.Contains(userId) || (profile?.Email is { } email && _options.SuppressionList.Contains(email))))
        {
            return TriggerReasons.Suppressed;
        }

        return profile is not null && TraitFlags.IsFalse(profile.Traits, TraitFlags.ConsentPrefix + trigger.Category) ? TriggerReasons.NoConsent : null;
    }

    /// <summary>Whether the user already had <see cref="SendPolicyOptions.FrequencyCap"/> sends in the window before
    /// <paramref name="dueTicks"/>. Forgets sends older than the window.</summary>
    public bool ReachedCap(TriggerUserRecord user, long dueTicks)
    {
        var windowStart = dueTicks - _options.FrequencyWindow.Ticks;
        // As RemoveAll(ticks => ticks <= windowStart), without a closure per call.
        var sends = user.RecentSends;
        var kept = 0;
        for (var i = 0; i < sends.Count; i++)
        {
            if (sends[i] > windowStart)
            {
                sends[kept++] = sends[i];
            }
        }

        sends.RemoveRange(kept, sends.Count - kept);
        return _options.FrequencyCap is { } cap && user.RecentSends.Count >= cap;
    }

    /// <summary>When the quiet hours that <paramref name="due"/> falls in end, in UTC; <see langword="null"/> when it
    /// is not in quiet hours (or there are none).</summary>
    public DateTimeOffset? QuietHoursEnd(CustomerProfile? profile, DateTimeOffset due)
    {
        if (_options.QuietHoursStart is not { } start || _options.QuietHoursEnd is not { } end || start == end)
        {
            return null;
        }

        var zone = Zone(profile);
        var local = TimeZoneInfo.ConvertTime(due, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var overnight = start > end;
        var quiet = overnight ? time >= start || time < end : time >= start && time < end;
        if (!quiet)
        {
            return null;
        }

        var endDate = overnight && time >= start ? local.Date.AddDays(1) : local.Date;
        var localEnd = endDate.Add(end.ToTimeSpan());
        return new DateTimeOffset(localEnd, zone.GetUtcOffset(localEnd)).ToUniversalTime();
    }

    public TimeSpan SendBy => _options.SendBy;

    private TimeZoneInfo Zone(CustomerProfile? profile)
    {
        if (profile is null || !profile.Traits.TryGetValue("timezone", out var value) || value is not string id || id.Length == 0)
        {
            return _defaultZone;
        }

        return _zones.GetOrAdd(id, static (zoneId, fallback) => TryFindZone(zoneId) ?? fallback, _defaultZone);
    }

    private static TimeZoneInfo? TryFindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}

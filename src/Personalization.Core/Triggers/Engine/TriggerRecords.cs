using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>A pending trigger instance, stored under <see cref="TriggerKeys.Instance"/>.</summary>
[MessagePackFormatter(typeof(TriggerInstanceFormatter))]
internal sealed class TriggerInstanceRecord
{
    /// <summary>The trigger's name.</summary>
    public required string Trigger { get; set; }

    /// <summary>The instance key.</summary>
    public required string InstanceKey { get; set; }

    /// <summary>The user's profile id.</summary>
    public required string UserId { get; set; }

    /// <summary>The user's entry count for this trigger when the instance started (part of the send key).</summary>
    public long Occurrence { get; set; }

    /// <summary>When the instance started (UTC ticks).</summary>
    public long EnteredAtTicks { get; set; }

    /// <summary>When the instance comes due (UTC ticks).</summary>
    public long DueAtTicks { get; set; }

    /// <summary>How often the due time was moved.</summary>
    public int Restarts { get; set; }

    /// <summary>The due time before any quiet-hours deferral (UTC ticks), for the send-by deadline; 0 when not deferred.</summary>
    public long OriginalDueTicks { get; set; }

    /// <summary>The due time (UTC ticks) under which the instance's timer entry is filed: its due time when it was
    /// entered, deferred or moved. A restart only moves the due time later, so it leaves the entry where it is (no bucket
    /// rewrite); when that second comes, the instance is filed again under its real due time. An entry of another
    /// second is stale. 0 in records of earlier versions: filed under <see cref="DueAtTicks"/>.</summary>
    public long FiledTicks { get; set; }

    /// <summary>The second of due time whose bucket holds the instance's live timer entry.</summary>
    public long FiledSecond => TriggerKeys.SecondOf(FiledTicks != 0 ? FiledTicks : DueAtTicks);

    /// <summary>The names of the events that started and restarted the instance, the last <see cref="MaxEvents"/>, as
    /// their MessagePack strings (decoded only for a send, see <see cref="PackedValues"/>).</summary>
    public PackedValues EventNames { get; } = new();

    /// <summary>Their timestamps (UTC ticks), in the same order.</summary>
    public PackedValues EventTicks { get; } = new();

    /// <summary>Their message ids ("" when an event had none), in the same order.</summary>
    public PackedValues EventIds { get; } = new();

    /// <summary>How many triggering events an instance keeps for its email.</summary>
    public const int MaxEvents = 5;

    /// <summary>Remembers one triggering event, forgetting the oldest beyond <see cref="MaxEvents"/>.</summary>
    public void AddEvent(string name, long ticks, string? messageId)
    {
        if (EventNames.Count >= MaxEvents)
        {
            EventNames.KeepLast(EventNames.Count - 1);
            EventTicks.KeepLast(EventTicks.Count - 1);
            EventIds.KeepLast(EventIds.Count - 1);
        }

        EventNames.Append(name);
        EventTicks.Append(ticks);
        EventIds.Append(messageId ?? string.Empty);
    }

    /// <summary>Makes this (reused) record a new instance with no events.</summary>
    public void Reset(string trigger, string instanceKey, string userId)
    {
        Trigger = trigger;
        InstanceKey = instanceKey;
        UserId = userId;
        Occurrence = 0;
        EnteredAtTicks = 0;
        DueAtTicks = 0;
        Restarts = 0;
        OriginalDueTicks = 0;
        FiledTicks = 0;
        EventNames.Clear();
        EventTicks.Clear();
        EventIds.Clear();
    }
}

/// <summary>The instances due within one second on one shard, stored under <see cref="TriggerKeys.Bucket"/>.</summary>
[MessagePackFormatter(typeof(TimerBucketFormatter))]
internal sealed class TimerBucketRecord
{
    /// <summary>The store keys of the instances (trigger and instance key).</summary>
    public List<string> Instances { get; set; } = [];

    /// <summary>The profile id of each instance's user, in the same order (to route the timer to the user's shard).</summary>
    public List<string> Users { get; set; } = [];
}

/// <summary>A user's trigger history, stored under <see cref="TriggerKeys.User"/>.</summary>
[MessagePackFormatter(typeof(TriggerUserFormatter))]
internal sealed class TriggerUserRecord
{
    /// <summary>When each trigger last fired for the user (UTC ticks of its due time).</summary>
    public Dictionary<string, long> LastFired { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many instances of each trigger the user entered.</summary>
    public Dictionary<string, long> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the user's recent sends were due (UTC ticks), oldest first, for the frequency cap.</summary>
    public List<long> RecentSends { get; set; } = [];

    /// <summary>The user's latest decisions, oldest first, bounded.</summary>
    public TriggerTrace Trace { get; set; } = new();

    /// <summary>Makes this (reused) record that of a user with no history.</summary>
    public void Clear()
    {
        LastFired.Clear();
        Entries.Clear();
        RecentSends.Clear();
        Trace.Clear();
    }
}

/// <summary>One entry of a user's decision trace.</summary>
internal sealed class TriggerDecisionRecord
{
    /// <summary>When it was decided (UTC ticks).</summary>
    public long AtTicks { get; set; }

    public required string Trigger { get; set; }

    public required string InstanceKey { get; set; }

    public required string Outcome { get; set; }

    public required string Reason { get; set; }
}

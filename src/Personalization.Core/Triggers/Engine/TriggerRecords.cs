using MessagePack;

namespace Personalization.Triggers.Engine;

/// <summary>A pending trigger instance, stored under <see cref="TriggerKeys.Instance"/>.</summary>
[MessagePackObject]
internal sealed class TriggerInstanceRecord
{
    /// <summary>The trigger's name.</summary>
    [Key(0)]
    public required string Trigger { get; set; }

    /// <summary>The instance key.</summary>
    [Key(1)]
    public required string InstanceKey { get; set; }

    /// <summary>The user's profile id.</summary>
    [Key(2)]
    public required string UserId { get; set; }

    /// <summary>The user's entry count for this trigger when the instance started (part of the send key).</summary>
    [Key(3)]
    public long Occurrence { get; set; }

    /// <summary>When the instance started (UTC ticks).</summary>
    [Key(4)]
    public long EnteredAtTicks { get; set; }

    /// <summary>When the instance comes due (UTC ticks).</summary>
    [Key(5)]
    public long DueAtTicks { get; set; }

    /// <summary>How often the due time was moved.</summary>
    [Key(6)]
    public int Restarts { get; set; }

    /// <summary>The due time before any quiet-hours deferral (UTC ticks), for the send-by deadline; 0 when not deferred.</summary>
    [Key(7)]
    public long OriginalDueTicks { get; set; }
}

/// <summary>The instances due within one second on one shard, stored under <see cref="TriggerKeys.Bucket"/>.</summary>
[MessagePackObject]
internal sealed class TimerBucketRecord
{
    /// <summary>The store keys of the instances (trigger and instance key).</summary>
    [Key(0)]
    public List<string> Instances { get; set; } = [];

    /// <summary>The profile id of each instance's user, in the same order (to route the timer to the user's shard).</summary>
    [Key(1)]
    public List<string> Users { get; set; } = [];
}

/// <summary>A user's trigger history, stored under <see cref="TriggerKeys.User"/>.</summary>
[MessagePackObject]
internal sealed class TriggerUserRecord
{
    /// <summary>When each trigger last fired for the user (UTC ticks of its due time).</summary>
    [Key(0)]
    public Dictionary<string, long> LastFired { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many instances of each trigger the user entered.</summary>
    [Key(1)]
    public Dictionary<string, long> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the user's recent sends were due (UTC ticks), oldest first, for the frequency cap.</summary>
    [Key(2)]
    public List<long> RecentSends { get; set; } = [];

    /// <summary>The user's latest decisions, oldest first, bounded.</summary>
    [Key(3)]
    public List<TriggerDecisionRecord> Trace { get; set; } = [];
}

/// <summary>One entry of a user's decision trace.</summary>
[MessagePackObject]
internal sealed class TriggerDecisionRecord
{
    [Key(0)]
    public long AtTicks { get; set; }

    [Key(1)]
    public required string Trigger { get; set; }

    [Key(2)]
    public required string InstanceKey { get; set; }

    [Key(3)]
    public required string Outcome { get; set; }

    [Key(4)]
    public required string Reason { get; set; }
}

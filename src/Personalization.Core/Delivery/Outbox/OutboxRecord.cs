using MessagePack;
using Personalization.Triggers;

namespace Personalization.Delivery.Outbox;

/// <summary>
/// One entry of the outbox log: a send decision (written by the trigger stage before anything is dispatched) or the
/// end of a send (written by delivery). Replaying the log rebuilds both the queue and the ledger.
/// </summary>
[MessagePackObject]
internal sealed class OutboxRecord
{
    /// <summary>A decision (<c>0</c>) or an ending (<c>1</c>).</summary>
    [Key(0)]
    public byte Kind { get; set; }

    /// <summary>The send key.</summary>
    [Key(1)]
    public string SendKey { get; set; } = "";

    /// <summary>The trigger's name.</summary>
    [Key(2)]
    public string Trigger { get; set; } = "";

    /// <summary>The recipient's profile id.</summary>
    [Key(3)]
    public string UserId { get; set; } = "";

    /// <summary>The instance key.</summary>
    [Key(4)]
    public string? InstanceKey { get; set; }

    /// <summary>When the instance started (UTC ticks).</summary>
    [Key(5)]
    public long EnteredAtTicks { get; set; }

    /// <summary>When it came due (UTC ticks).</summary>
    [Key(6)]
    public long DueTicks { get; set; }

    /// <summary>The template.</summary>
    [Key(7)]
    public string? Template { get; set; }

    /// <summary>The decision trail.</summary>
    [Key(8)]
    public string[]? Reasons { get; set; }

    /// <summary>The triggering events' names.</summary>
    [Key(9)]
    public string[]? EventNames { get; set; }

    /// <summary>The triggering events' timestamps (UTC ticks).</summary>
    [Key(10)]
    public long[]? EventTicks { get; set; }

    /// <summary>The triggering events' message ids.</summary>
    [Key(11)]
    public string?[]? EventMessageIds { get; set; }

    /// <summary>When the decision was submitted, on the wall clock (UTC ticks), for the delivery latency.</summary>
    [Key(12)]
    public long SubmittedTicks { get; set; }

    /// <summary>For an ending: its status.</summary>
    [Key(13)]
    public SendStatus Status { get; set; }

    /// <summary>For an ending: the attempts made.</summary>
    [Key(14)]
    public int Attempts { get; set; }

    /// <summary>For an ending: when it ended (UTC ticks).</summary>
    [Key(15)]
    public long EndedTicks { get; set; }

    /// <summary>For an ending: the reason.</summary>
    [Key(16)]
    public string? Reason { get; set; }

    /// <summary>For an ending: the last error.</summary>
    [Key(17)]
    public string? Error { get; set; }

    /// <summary>For a decision: the profile when the trigger decided (MessagePack), if any.</summary>
    [Key(18)]
    public byte[]? Profile { get; set; }

    // The record is internal: MessagePack's standard resolver only builds formatters for public types.
    internal static readonly MessagePackSerializerOptions SerializerOptions =
        MessagePackSerializerOptions.Standard.WithResolver(MessagePack.Resolvers.StandardResolverAllowPrivate.Instance);

    internal const byte DecisionKind = 0;
    internal const byte EndingKind = 1;

    [IgnoreMember]
    internal bool IsDecision => Kind == DecisionKind;

    internal static OutboxRecord ForDecision(SendIntent intent, long submittedTicks)
    {
        var events = intent.Events;
        var names = new string[events.Count];
        var ticks = new long[events.Count];
        var ids = new string?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            names[i] = events[i].Name;
            ticks[i] = events[i].Timestamp.UtcTicks;
            ids[i] = events[i].MessageId;
        }

        return new OutboxRecord
        {
            Kind = DecisionKind,
            SendKey = intent.SendKey,
            Trigger = intent.Trigger,
            UserId = intent.UserId,
            InstanceKey = intent.InstanceKey,
            EnteredAtTicks = intent.EnteredAt.UtcTicks,
            DueTicks = intent.Due.UtcTicks,
            Template = intent.Template,
            Reasons = [.. intent.Reasons],
            EventNames = names,
            EventTicks = ticks,
            EventMessageIds = ids,
            SubmittedTicks = submittedTicks,
            Profile = intent.Profile is { } profile ? SerializeProfile(profile) : null,
        };
    }

    private static byte[] SerializeProfile(Profiles.CustomerProfile profile)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        Profiles.ProfileSerializer.Serialize(buffer, profile);
        return buffer.WrittenSpan.ToArray();
    }

    internal static OutboxRecord ForEnding(SendRecord ending, string trigger, string userId) => new()
    {
        Kind = EndingKind,
        SendKey = ending.SendKey,
        Trigger = trigger,
        UserId = userId,
        Status = ending.Status,
        Attempts = ending.Attempts,
        EndedTicks = ending.At.UtcTicks,
        Reason = ending.Reason,
        Error = ending.Error,
    };

    internal SendIntent ToIntent()
    {
        var count = EventNames?.Length ?? 0;
        var events = new TriggeringEvent[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = new TriggeringEvent(EventNames![i], new DateTimeOffset(EventTicks![i], TimeSpan.Zero), EventMessageIds![i]);
        }

        return new SendIntent(SendKey, Trigger, UserId, InstanceKey ?? UserId, new DateTimeOffset(EnteredAtTicks, TimeSpan.Zero),
            new DateTimeOffset(DueTicks, TimeSpan.Zero), Template ?? "", Reasons ?? [])
        {
            Events = events,
            Profile = Profile is { } bytes ? Profiles.ProfileSerializer.Deserialize(bytes) : null,
        };
    }

    internal SendRecord ToEnding() =>
        new(SendKey, Status, Attempts, new DateTimeOffset(EndedTicks, TimeSpan.Zero), Reason, Error);
}

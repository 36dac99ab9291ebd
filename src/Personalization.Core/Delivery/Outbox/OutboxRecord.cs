using MessagePack;
using Personalization.Triggers;

namespace Personalization.Delivery.Outbox;

/// <summary>
/// One entry of the outbox log: a send decision (written by the trigger stage before anything is dispatched) or the
/// end of a send (written by delivery). Replaying the log rebuilds both the queue and the ledger.
/// </summary>
[MessagePackFormatter(typeof(OutboxRecordFormatter))]
internal sealed class OutboxRecord
{
    /// <summary>A decision (<c>0</c>) or an ending (<c>1</c>).</summary>
    public byte Kind { get; set; }

    /// <summary>The send key.</summary>
    public string SendKey { get; set; } = "";

    /// <summary>The trigger's name.</summary>
    public string Trigger { get; set; } = "";

    /// <summary>The recipient's profile id.</summary>
    public string UserId { get; set; } = "";

    /// <summary>The instance key.</summary>
    public string? InstanceKey { get; set; }

    /// <summary>When the instance started (UTC ticks).</summary>
    public long EnteredAtTicks { get; set; }

    /// <summary>When it came due (UTC ticks).</summary>
    public long DueTicks { get; set; }

    /// <summary>The template.</summary>
    public string? Template { get; set; }

    /// <summary>The decision trail.</summary>
    public string[]? Reasons { get; set; }

    /// <summary>The triggering events' names.</summary>
    public string[]? EventNames { get; set; }

    /// <summary>The triggering events' timestamps (UTC ticks).</summary>
    public long[]? EventTicks { get; set; }

    /// <summary>The triggering events' message ids.</summary>
    public string?[]? EventMessageIds { get; set; }

    /// <summary>When the decision was submitted, on the wall clock (UTC ticks), for the delivery latency.</summary>
    public long SubmittedTicks { get; set; }

    /// <summary>For an ending: its status.</summary>
    public SendStatus Status { get; set; }

    /// <summary>For an ending: the attempts made.</summary>
    public int Attempts { get; set; }

    /// <summary>For an ending: when it ended (UTC ticks).</summary>
    public long EndedTicks { get; set; }

    /// <summary>For an ending: the reason.</summary>
    public string? Reason { get; set; }

    /// <summary>For an ending: the last error.</summary>
    public string? Error { get; set; }

    /// <summary>For a decision: the profile when the trigger decided (MessagePack), if any.</summary>
    public byte[]? Profile { get; set; }

    // The record is internal; its formatter is named by the attribute, which the standard resolver honours.
    internal static readonly MessagePackSerializerOptions SerializerOptions = MessagePackSerializerOptions.Standard;

    internal const byte DecisionKind = 0;
    internal const byte EndingKind = 1;
    internal const byte ErasureKind = 2;

    internal bool IsDecision => Kind == DecisionKind;

    internal bool IsErasure => Kind == ErasureKind;

    /// <summary>A user was erased here: decisions about them before this record are not sent, and their endings
    /// before it are not put back into the ledger at the next start.</summary>
    internal static OutboxRecord ForErasure(string userId) => new() { Kind = ErasureKind, UserId = userId };

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
            Profile = intent.ProfileBytes ?? (intent.Profile is { } profile ? SerializeProfile(profile) : null),
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

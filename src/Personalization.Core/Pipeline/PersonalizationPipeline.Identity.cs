using Personalization.Events;
using Personalization.Internal;

namespace Personalization.Pipeline;

// Identity resolution and merges, in the routing stage (the one thread that hands events to the shards).
public sealed partial class PersonalizationPipeline
{
    // Resolves the event's profile id through the merges so far, and starts a merge when the event asks for one (an
    // identify with both ids, or an alias). Returns the profile id the event is routed by.
    //
    // A merge runs on the target's shard, before the event that asked for it. When the merged profile lives on another
    // shard, that shard first gets a hand-over item: there, after every event of the merged id routed before the merge,
    // the id's profile and trigger state are taken out of the store and handed to the target's shard, which waits for
    // them; every later event of the id is routed to the target. A merge only waits for hand-overs routed before it, so
    // two merges can never wait for each other.
    private async ValueTask<string> ResolveIdentityAsync(PipelineItem item, SegmentEvent @event)
    {
        var aliases = _aliases!;
        var profileId = @event.ProfileId!;
        var target = aliases.Resolve(profileId);
        if (!ReferenceEquals(target, profileId))
        {
            @event = item.Event = WithUserId(@event, target);
        }

        if (MergeSource(@event) is not { } source || source == target)
        {
            return target;
        }

        var sourceTarget = aliases.Resolve(source);
        if (!ReferenceEquals(sourceTarget, source))
        {
            // Already merged: into this user (a repeated identify) or into another one (a shared device), whose
            // profile is not taken apart.
            if (sourceTarget != target)
            {
                _metrics.IdentityMerge("skipped");
            }

            return target;
        }

        aliases.Link(source, target);
        item.MergeFrom = source;
        var sourceShard = StableHash.Shard(source, _shards.Length);
        if (sourceShard != StableHash.Shard(target, _shards.Length))
        {
            var handoff = new MergeHandoff(source);
            item.MergeHandoff = handoff;
            await WriteAsync(_shards[sourceShard].Writer, PipelineItem.ForHandoff(handoff)).ConfigureAwait(false);
        }

        return target;
    }

    // The id an identify (its anonymousId, when it has a userId too) or an alias (its previousId) merges into its user.
    private static string? MergeSource(SegmentEvent @event) => @event.Type switch
    {
        SegmentEventType.Identify when !string.IsNullOrEmpty(@event.UserId) && !string.IsNullOrEmpty(@event.AnonymousId) => @event.AnonymousId,
        SegmentEventType.Alias when !string.IsNullOrEmpty(@event.UserId) && !string.IsNullOrEmpty(@event.PreviousId) => @event.PreviousId,
        _ => null,
    };

    // The event of a merged id, routed to and applied on the profile it was merged into; the original id stays as the
    // anonymous id when the event had none.
    private static SegmentEvent WithUserId(SegmentEvent @event, string userId) => new()
    {
        MessageId = @event.MessageId,
        Type = @event.Type,
        UserId = userId,
        AnonymousId = string.IsNullOrEmpty(@event.AnonymousId) ? @event.UserId : @event.AnonymousId,
        Event = @event.Event,
        Name = @event.Name,
        PreviousId = @event.PreviousId,
        Timestamp = @event.Timestamp,
        Properties = @event.Properties,
        Traits = @event.Traits,
        Context = @event.Context,
    };
}

using Personalization.Profiles;

namespace Personalization.Pipeline;

/// <summary>
/// The profiles a shard applied events to recently, as objects, so that the next event of a user in the middle of a
/// visit updates the profile it already has instead of deserializing the stored bytes again (the largest allocation
/// of the enrich stage). Write-through: the store stays the source of truth and is written on every event; the cache
/// only spares the read. One shard's thread uses it, so it has no locks.
/// </summary>
/// <remarks>
/// Two generations approximate least-recently-used at no cost per hit: entries go into the young generation; when it
/// holds <c>capacity / 2</c> profiles it becomes the old one and the previous old one is dropped. A hit in the old
/// generation moves the profile back to the young one. Every path that changes a stored profile other than the
/// shard's own write after an event (merges, erasure, a failed apply) removes the entry.
/// </remarks>
internal sealed class ProfileCache
{
    private readonly int _generationSize;
    private Dictionary<string, CustomerProfile> _young;
    private Dictionary<string, CustomerProfile> _old;

    /// <param name="capacity">The most profiles kept; 0 turns the cache off.</param>
    public ProfileCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _generationSize = capacity / 2;
        _young = new Dictionary<string, CustomerProfile>(StringComparer.Ordinal);
        _old = new Dictionary<string, CustomerProfile>(StringComparer.Ordinal);
    }

    /// <summary>How many lookups found their profile.</summary>
    public long Hits { get; private set; }

    /// <summary>How many lookups did not.</summary>
    public long Misses { get; private set; }

    public bool TryGet(string profileId, out CustomerProfile profile)
    {
        if (_young.TryGetValue(profileId, out profile!))
        {
            Hits++;
            return true;
        }

        if (_old.Remove(profileId, out profile!))
        {
            Hits++;
            Add(profileId, profile);
            return true;
        }

        Misses++;
        return false;
    }

    /// <summary>Keeps <paramref name="profile"/> as the current state of <paramref name="profileId"/>.</summary>
    public void Set(string profileId, CustomerProfile profile)
    {
        if (_generationSize == 0)
        {
            return;
        }

        if (_young.ContainsKey(profileId))
        {
            _young[profileId] = profile;
            return;
        }

        _old.Remove(profileId);
        Add(profileId, profile);
    }

    /// <summary>Forgets <paramref name="profileId"/>: its stored profile changed some other way, or is gone.</summary>
    public void Remove(string profileId)
    {
        _young.Remove(profileId);
        _old.Remove(profileId);
    }

    /// <summary>Forgets every profile.</summary>
    public void Clear()
    {
        _young.Clear();
        _old.Clear();
    }

    private void Add(string profileId, CustomerProfile profile)
    {
        if (_young.Count >= _generationSize)
        {
            (_old, _young) = (_young, _old);
            _young.Clear();
        }

        _young[profileId] = profile;
    }
}

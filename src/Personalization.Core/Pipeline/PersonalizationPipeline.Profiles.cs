using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Personalization.Profiles;
using Personalization.Storage;

namespace Personalization.Pipeline;

public sealed partial class PersonalizationPipeline
{
    // Readers borrow a store session from this pool: FASTER sessions are single-threaded, so never shared at once.
    private readonly ConcurrentBag<IKeyValueSession> _readerSessions = [];
    private int _activeReaders;

    /// <inheritdoc />
    public ValueTask<CustomerProfile?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        if (userId.Length > StoreKeys.MaxIdBytes)
        {
            return ValueTask.FromResult<CustomerProfile?>(null);
        }

        var session = RentReader();
        try
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            var profile = ProfileRecords.Read(session, userId, buffer);
            if (profile is null && IdentityAliases.TryRead(session, userId, new byte[StoreKeys.BufferSize], buffer, out var mergedInto))
            {
                // An id merged into another (an anonymous visitor who identified) reads as the profile it joined.
                profile = ProfileRecords.Read(session, mergedInto, buffer);
            }

            return ValueTask.FromResult(profile);
        }
        finally
        {
            ReturnReader(session);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerProfile> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var session = RentReader();
        try
        {
            foreach (var record in session.Scan(StoreKeys.Profile))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return ProfileSerializer.Deserialize(record.Value);
            }
        }
        finally
        {
            ReturnReader(session);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private IKeyValueSession RentReader()
    {
        Interlocked.Increment(ref _activeReaders);
        if (_state is not (1 or 2))
        {
            Interlocked.Decrement(ref _activeReaders);
            throw new InvalidOperationException(_state == 0
                ? "The pipeline is not started: profiles can be read once it runs."
                : "The pipeline is stopped: its store is closed.");
        }

        return _readerSessions.TryTake(out var session) ? session : _store!.OpenSession();
    }

    private void ReturnReader(IKeyValueSession session)
    {
        _readerSessions.Add(session);
        Interlocked.Decrement(ref _activeReaders);
    }

    // The store closes only after the last reader has given its session back.
    private void WaitForReaders() => SpinWait.SpinUntil(() => Volatile.Read(ref _activeReaders) == 0);
}

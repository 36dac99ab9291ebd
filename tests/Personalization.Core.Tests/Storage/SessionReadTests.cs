using System.Buffers;
using Personalization.Storage;
using Personalization.Tests.Support;

namespace Personalization.Tests.Storage;

/// <summary>
/// A session reads values into a reused buffer of its own: values of any size read back whole and exact, whether they
/// fit the buffer or not, one after the other, from memory and from disk.
/// </summary>
public class SessionReadTests
{
    private static readonly int[] s_sizes =
    [
        0, 1, 100, FasterKeyValueSession.InitialBufferLength - 1, FasterKeyValueSession.InitialBufferLength,
        FasterKeyValueSession.InitialBufferLength + 1, 5_000, 70_000, FasterKeyValueSession.MaxBufferLength + 1,
    ];

    [Test]
    public async Task Values_larger_and_smaller_than_the_buffer_read_back_whole_in_any_order()
    {
        using var directory = new TempDirectory();
        var store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            foreach (var size in s_sizes)
            {
                session.Upsert(Key(size), Value(size));
            }

            // Ascending sizes grow the buffer, descending ones then fit in a larger buffer than they need, mixed ones both.
            var order = s_sizes.Concat(s_sizes.Reverse()).Concat(s_sizes.OrderBy(size => size % 7)).ToList();
            var value = new ArrayBufferWriter<byte>();
            foreach (var size in order)
            {
                value.ResetWrittenCount();
                Assert.That(session.TryRead(Key(size), value), Is.True, $"size {size}");
                Assert.That(value.WrittenSpan.SequenceEqual(Value(size)), Is.True, $"size {size}");
            }
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_read_appends_to_what_the_writer_holds_and_an_absent_key_writes_nothing()
    {
        using var directory = new TempDirectory();
        var store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            session.Upsert(Key(5_000), Value(5_000));
            var value = new ArrayBufferWriter<byte>();
            value.Write(Value(3));

            var found = session.TryRead(Key(5_000), value);
            var absent = session.TryRead(Key(6_000), value);

            Assert.Multiple(() =>
            {
                Assert.That(found, Is.True);
                Assert.That(absent, Is.False);
                Assert.That(value.WrittenSpan.ToArray(), Is.EqualTo(Value(3).Concat(Value(5_000)).ToArray()));
            });
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Test]
    public async Task Values_evicted_to_disk_read_back_whole_whether_or_not_they_fit_the_buffer()
    {
        using var directory = new TempDirectory();
        var store = Open(directory);
        try
        {
            using var session = store.OpenSession();
            foreach (var size in s_sizes)
            {
                session.Upsert(Key(size), Value(size));
            }

            // Far more than the memory budget of other records after them: the first ones are only on disk.
            var filler = new byte[2_000];
            for (var i = 0; i < 40_000; i++)
            {
                session.Upsert(StoreKeys.Create((byte)'f', i.ToString(System.Globalization.CultureInfo.InvariantCulture)), filler);
            }

            var value = new ArrayBufferWriter<byte>();
            foreach (var size in s_sizes.Concat(s_sizes.Reverse()))
            {
                value.ResetWrittenCount();
                Assert.That(session.TryRead(Key(size), value), Is.True, $"size {size}");
                Assert.That(value.WrittenSpan.SequenceEqual(Value(size)), Is.True, $"size {size}");
            }

            // A fresh session starts with the smallest buffer, so the values beyond it come from disk through rented memory.
            using var fresh = store.OpenSession();
            foreach (var size in s_sizes)
            {
                value.ResetWrittenCount();
                Assert.That(fresh.TryRead(Key(size), value), Is.True, $"size {size}");
                Assert.That(value.WrittenSpan.SequenceEqual(Value(size)), Is.True, $"size {size}");
            }

            Assert.That(fresh.TryRead(Key(7), value), Is.False);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    // Small memory (records spill to disk early) with pages large enough for the largest value.
    private static FasterKeyValueStore Open(TempDirectory directory) =>
        FasterKeyValueStore.Open(directory.Combine("store"), directory.Combine("checkpoints"), new StoreOptions
        {
            MemoryBudgetBytes = 16L << 20,
            IndexSizeBytes = 1L << 20,
            PageSizeBytes = 4L << 20,
        });

    private static byte[] Key(int size) =>
        StoreKeys.Create((byte)'v', size.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // A value whose bytes depend on its size and position, so a value cut short or mixed with another one shows.
    private static byte[] Value(int size)
    {
        var value = new byte[size];
        for (var i = 0; i < size; i++)
        {
            value[i] = (byte)((i * 31) + size);
        }

        return value;
    }
}

using System.Collections.Concurrent;
using Personalization.Tests.Support;

namespace Personalization.Tests.Pipeline;

public class ReadWhileStoppingTests
{
    [Test]
    [Repeat(3)]
    public async Task Reads_racing_a_stop_either_see_the_profile_or_fail_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 1);
        await pipeline.IngestAsync(TestEvents.Track("u1", "Clicked"));
        await pipeline.FlushAsync();
        var unexpected = new ConcurrentQueue<Exception>();
        var stopped = 0;

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    var profile = await pipeline.GetAsync("u1");
                    if (profile?.EventCount != 1)
                    {
                        unexpected.Enqueue(new InvalidOperationException("read " + (profile?.EventCount.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")));
                    }
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("stopped", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref stopped);
                    return;
                }
                catch (Exception ex)
                {
                    unexpected.Enqueue(ex);
                    return;
                }
            }
        })).ToArray();

        await pipeline.StopAsync().WaitAsync(TestPipelines.Timeout);
        await Task.WhenAll(readers).WaitAsync(TestPipelines.Timeout);
        await pipeline.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty);
            Assert.That(stopped, Is.EqualTo(4));
        });
    }
}

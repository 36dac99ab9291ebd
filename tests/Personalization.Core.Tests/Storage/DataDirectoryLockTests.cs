using Personalization.Storage;
using Personalization.Tests.Support;

namespace Personalization.Tests.Storage;

public class DataDirectoryLockTests
{
    [Test]
    public async Task A_second_pipeline_on_the_same_data_directory_fails_to_start_naming_the_directory()
    {
        using var directory = new TempDirectory();
        await using var first = await TestPipelines.StartAsync(directory.Path);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => TestPipelines.StartAsync(directory.Path));

        Assert.That(error!.Message, Does.Contain(directory.Path)
            .And.Contain("in use")
            .And.Contain(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(first.IsRunning, Is.True, "the running pipeline is not disturbed");
    }

    [Test]
    public async Task The_data_directory_can_be_opened_again_once_its_pipeline_stopped()
    {
        using var directory = new TempDirectory();
        var first = await TestPipelines.StartAsync(directory.Path);
        await first.IngestAsync(TestEvents.Track("u1", "Clicked"));
        await first.DisposeAsync();

        await using var second = await TestPipelines.StartAsync(directory.Path);

        Assert.That((await second.GetAsync("u1"))?.EventCount, Is.EqualTo(1));
    }

    [Test]
    public void The_lock_is_exclusive_until_disposed()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("data");

        var held = DataDirectoryLock.Acquire(path);
        Assert.That(() => DataDirectoryLock.Acquire(path), Throws.InvalidOperationException.With.Message.Contains(path));
        held.Dispose();

        using var again = DataDirectoryLock.Acquire(path);
        Assert.That(File.Exists(Path.Combine(path, "personalization.lock")), Is.True);
    }

    [Test]
    public async Task A_start_that_fails_releases_the_data_directory()
    {
        using var directory = new TempDirectory();
        // A file where the store's directory belongs makes opening the store fail after the lock was taken.
        var blocker = Path.Combine(directory.Path, "store");
        await File.WriteAllTextAsync(blocker, "not a directory");

        Assert.That(() => TestPipelines.StartAsync(directory.Path), Throws.InstanceOf<IOException>());

        File.Delete(blocker);
        await using var pipeline = await TestPipelines.StartAsync(directory.Path);
        Assert.That(pipeline.IsRunning, Is.True);
    }
}

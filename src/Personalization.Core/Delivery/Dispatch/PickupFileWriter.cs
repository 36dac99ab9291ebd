using System.Collections.Concurrent;

namespace Personalization.Delivery.Dispatch;

/// <summary>
/// Writes the pickup folder's files on threads of its own. Creating a file is a blocking call that can take
/// milliseconds (seconds when the kernel throttles writers of dirty pages): on the thread pool, a burst of sends would
/// take the threads the pipeline's stages run on, and every stage would stall until the pool grows.
/// </summary>
internal sealed class PickupFileWriter : IDisposable
{
    private const int QueueCapacity = 64;

    private readonly BlockingCollection<Request> _queue = new();
    private readonly SemaphoreSlim _space = new(QueueCapacity, QueueCapacity);

    public PickupFileWriter(int threads)
    {
        for (var i = 0; i < threads; i++)
        {
            var thread = new Thread(Run) { IsBackground = true, Name = "Personalization pickup writer" };
            thread.Start();
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public async Task WriteAsync(string directory, string path, MemoryStream content, CancellationToken cancellationToken)
    {
        await _space.WaitAsync(cancellationToken).ConfigureAwait(false);
        var request = new Request(directory, path, content);
        try
        {
            _queue.Add(request, CancellationToken.None);
        }
        catch
        {
            _space.Release();
            throw;
        }

        await request.Done.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        foreach (var request in _queue.GetConsumingEnumerable())
        {
            try
            {
                Write(request);
                request.Done.TrySetResult();
            }
            catch (Exception error)
            {
                request.Done.TrySetException(error);
            }
            finally
            {
                _space.Release();
            }
        }
    }

    private static void Write(Request request)
    {
        // Created on every write (one stat when it exists), so a directory removed while running comes back.
        Directory.CreateDirectory(request.Directory);
        var temporary = Path.Combine(request.Directory, $".{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(request.Content.GetBuffer(), 0, (int)request.Content.Length);
            }

            File.Move(temporary, request.Path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray .tmp file is never read as an email.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    /// <summary>Lets the writer threads finish what is queued and end.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private sealed record Request(string Directory, string Path, MemoryStream Content)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Personalization.IntegrationTests.Support;

/// <summary>
/// The Replay sample running as a real child process (<c>dotnet Personalization.Samples.Replay.dll ...</c>), with
/// its stdout kept and its stderr kept line by line, to wait for a line, kill it with <c>SIGKILL</c> or let it finish.
/// Disposing kills it if it still runs.
/// </summary>
internal sealed class ReplayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReplayProcess(Process process) => _process = process;

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether it has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Whether <see cref="KillAsync"/> killed it.</summary>
    public bool Killed { get; private set; }

    /// <summary>Everything it wrote on stdout so far.</summary>
    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything it wrote on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>Starts <c>dotnet Personalization.Samples.Replay.dll</c> with <paramref name="arguments"/>.</summary>
    public static ReplayProcess Start(IEnumerable<string> arguments)
    {
        // dotnet test tells the test host where its dotnet is; a bare "dotnet" from PATH otherwise.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ReplaySampleAssembly.Path);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var replay = new ReplayProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (replay._stdout)
                {
                    replay._stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) => replay.OnStderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return replay;
    }

    /// <summary>Waits for a stderr line that matches <paramref name="match"/> and returns it; null when the process
    /// closed stderr (exited) without writing one.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var checkedLines = 0;
        while (true)
        {
            Task arrived;
            lock (_stderr)
            {
                for (; checkedLines < _stderr.Count; checkedLines++)
                {
                    if (match(_stderr[checkedLines]))
                    {
                        return _stderr[checkedLines];
                    }
                }

                if (_stderrClosed.Task.IsCompleted)
                {
                    return null;
                }

                arrived = _lineArrived.Task;
            }

            var left = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The replay (pid {Id}) wrote no matching line within {timeout}. Its stderr:\n{Stderr}");
            }

            try
            {
                await arrived.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Checked once more at the top, then reported with the stderr.
            }
        }
    }

    /// <summary>Sends <c>SIGKILL</c> (to the whole process tree) and waits until it is gone; returns the exit code.</summary>
    public async Task<int> KillAsync()
    {
        if (!_process.HasExited)
        {
            Killed = true;
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>Waits for the process to end on its own and returns its exit code.</summary>
    /// <exception cref="TimeoutException">It still ran after <paramref name="timeout"/>; it is killed.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"The replay (pid {Id}) did not finish within {timeout}; it was killed. Its stderr:\n{Stderr}");
        }

        // WaitForExitAsync also waits for the redirected streams to close, so stdout and stderr are complete.
        return _process.ExitCode;
    }

    /// <summary>The JSON result it printed (run with <c>--json</c>).</summary>
    public JsonElement JsonResult()
    {
        var stdout = Stdout;
        try
        {
            using var document = JsonDocument.Parse(stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The replay (pid {Id}) printed no JSON result ({ex.Message}). stdout:\n{stdout}\nstderr:\n{Stderr}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It never started or is already gone.
        }

        _process.Dispose();
    }

    private void OnStderr(string? line)
    {
        TaskCompletionSource arrived;
        lock (_stderr)
        {
            if (line is null)
            {
                _stderrClosed.TrySetResult();
            }
            else
            {
                _stderr.Add(line);
            }

            arrived = _lineArrived;
            _lineArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }
}

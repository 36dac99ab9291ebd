using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Personalization.Benchmarks.Support;
using StackExchange.Redis;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// A private <c>redis-server</c> for the Redis baseline: started from PATH on a free loopback port with persistence
/// off (<c>--save "" --appendonly no</c>) in a temporary directory, and stopped on dispose.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private RedisServer(Process process, TempDirectory directory, ConnectionMultiplexer connection, string version)
    {
        _process = process;
        _directory = directory;
        Connection = connection;
        Version = version;
    }

    public ConnectionMultiplexer Connection { get; }

    /// <summary>The server's <c>redis_version</c>.</summary>
    public string Version { get; }

    /// <summary>The full path of <c>redis-server</c> on PATH, or <see langword="null"/> when it is not installed.</summary>
    public static string? FindExecutable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<RedisServer> StartAsync(string executable)
    {
        var port = FreeLoopbackPort();
        var directory = new TempDirectory("personalization-redis");
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty,
            "--appendonly", "no", "--dir", directory.Path, "--daemonize", "no", "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var configuration = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)},abortConnect=false,connectTimeout=2000";
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            ConnectionMultiplexer? connection = null;
            try
            {
                connection = await ConnectionMultiplexer.ConnectAsync(configuration);
                if (connection.IsConnected)
                {
                    var version = connection.GetServer(connection.GetEndPoints()[0]).Version.ToString();
                    return new RedisServer(process, directory, connection, version);
                }
            }
            catch (RedisConnectionException)
            {
                // Not listening yet: try again below.
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            if (process.HasExited || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                await StopAsync(process);
                directory.Dispose();
                throw new InvalidOperationException($"redis-server did not accept connections on port {port} within 10 s.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await StopAsync(_process);
        _directory.Dispose();
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

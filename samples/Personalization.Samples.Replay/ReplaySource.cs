using System.Globalization;
using Personalization.Collect;
using Personalization.Events;

namespace Personalization.Samples.Replay;

/// <summary>Where the replayed events come from: generated traffic, a Segment JSON Lines file or a REES46 CSV file.</summary>
internal sealed class ReplaySource : IDisposable
{
    private readonly FileStream? _file;
    private readonly long _expected;

    private ReplaySource(string description, IEnumerable<ReplayRecord> records, FileStream? file, long expected)
    {
        Description = description;
        Records = records;
        _file = file;
        _expected = expected;
    }

    /// <summary>What is replayed, for the report.</summary>
    public string Description { get; }

    /// <summary>The records, read lazily.</summary>
    public IEnumerable<ReplayRecord> Records { get; }

    /// <summary>The share of the input read so far (0 to 1), after <paramref name="read"/> records.</summary>
    public double Fraction(long read)
    {
        if (_file is null)
        {
            return _expected == 0 ? 1 : Math.Min(1.0, (double)read / _expected);
        }

        var length = _file.Length;
        return length == 0 ? 1 : Math.Min(1.0, (double)_file.Position / length);
    }

    /// <summary>Opens the input that <paramref name="options"/> name.</summary>
    /// <exception cref="ReplayInputException">The file is missing, unreadable or of an unknown kind.</exception>
    public static ReplaySource Open(ReplayOptions options)
    {
        if (options.Input is null)
        {
            var generator = new TrafficGenerator(options.Events, options.Users, options.Seed,
                new DateTimeOffset(2025, 11, 3, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(options.Days));
            var description = string.Create(CultureInfo.InvariantCulture,
                $"generated shop traffic: {options.Events:N0} events, {options.Users:N0} users, {options.Days} days, seed {options.Seed}");
            return new ReplaySource(description, Wrap(generator.Generate()), null, options.Events);
        }

        var path = options.Input;
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".jsonl" or ".csv"))
        {
            throw new ReplayInputException(
                $"cannot read '{path}': unknown file kind '{extension}'; use .jsonl (Segment JSON Lines) or .csv (REES46 e-commerce CSV).");
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ReplayInputException($"cannot read '{path}': {ex.Message}", ex);
        }

        var kind = extension == ".csv" ? "REES46 e-commerce CSV" : "Segment JSON Lines";
        var records = extension == ".csv" ? EcommerceCsvReader.Read(file) : SegmentJsonLinesReader.Read(file);
        var size = file.Length < 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{file.Length / 1024.0:N1} KB")
            : string.Create(CultureInfo.InvariantCulture, $"{file.Length / 1024.0 / 1024.0:N1} MB");
        return new ReplaySource($"{Path.GetFileName(path)} ({kind}, {size})", records, file, 0);
    }

    private static IEnumerable<ReplayRecord> Wrap(IEnumerable<SegmentEvent> events)
    {
        long line = 0;
        foreach (var @event in events)
        {
            yield return new ReplayRecord(++line, SegmentParseResult.Ok(@event), string.Empty);
        }
    }

    public void Dispose() => _file?.Dispose();
}

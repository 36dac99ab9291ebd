namespace Personalization.DeadLetters;

/// <summary>
/// The bounds of the dead-letter store (<c>&lt;data&gt;/deadletters/</c>): rejected events and failed sends, kept for
/// inspection and replay. The store is written in segment files; the oldest segment goes first when a bound is
/// reached, and what it held is counted (<see cref="DeadLetterStatistics.DroppedBySize"/>,
/// <see cref="DeadLetterStatistics.DroppedByAge"/>).
/// </summary>
public sealed class DeadLetterOptions
{
    /// <summary>The most bytes all dead letters may take on disk. When an append would go over it, the oldest
    /// segments are deleted first.</summary>
    /// <value>The default is 256 MiB. Between 64 KiB and 1 TiB.</value>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long a dead letter is kept. Entries are dropped a whole segment at a time, on append and at each
    /// checkpoint, once the newest entry of their segment is older than this; a segment is closed once its first entry
    /// is older than a sixteenth of it, so an entry stays at most that much longer.</summary>
    /// <value>The default is 30 days. Between 1 minute and 3,650 days.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The most bytes of an entry's raw payload that are kept; a longer payload is cut to this length (at a
    /// character boundary when it is text) and the entry is marked <see cref="DeadLetter.RawTruncated"/>.</summary>
    /// <value>The default is 64 KiB. Between 256 bytes and 16 MiB, and at most a quarter of <see cref="MaxBytes"/>.</value>
    public int MaxRawBytes { get; set; } = 64 * 1024;

    /// <summary>The size at which a segment file is closed and a new one started: the unit in which
    /// <see cref="MaxBytes"/> is enforced.</summary>
    /// <value>The default is <see langword="null"/>: a sixteenth of <see cref="MaxBytes"/>. When set, between 4 KiB
    /// and a quarter of <see cref="MaxBytes"/>.</value>
    public long? SegmentBytes { get; set; }

    /// <summary>The segment size in effect: <see cref="SegmentBytes"/>, or a sixteenth of <see cref="MaxBytes"/>.</summary>
    internal long EffectiveSegmentBytes => SegmentBytes ?? Math.Max(4096, MaxBytes / 16);
}

using System.Globalization;

namespace Personalization.DeadLetters;

/// <summary>Checks <see cref="DeadLetterOptions"/> with the rest of the pipeline's options; each error names the
/// setting and its value.</summary>
internal static class DeadLetterOptionsValidator
{
    private const long MinMaxBytes = 64 * 1024;
    private const long MaxMaxBytes = 1L << 40;

    /// <summary>Adds one message to <paramref name="errors"/> for every bad setting of <paramref name="options"/>.</summary>
    public static void Validate(DeadLetterOptions? options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (options is null)
        {
            errors.Add("DeadLetters must be set.");
            return;
        }

        if (options.MaxBytes is < MinMaxBytes or > MaxMaxBytes)
        {
            errors.Add(Invariant($"DeadLetters.MaxBytes must be between 65536 (64 KiB) and 1099511627776 (1 TiB); it is {options.MaxBytes}."));
        }

        if (options.MaxAge < TimeSpan.FromMinutes(1) || options.MaxAge > TimeSpan.FromDays(3650))
        {
            errors.Add(Invariant($"DeadLetters.MaxAge must be between 00:01:00 and 3650.00:00:00; it is {options.MaxAge}."));
        }

        if (options.MaxRawBytes is < 256 or > 16 * 1024 * 1024 || options.MaxRawBytes > options.MaxBytes / 4)
        {
            errors.Add(Invariant($"DeadLetters.MaxRawBytes must be between 256 and 16777216 (16 MiB) and at most a quarter of MaxBytes ({options.MaxBytes / 4}); it is {options.MaxRawBytes}."));
        }

        if (options.SegmentBytes is { } segment && (segment < 4096 || segment > options.MaxBytes / 4))
        {
            errors.Add(Invariant($"DeadLetters.SegmentBytes must be between 4096 and a quarter of MaxBytes ({options.MaxBytes / 4}); it is {segment}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

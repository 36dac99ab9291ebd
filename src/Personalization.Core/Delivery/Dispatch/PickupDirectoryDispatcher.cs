using System.Security.Cryptography;
using System.Text;

namespace Personalization.Delivery.Dispatch;

/// <summary>
/// Writes each email as an <c>.eml</c> file into a directory, for a mail server's pickup folder, for tests and for
/// looking at what would be sent. Named <c>pickup</c> in metrics and logs.
/// </summary>
/// <remarks>
/// <para>The file name comes from the email's <c>Message-ID</c>, which comes from the send key: sending the same
/// decision again overwrites its file instead of adding a second one.</para>
/// <para>Each email is written to a temporary file (<c>.tmp</c>, not <c>.eml</c>) in the same directory and then
/// renamed over the final name, so a reader that picks up <c>*.eml</c> never sees half a file. The file is not
/// flushed to disk before the rename: after a power loss an email may be missing, never torn.</para>
/// </remarks>
public sealed class PickupDirectoryDispatcher : IEmailDispatcher, IDisposable
{
    /// <summary>The extension of the files this dispatcher writes.</summary>
    public const string FileExtension = ".eml";

    // File names stay well under the 255-byte limit of common file systems, hash and extension included.
    private const int MaxReadableChars = 120;

    private readonly string _directory;
    private readonly TimeProvider _timeProvider;
    private readonly PickupFileWriter _writer = new(threads: 2);

    /// <summary>Creates a dispatcher that writes into <see cref="PickupDirectoryOptions.Directory"/>.</summary>
    /// <param name="options">The directory.</param>
    /// <param name="timeProvider">The clock for the <c>Date</c> header; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A setting is bad; the message lists each one.</exception>
    public PickupDirectoryDispatcher(PickupDirectoryOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Bad pickup directory options: {string.Join(" ", errors)}", nameof(options));
        }

        _directory = Path.GetFullPath(options.Directory!);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "pickup";

    /// <summary>The full path of the directory emails are written to.</summary>
    public string Directory => _directory;

    /// <inheritdoc />
    public async Task DispatchAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        using var mime = MimeMessages.Create(message, _timeProvider.GetUtcNow());

        // Formatted in memory and written with one call on the writer's own threads (see PickupFileWriter).
        using var content = new MemoryStream(4096);
        await mime.WriteToAsync(content, cancellationToken).ConfigureAwait(false);
        await _writer.WriteAsync(_directory, Path.Combine(_directory, FileName(message.MessageId)), content, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Ends the writer threads once the files already handed to them are written.</summary>
    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// The file name of the email with <paramref name="messageId"/>: its safe characters (letters, digits,
    /// <c>. - _ @ +</c>), others replaced by <c>_</c>, then a hash of the exact id so that two ids that differ only
    /// in unsafe characters or past the cut get different names.
    /// </summary>
    internal static string FileName(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var trimmed = messageId.Trim().TrimStart('<').TrimEnd('>');
        var readable = new StringBuilder(Math.Min(trimmed.Length, MaxReadableChars));
        foreach (var c in trimmed.AsSpan(0, Math.Min(trimmed.Length, MaxReadableChars)))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '@' or '+' or '.' ? c : '_');
        }

        // A leading dot would hide the file and collide with the temporary files' names.
        if (readable.Length > 0 && readable[0] == '.')
        {
            readable[0] = '_';
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(messageId), hash);
        return $"{readable}-{Convert.ToHexStringLower(hash[..8])}{FileExtension}";
    }
}

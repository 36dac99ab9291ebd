using System.Globalization;
using System.Text;

namespace Personalization.Delivery.Templates;

/// <summary>
/// A string writer that throws once more than a set number of characters is written, so that a template cannot fill
/// memory with output. One instance per thread is kept for reuse, because every render needs one.
/// </summary>
internal sealed class LimitedStringWriter : TextWriter
{
    private const int MaxKeptCapacity = 64 * 1024;

    [ThreadStatic]
    private static LimitedStringWriter? s_cached;

    private readonly StringBuilder _builder = new(1024);
    private int _maxChars;

    private LimitedStringWriter()
        : base(CultureInfo.InvariantCulture)
    {
    }

    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.Unicode;

    /// <summary>The characters written so far.</summary>
    public int Length => _builder.Length;

    /// <summary>Takes this thread's writer (or a new one), empty, with a limit of <paramref name="maxChars"/>.</summary>
    public static LimitedStringWriter Rent(int maxChars)
    {
        var writer = s_cached ?? new LimitedStringWriter();
        s_cached = null;
        writer._maxChars = maxChars <= 0 ? int.MaxValue : maxChars;
        return writer;
    }

    /// <summary>Gives <paramref name="writer"/> back for the next render on this thread.</summary>
    public static void Return(LimitedStringWriter writer)
    {
        writer._builder.Clear();
        if (writer._builder.Capacity <= MaxKeptCapacity)
        {
            s_cached = writer;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => _builder.ToString();

    /// <inheritdoc/>
    public override void Write(char value)
    {
        Reserve(1);
        _builder.Append(value);
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        if (value is not null)
        {
            Reserve(value.Length);
            _builder.Append(value);
        }
    }

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count)
    {
        Reserve(count);
        _builder.Append(buffer, index, count);
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<char> buffer)
    {
        Reserve(buffer.Length);
        _builder.Append(buffer);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    private void Reserve(int count)
    {
        if (count > _maxChars - _builder.Length)
        {
            throw new TemplateLimitExceededException(string.Create(CultureInfo.InvariantCulture,
                $"the output passed MaxOutputChars ({_maxChars})"));
        }
    }
}

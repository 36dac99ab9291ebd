using System.Text.RegularExpressions;

namespace Personalization.Delivery.Templates;

/// <summary>
/// Finds where an error is in a part's source. Fluid's syntax errors carry <c>at (line:column)</c>; its syntax tree
/// carries no positions, so a checked member is placed at the first occurrence of its text.
/// </summary>
internal static partial class TemplateSourceLocator
{
    /// <summary>Splits a Fluid syntax error into its message and position (1-based; 0 when it has none).</summary>
    public static (string Message, int Line, int Column) ParseError(string error)
    {
        var match = ParsePosition().Match(error);
        if (!match.Success)
        {
            var firstLine = error.Split('\n', 2)[0].Trim();
            return (firstLine, 0, 0);
        }

        var message = error[..match.Index].Trim();
        return (message, int.Parse(match.Groups[1].ValueSpan, provider: null), int.Parse(match.Groups[2].ValueSpan, provider: null));
    }

    /// <summary>The 1-based line and column of the first of <paramref name="needles"/> found as a whole word; 0, 0 if none is.</summary>
    public static (int Line, int Column) Find(string source, string needles)
    {
        foreach (var needle in needles.Split('\n'))
        {
            var index = IndexOfWord(source, needle);
            if (index >= 0)
            {
                return Position(source, index);
            }
        }

        return (0, 0);
    }

    private static int IndexOfWord(string source, string needle)
    {
        for (var index = source.IndexOf(needle, StringComparison.Ordinal); index >= 0;
             index = source.IndexOf(needle, index + 1, StringComparison.Ordinal))
        {
            var end = index + needle.Length;
            var startsWord = index == 0 || !IsWordChar(source[index - 1]) && source[index - 1] != '.';
            var endsWord = end == source.Length || !IsWordChar(source[end]);
            if (startsWord && endsWord)
            {
                return index;
            }
        }

        return -1;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    private static (int Line, int Column) Position(string source, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }

    [GeneratedRegex(@"\sat \((\d+):(\d+)\)")]
    private static partial Regex ParsePosition();
}

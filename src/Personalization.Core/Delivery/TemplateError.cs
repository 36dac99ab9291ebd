using System.Globalization;

namespace Personalization.Delivery;

/// <summary>One thing wrong with an email template, found when the templates compile.</summary>
/// <param name="Template">The template's name.</param>
/// <param name="Part">The part: <c>subject</c>, <c>html</c> or <c>text</c> (<c>name</c> for a duplicate name).</param>
/// <param name="Line">The 1-based line in the part's source, or 0 when the error is not about a place in it.</param>
/// <param name="Column">The 1-based column in the part's source, or 0 when the error is not about a place in it.</param>
/// <param name="Message">What is wrong: <c>unknown member 'profile.frist_name'</c>.</param>
public sealed record TemplateError(string Template, string Part, int Line, int Column, string Message)
{
    /// <summary>The error as one line: <c>template 'cart' (html) line 3, column 12: unknown member 'profile.frist_name'</c>.</summary>
    public override string ToString() => Line > 0
        ? string.Create(CultureInfo.InvariantCulture, $"template '{Template}' ({Part}) line {Line}, column {Column}: {Message}")
        : $"template '{Template}' ({Part}): {Message}";
}

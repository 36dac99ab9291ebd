using Personalization.Events;

namespace Personalization.Collect;

/// <summary>One record of a replay file: where it was, what it parsed to, and its text as read.</summary>
/// <param name="LineNumber">The 1-based line number of the record in its file (a CSV header is line 1).</param>
/// <param name="Result">The parsed event, or the reason code and a message that names the line and the problem.</param>
/// <param name="Raw">The record's text without its line terminator, for dead letters and error reports.</param>
public readonly record struct ReplayRecord(long LineNumber, SegmentParseResult Result, string Raw);

using System.Text.Json;
using Personalization.IntegrationTests.Support;

namespace Personalization.IntegrationTests.Durability;

/// <summary>
/// Compares what two Replay runs over the same input left behind: the profile and pending-trigger dumps line by line,
/// and the emails their SMTP servers received. A difference is reported by key (user, trigger instance, send key)
/// and field, so a failure says what the crash changed.
/// </summary>
internal static class ReplayComparison
{
    private const string SendKeyHeader = "X-Personalization-Send-Key";
    private const int Shown = 10;

    /// <summary>Asserts that the dumps in <paramref name="expected"/> and <paramref name="actual"/> are equal line by line.</summary>
    public static void AssertSameDumps(ReplayDumpFiles expected, ReplayDumpFiles actual)
    {
        Assert.Multiple(() =>
        {
            AssertSameLines("profiles", expected.Profiles, actual.Profiles, static e => e.GetProperty("user_id").GetString()!);
            AssertSameLines("pending triggers", expected.Timers, actual.Timers, static e =>
                $"{e.GetProperty("trigger").GetString()}|{e.GetProperty("user_id").GetString()}|{e.GetProperty("instance_key").GetString()}");
        });
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/> received the same send keys as <paramref name="expected"/>, each repeat
    /// with the Message-ID of its first copy, and at most <paramref name="maxRepeats"/> repeats in all.
    /// </summary>
    /// <param name="expected">The server of the uninterrupted run.</param>
    /// <param name="actual">The server of the runs with crashes.</param>
    /// <param name="maxRepeats">How many repeated emails are allowed in all.</param>
    /// <param name="killedAt">How many emails <paramref name="actual"/> had received when each kill landed, to say
    /// which kill each repeat followed.</param>
    /// <param name="failedExpected">Sends of the uninterrupted run that failed for good (its dead letters): a loaded machine
    /// can make the loopback server miss every attempt of a send. Such a key may arrive in the other run.</param>
    /// <param name="failedActual">The same for the runs with crashes.</param>
    /// <returns>How many repeated emails <paramref name="actual"/> received.</returns>
    public static int AssertSameSends(LoopbackSmtpServer expected, LoopbackSmtpServer actual, int maxRepeats, IReadOnlyList<int> killedAt,
        IReadOnlySet<string> failedExpected, IReadOnlySet<string> failedActual)
    {
        // A missing header reads as "(none)", which then shows up as a key of its own.
        var expectedKeys = expected.Received.Select(m => m.Headers[SendKeyHeader] ?? "(none)").ToList();
        var actualByKey = actual.Received.GroupBy(m => m.Headers[SendKeyHeader] ?? "(none)", StringComparer.Ordinal).ToList();

        // Every decision either arrived or is a failed send in the dead letters, with its error: not lost either way.
        var missing = expectedKeys.Except(actualByKey.Select(g => g.Key), StringComparer.Ordinal).Except(failedActual, StringComparer.Ordinal).ToList();
        var extra = actualByKey.Select(g => g.Key).Except(expectedKeys, StringComparer.Ordinal).Except(failedExpected, StringComparer.Ordinal).ToList();
        var repeated = actualByKey.Where(g => g.Count() > 1).ToList();
        var repeats = repeated.Sum(g => g.Count() - 1);
        var mixedIds = repeated.Where(g => g.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count() > 1).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(expectedKeys, Is.Unique, "the uninterrupted run sent a send key twice");
            Assert.That(expectedKeys, Does.Not.Contain("(none)"), $"an email came without {SendKeyHeader}");
            Assert.That(missing, Is.Empty, $"{missing.Count} send keys of the uninterrupted run never arrived after the crashes, e.g. {Sample(missing)}");
            Assert.That(extra, Is.Empty, $"{extra.Count} send keys arrived only after the crashes, e.g. {Sample(extra)}");
            Assert.That(mixedIds.Select(g => g.Key), Is.Empty, "a repeated send key came with different Message-IDs");
            Assert.That(repeats, Is.LessThanOrEqualTo(maxRepeats),
                $"{repeats} repeated emails over {repeated.Count} send keys, e.g. {Sample(repeated.Select(g => $"{g.Key} x{g.Count()}").ToList())}; "
                + RepeatsByKill(actual, killedAt));
        });
        return repeats;
    }

    /// <summary>For each kill: how many emails came again after it, and how far before it the earliest first copy arrived.</summary>
    // For each kill: how many emails received before it came again after it, and how far before the kill (in emails
    // received) the earliest of them had arrived. Sends in flight at the kill arrive within the last few emails.
    public static string RepeatsByKill(LoopbackSmtpServer server, IReadOnlyList<int> killedAt)
    {
        var received = server.Received;
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        var byKill = new int[killedAt.Count];
        var farthest = new int[killedAt.Count];
        for (var i = 0; i < received.Count; i++)
        {
            var key = received[i].Headers[SendKeyHeader] ?? "(none)";
            if (!firstSeen.TryGetValue(key, out var first))
            {
                firstSeen[key] = i;
                continue;
            }

            var kill = 0;
            while (kill < killedAt.Count - 1 && killedAt[kill] <= first)
            {
                kill++;
            }

            byKill[kill]++;
            farthest[kill] = Math.Max(farthest[kill], killedAt[kill] - first);
        }

        return "repeats after each kill (and how many emails before the kill the earliest first copy arrived): "
            + string.Join(", ", byKill.Select((count, kill) => $"kill {kill + 1}: {count} ({farthest[kill]})"));
    }

    private static void AssertSameLines(string what, string expectedPath, string actualPath, Func<JsonElement, string> keyOf)
    {
        var expected = File.ReadAllLines(expectedPath);
        var actual = File.ReadAllLines(actualPath);
        if (expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            Assert.That(expected, Is.Not.Empty, $"the {what} dump is empty: nothing was compared");
            return;
        }

        var expectedByKey = Index(expected, keyOf);
        var actualByKey = Index(actual, keyOf);
        var missing = expectedByKey.Keys.Except(actualByKey.Keys, StringComparer.Ordinal).ToList();
        var extra = actualByKey.Keys.Except(expectedByKey.Keys, StringComparer.Ordinal).ToList();
        var changed = expectedByKey.Where(pair => actualByKey.TryGetValue(pair.Key, out var other) && !string.Equals(other, pair.Value, StringComparison.Ordinal))
            .Select(pair => $"{pair.Key} [{string.Join(", ", ChangedFields(pair.Value, actualByKey[pair.Key]))}]")
            .ToList();
        Assert.Fail($"The {what} differ ({expected.Length:N0} lines uninterrupted, {actual.Length:N0} after the crashes): "
            + $"{missing.Count} missing, e.g. {Sample(missing)}; {extra.Count} extra, e.g. {Sample(extra)}; "
            + $"{changed.Count} changed (key [fields: uninterrupted -> after the crashes]), e.g. {Sample(changed)}");
    }

    private static Dictionary<string, string> Index(string[] lines, Func<JsonElement, string> keyOf)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            index[keyOf(document.RootElement)] = line;
        }

        return index;
    }

    private static IEnumerable<string> ChangedFields(string expectedLine, string actualLine)
    {
        using var expected = JsonDocument.Parse(expectedLine);
        using var actual = JsonDocument.Parse(actualLine);
        var actualFields = actual.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
        foreach (var field in expected.RootElement.EnumerateObject())
        {
            var expectedValue = field.Value.GetRawText();
            var actualValue = actualFields.GetValueOrDefault(field.Name, "(absent)");
            if (!string.Equals(expectedValue, actualValue, StringComparison.Ordinal))
            {
                yield return $"{field.Name}: {expectedValue} -> {actualValue}";
            }
        }
    }

    private static string Sample(IReadOnlyCollection<string> items) =>
        items.Count == 0 ? "none" : string.Join("; ", items.Take(Shown)) + (items.Count > Shown ? "; ..." : string.Empty);
}

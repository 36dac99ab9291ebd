using System.Text;
using Microsoft.Extensions.Time.Testing;
using Personalization.Ingest;

namespace Personalization.Tests.IngestChecks;

/// <summary>Validators and events for the ingest tests: a clock in the REES46 data period, one good event to vary.</summary>
internal static class IngestTestKit
{
    /// <summary>The clock the tests' validators read: the day after the events' time.</summary>
    public static readonly DateTimeOffset Now = new(2019, 10, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A valid track event; tests replace one part of it.</summary>
    public const string Good =
        """{"type":"track","event":"Product Added","messageId":"m-1","userId":"u-1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p-1","price":12.5,"quantity":1}}""";

    public static EventValidator Validator(Action<ValidationOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new ValidationOptions();
        configure?.Invoke(options);
        return new EventValidator(options, time ?? new FakeTimeProvider(Now));
    }

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary><see cref="Good"/> with one text replaced (ordinal).</summary>
    public static string GoodWith(string oldValue, string newValue) => Good.Replace(oldValue, newValue, StringComparison.Ordinal);

    /// <summary>A valid track event whose JSON is exactly <paramref name="bytes"/> long: its properties are padded with
    /// strings of at most 8,000 characters.</summary>
    public static string EventOfSize(int bytes)
    {
        const string head = """{"type":"track","event":"Padded","messageId":"m-size","userId":"u-1","timestamp":"2019-10-01T00:00:00Z","properties":{""";
        const string tail = "}}";
        var text = new StringBuilder(head);
        var room = bytes - head.Length - tail.Length;
        for (var i = 0; room > 0; i++)
        {
            // "pNN":"xxx" and a comma before all but the first.
            var overhead = (i == 0 ? 0 : 1) + $"\"p{i}\":\"\"".Length;
            var length = Math.Min(8_000, room - overhead);
            if (length < 0)
            {
                throw new InvalidOperationException("Size not reachable.");
            }

            text.Append(i == 0 ? "" : ",").Append('"').Append('p').Append(i).Append("\":\"").Append('x', length).Append('"');
            room -= overhead + length;
        }

        text.Append(tail);
        return text.ToString();
    }
}

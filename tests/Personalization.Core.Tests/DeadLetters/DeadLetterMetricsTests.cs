using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Personalization.DeadLetters;
using Personalization.Diagnostics;
using Personalization.Tests.Support;
using static Personalization.Tests.DeadLetters.DeadLetterStoreTests;

namespace Personalization.Tests.DeadLetters;

/// <summary>The dead-letter counters: what was written by kind and reason, what was dropped by cause.</summary>
public class DeadLetterMetricsTests
{
    [Test]
    public async Task Written_entries_are_counted_by_kind_and_reason_and_dropped_ones_by_cause()
    {
        using var directory = new TempDirectory();
        using var meter = new Meter(PersonalizationDiagnostics.Name);
        var measurements = new List<(string Instrument, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();
        var time = new FakeTimeProvider(T0);
        using var store = DeadLetterStore.Open(Path.Combine(directory.Path, "deadletters"),
            new DeadLetterOptions { MaxAge = TimeSpan.FromDays(1) }, time, durable: true, meter);

        await store.AppendAsync([Rejected("malformed", "a"), FailedSend("k", "u")]);
        time.Advance(TimeSpan.FromDays(2));
        store.Trim();

        Assert.That(measurements, Is.EquivalentTo(new[]
        {
            (PersonalizationDiagnostics.DeadLettersWritten, 1L, "kind=rejected_event,reason=malformed"),
            (PersonalizationDiagnostics.DeadLettersWritten, 1L, "kind=failed_send,reason=retries_exhausted"),
            (PersonalizationDiagnostics.DeadLettersDropped, 2L, "cause=age"),
        }));
    }
}

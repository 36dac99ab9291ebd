using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Personalization.Diagnostics;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.IngestChecks;

/// <summary>
/// Fuzzing (issue 6, part 6): random and mutated Segment JSON at the validator and at a real pipeline's ingest, for a
/// time set by <c>PERSONALIZATION_FUZZ_SECONDS</c> (CI sets 60; 5 when unset). Properties: no exception escapes, no
/// call hangs, every input gets exactly one result per event, and accepted + rejected + duplicate = offered, in the
/// results and in the pipeline's metrics.
/// </summary>
[NonParallelizable]
public class IngestFuzzTests
{
    // A call that takes this long is a hang: generous, so a loaded CI machine never fails a sound run.
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(60);

    private static readonly HashSet<string> s_reasons = typeof(IngestReasons).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("PERSONALIZATION_FUZZ_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
        ? seconds
        : 5;

    [Test]
    public void The_validator_gives_one_sound_result_per_event_for_any_input()
    {
        var validator = IngestTestKit.Validator();
        long inputs = 0, events = 0, crashes = 0;

        FuzzInputs.Any.Sample(input =>
        {
            Interlocked.Increment(ref inputs);
            try
            {
                var batch = validator.ParseBatch(input.Payload);
                var single = validator.Parse(input.Payload);
                Interlocked.Add(ref events, batch.Count);
                AssertCount(input, batch.Count);
                foreach (var result in batch.Append(single))
                {
                    AssertSound(input, result);
                }
            }
            catch (Exception ex) when (ex is not AssertionException)
            {
                Interlocked.Increment(ref crashes);
                throw;
            }
        }, time: Seconds, print: input => input.ToString());

        TestContext.Out.WriteLine($"Validator fuzz: {inputs} inputs ({events} events) in {Seconds} s, {crashes} crashes.");
        Assert.That(crashes, Is.Zero);
    }

    [Test]
    public async Task The_pipeline_gives_one_result_per_event_for_any_input_and_the_counts_add_up()
    {
        using var directory = new TempDirectory();
        using var meters = new TestMeterFactory();
        using var counters = new EventCounters(meters);
        var options = TestPipelines.Options(directory.Path);
        await using var pipeline = new PersonalizationPipeline(options, timeProvider: new FakeTimeProvider(IngestTestKit.Now), meterFactory: meters);
        await pipeline.StartAsync();
        long inputs = 0, offered = 0, accepted = 0, rejected = 0, duplicate = 0, crashes = 0;

        await FuzzInputs.Any.SampleAsync(async input =>
        {
            Interlocked.Increment(ref inputs);
            IReadOnlyList<IngestResult> results;
            try
            {
                results = input.Events == 1 && input.Kind != "batch"
                    ? [await pipeline.IngestAsync(input.Payload).AsTask().WaitAsync(s_callTimeout)]
                    : await pipeline.IngestBatchAsync(input.Payload).AsTask().WaitAsync(s_callTimeout);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref crashes);
                throw new AssertionException($"Ingest threw {ex.GetType().Name} on {input}: {ex.Message}", ex);
            }

            AssertCount(input, results.Count);
            Interlocked.Add(ref offered, results.Count);
            foreach (var result in results)
            {
                if (result.Status == IngestStatus.Accepted)
                {
                    Interlocked.Increment(ref accepted);
                }
                else if (result.Status == IngestStatus.Duplicate)
                {
                    Interlocked.Increment(ref duplicate);
                }
                else
                {
                    Interlocked.Increment(ref rejected);
                    Assert.That(s_reasons, Does.Contain(result.ReasonCode), input.ToString());
                    Assert.That(result.Message, Is.Not.Empty, input.ToString());
                }
            }
        }, time: Seconds, threads: 2, print: input => input.ToString());

        await pipeline.FlushAsync().AsTask().WaitAsync(s_callTimeout);
        TestContext.Out.WriteLine($"Pipeline fuzz: {inputs} inputs, {offered} events offered: {accepted} accepted, {rejected} rejected, {duplicate} duplicates; {crashes} crashes.");
        Assert.Multiple(() =>
        {
            Assert.That(crashes, Is.Zero);
            Assert.That(accepted + rejected + duplicate, Is.EqualTo(offered));
            Assert.That(counters.Total(PersonalizationDiagnostics.EventsAccepted), Is.EqualTo(accepted), "accepted metric");
            Assert.That(counters.Total(PersonalizationDiagnostics.EventsDuplicate), Is.EqualTo(duplicate), "duplicate metric");
            Assert.That(counters.RejectedAtIngest(), Is.EqualTo(rejected), "rejected metric");
        });
    }

    private static void AssertCount(FuzzInput input, int count)
    {
        if (input.Events is { } expected)
        {
            Assert.That(count, Is.EqualTo(expected), input.ToString());
        }
        else
        {
            Assert.That(count, Is.GreaterThanOrEqualTo(1), input.ToString());
        }
    }

    private static void AssertSound(FuzzInput input, SegmentParseResult result)
    {
        if (result.Success)
        {
            Assert.That(result.Event.MessageId, Is.Not.Empty, input.ToString());
            Assert.That(result.Event.ProfileId, Is.Not.Empty, input.ToString());
            return;
        }

        Assert.That(s_reasons, Does.Contain(result.ReasonCode), input.ToString());
        Assert.That(result.Message, Is.Not.Empty, input.ToString());
        Assert.That(result.Raw.IsEmpty, Is.EqualTo(input.Payload.Length == 0 || (input.Payload is [0xEF, 0xBB, 0xBF])), input.ToString());
    }

    // Sums the pipeline's event counters (only this test's meters).
    private sealed class EventCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Instrument, string? Reason), long> _totals = new();

        public EventCounters(TestMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name.StartsWith("personalization.events.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? reason = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason")
                    {
                        reason = tag.Value as string;
                    }
                }

                _totals.AddOrUpdate((instrument.Name, reason), value, (_, total) => total + value);
            });
            _listener.Start();
        }

        public long Total(string instrument) => _totals.Where(t => t.Key.Instrument == instrument).Sum(t => t.Value);

        // Rejections at ingest: processing_error counts an accepted event that failed later, so it is left out.
        public long RejectedAtIngest() => _totals
            .Where(t => t.Key.Instrument == PersonalizationDiagnostics.EventsRejected && t.Key.Reason != IngestReasons.ProcessingError)
            .Sum(t => t.Value);

        public void Dispose() => _listener.Dispose();
    }
}

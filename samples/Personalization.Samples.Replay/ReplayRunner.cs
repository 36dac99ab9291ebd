using System.Diagnostics;
using Personalization.Collect;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.Samples.Replay;

/// <summary>
/// Runs a replay through the whole pipeline: ingest in batches, in input order (so each user's events keep their
/// order), complete the replay (or only flush it, with --keep-timers), count (and dump) the profiles and the pending
/// triggers, stop with a checkpoint. Rerun on the same --store after a crash, it goes on where the crash left off:
/// the store recovers, and the events it had already applied come back as duplicates.
/// </summary>
internal static class ReplayRunner
{
    public static async Task<ReplayResult> RunAsync(ReplayOptions options, ReplaySource source, ReplayStore store,
        ReplayDumps dumps, IReplayProgress progress, CancellationToken cancellationToken)
    {
        using var metrics = new PipelineMetricsListener();
        var sends = new InMemorySendIntentSink(capacity: int.MaxValue);
        var pipelineOptions = new PersonalizationOptions
        {
            DataDirectory = store.Path,
            ShardCount = options.Shards,
            ChannelCapacity = options.Capacity,
            Clock = ClockMode.EventTime,
            SendSink = options.DumpSends is null ? null : sends,
            Durability = options.Durability,
            CheckpointInterval = options.CheckpointInterval,

            // A rerun reads the input from its start again and relies on the dedupe index to skip what the store has
            // already applied. In event time the index forgets an id once the newest event time is a window past
            // it, and the input spans days (a REES46 month, or --days of generated traffic): the default 7 days
            // would let the first events of a long input count as new the second time. The longest window keeps
            // every id of an input up to a year long.
            DedupeWindow = TimeSpan.FromDays(365),
        };
        pipelineOptions.Store.MemoryBudgetBytes = options.StoreMib * 1024 * 1024;
        if (!options.NoTriggers)
        {
            // The built-in triggers, cart abandonment exactly as the docs define it.
            pipelineOptions.Triggers.Add(Trigger.CartAbandonment(options.CartDelay).Build());
            pipelineOptions.Triggers.Add(Trigger.BrowseAbandonment().Build());
            pipelineOptions.Triggers.Add(Trigger.PostPurchase().Build());
            pipelineOptions.Triggers.Add(Trigger.Welcome().Build());
            pipelineOptions.Triggers.Add(Trigger.WinBack().Build());
        }

        if (!options.NoTriggers && !options.NoDelivery)
        {
            ConfigureDelivery(pipelineOptions.Delivery, options);
        }

        pipelineOptions.SendPolicies.FrequencyCap = options.FrequencyCap;
        pipelineOptions.SendPolicies.FrequencyWindow = options.FrequencyWindow;
        pipelineOptions.SendPolicies.QuietHoursStart = options.QuietStart;
        pipelineOptions.SendPolicies.QuietHoursEnd = options.QuietEnd;

        PersonalizationPipeline pipeline;
        var logger = new StderrLoggerFactory(options.Verbose);
        try
        {
            pipeline = await PersonalizationPipeline.StartNewAsync(pipelineOptions, logger, cancellationToken: cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new ReplayInputException($"cannot open the store: {ex.Message}", ex);
        }

        await using (pipeline)
        {
            var tally = new ReplayTally();
            var stopwatch = Stopwatch.StartNew();
            var deadLetters = new DeadLetterExport(pipeline);
            var interrupted = await IngestAsync(pipeline, source, options.BatchSize, tally, deadLetters, progress, cancellationToken);
            if (options.KeepTimers)
            {
                // A flush applies every event and fires what the event times have made due, and no more: the
                // instances still waiting stay in the store, as a crash would have left them.
                progress.Phase("Flushing the replay (pending triggers stay pending)");
                await pipeline.FlushAsync();
            }
            else
            {
                progress.Phase("Completing the replay");
                await pipeline.CompleteReplayAsync();
            }

            var elapsed = stopwatch.Elapsed;
            var latencySummary = metrics.Summarize();
            var triggers = pipeline.TriggerCounts;
            if (options.DumpSends is not null)
            {
                progress.Phase("Writing send decisions");
                SendExport.Write(sends.Intents, options.DumpSends);
            }

            progress.Phase(dumps.Profiles is null ? "Counting profiles" : "Counting and writing profiles");
            var profiles = await ProfileExport.CountAsync(pipeline, dumps.Profiles);
            long? pendingTriggers = null;
            if (dumps.Timers is not null)
            {
                progress.Phase("Writing pending triggers");
                pendingTriggers = await TimerExport.WriteAsync(pipeline, dumps.Timers);
            }

            progress.Phase(pipelineOptions.Delivery.Dispatcher is null ? "Checkpointing the store" : "Delivering the last emails and checkpointing the store");
            await pipeline.StopAsync();
            var delivery = pipeline.DeliveryCounts;
            long? deadLettersWritten = null;
            if (options.DeadLetters is not null)
            {
                // After the stop: every failed send has ended, and the stopped store stays readable.
                progress.Phase("Writing dead letters");
                deadLettersWritten = DeadLetterExport.Write(pipeline, options.DeadLetters);
            }

            progress.Phase("Done");

            return new ReplayResult
            {
                Source = source.Description,
                DataDirectory = store.Path,
                TemporaryStore = store.Temporary,
                Shards = options.Shards,
                EventsRead = tally.Read,
                EventsAccepted = tally.Accepted,
                EventsRejected = tally.Rejected,
                EventsDuplicate = tally.Duplicate,
                EventsFailed = metrics.Failed,
                Profiles = profiles,
                ElapsedSeconds = elapsed.TotalSeconds,
                Latency = latencySummary,
                SteadyLatency = metrics.SummarizeSteady(),
                Triggers = triggers,
                RejectedByReason = tally.RejectedByReason,
                RejectionSamples = tally.Samples,
                Interrupted = interrupted,
                ProfilesDumpedTo = options.DumpProfiles,
                PendingTriggers = pendingTriggers,
                TimersDumpedTo = options.DumpTimers,
                DeadLetters = deadLettersWritten,
                DeadLettersDumpedTo = options.DeadLetters,
                Durability = options.Durability,
                CheckpointInterval = options.CheckpointInterval,
                StoreRecovered = logger.StoreRecovered ?? false,
                RecoveryReplayed = logger.RecoveryReplayed,
                Delivery = delivery,
                DeliveredTo = pipelineOptions.Delivery.Dispatcher is null ? null
                    : options.SmtpHost is null ? Path.GetFullPath(options.Outbox) : $"smtp://{options.SmtpHost}:{options.SmtpPort}",
            };
        }
    }

    // The five built-in triggers' emails, to the outbox folder (fresh each run) or an SMTP server.
    private static void ConfigureDelivery(DeliveryOptions delivery, ReplayOptions options)
    {
        foreach (var name in new[] { Trigger.CartAbandonmentName, Trigger.BrowseAbandonmentName, Trigger.PostPurchaseName, Trigger.WelcomeName, Trigger.WinBackName })
        {
            delivery.Templates.Add(EmailTemplate.FromEmbeddedResources(name, typeof(ReplayRunner).Assembly, "Templates"));
        }

        delivery.From = "Replay Shop <shop@replay.example>";
        delivery.UnsubscribeUrl = "https://replay.example/unsubscribe?u={user_id}&t={token}";
        delivery.UnsubscribeSigningKey = "replay-sample-signing-key";
        delivery.FallbackEmailDomain = options.EmailDomain;

        // A replay is a batch job: a platform that is down should not hold it for hours, so fewer, shorter retries
        // than a live host's defaults (every send still ends sent or in dead letters).
        delivery.MaxConcurrency = 16;
        delivery.Retry.MaxAttempts = 3;
        delivery.Retry.BaseDelay = TimeSpan.FromMilliseconds(200);
        delivery.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        delivery.Retry.AttemptTimeout = TimeSpan.FromSeconds(10);
        if (options.SmtpHost is { } host)
        {
            delivery.Dispatcher = new SmtpEmailDispatcher(new SmtpDispatcherOptions
            {
                Host = host,
                Port = options.SmtpPort,
                Security = MailKit.Security.SecureSocketOptions.StartTlsWhenAvailable,
            });
            return;
        }

        Directory.CreateDirectory(options.Outbox);
        foreach (var file in Directory.EnumerateFiles(options.Outbox, "*.eml"))
        {
            File.Delete(file);
        }

        delivery.Dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = options.Outbox });
    }

    // One batch is in the pipeline while the next one is read or generated. The next batch starts only after the
    // previous call returned, so the pipeline sees the events in input order. Returns whether it was interrupted.
    private static async Task<bool> IngestAsync(PersonalizationPipeline pipeline, ReplaySource source, int batchSize,
        ReplayTally tally, DeadLetterExport deadLetters, IReplayProgress progress, CancellationToken cancellationToken)
    {
        var current = new ReplayBatch(batchSize);
        var inFlight = new ReplayBatch(batchSize);
        Task<IReadOnlyList<IngestResult>>? pending = null;
        using var records = source.Records.GetEnumerator();
        while (MoveNext(records, tally.Read))
        {
            var record = records.Current;
            tally.Read++;
            if (!record.Result.Success)
            {
                tally.Reject(record.LineNumber, record.Result.ReasonCode, record.Result.Message);
                await deadLetters.AddAsync(record);
                continue;
            }

            current.Add(record.Result.Event, record.LineNumber);
            if (current.Count < batchSize)
            {
                continue;
            }

            if (pending is not null)
            {
                tally.Add(inFlight, await pending);
                inFlight.Clear();
            }

            pending = pipeline.IngestBatchAsync(current.Events).AsTask();
            (current, inFlight) = (inFlight, current);
            progress.Report(tally.Read, source.Fraction(tally.Read));
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (pending is not null)
        {
            tally.Add(inFlight, await pending);
        }

        if (current.Count > 0)
        {
            tally.Add(current, await pipeline.IngestBatchAsync(current.Events));
        }

        await deadLetters.FlushAsync();
        progress.Report(tally.Read, cancellationToken.IsCancellationRequested ? source.Fraction(tally.Read) : 1.0);
        return cancellationToken.IsCancellationRequested;
    }

    private static bool MoveNext(IEnumerator<ReplayRecord> records, long read)
    {
        try
        {
            return records.MoveNext();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayInputException($"cannot read the input after {read:N0} records: {ex.Message}", ex);
        }
    }
}
